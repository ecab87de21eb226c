// Command winclip puts an image or text on the Windows clipboard the way
// other programs do, for the Wine test harness (scripts/test-windows.sh):
// nidan.exe scan --clipboard then has to find it. It is a test tool, never
// part of a package.
//
//	winclip -format png IMAGE.png      the registered "PNG" format (browsers, Snipping Tool)
//	winclip -format dibv5 IMAGE.png    CF_DIBV5: a 32-bit top-down bitmap with alpha
//	winclip -format dib IMAGE.png      CF_DIB: a 24-bit bottom-up bitmap (Paint, older programs)
//	winclip -text TEXT                 CF_UNICODETEXT
package main

import (
	"flag"
	"fmt"
	"image"
	_ "image/png" // read the input image
	"os"

	"github.com/nidan-auth/nidan/internal/winclipboard"
)

func main() {
	format := flag.String("format", "png", "png, dibv5 or dib")
	text := flag.String("text", "", "put this text instead of an image")
	flag.Parse()
	if err := run(*format, *text, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "winclip:", err)
		os.Exit(1)
	}
}

func run(format, text string, args []string) error {
	if text != "" {
		return winclipboard.Set("text", []byte(text))
	}
	if len(args) != 1 {
		return fmt.Errorf("usage: winclip -format png|dibv5|dib IMAGE.png | winclip -text TEXT")
	}
	raw, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	if format == "png" {
		return winclipboard.Set("png", raw)
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	switch format {
	case "dibv5":
		return winclipboard.Set(format, winclipboard.DIBV5(img))
	case "dib":
		return winclipboard.Set(format, winclipboard.DIB24(img))
	}
	return fmt.Errorf("unknown format %q (png, dibv5, dib)", format)
}
