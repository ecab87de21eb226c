// Command mkico packs square PNG images into a Windows .ico file, keeping
// each one as PNG (which Windows reads since Vista), so every size can be
// rendered from assets/icon.svg at its own resolution instead of Windows
// shrinking one big image. `make icon` runs it.
//
//	go run ./internal/tools/mkico OUT.ico IN16.png IN32.png ... IN256.png
package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"sort"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: mkico OUT.ico IN.png...")
		os.Exit(2)
	}
	var images [][]byte
	for _, name := range os.Args[2:] {
		b, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mkico:", err)
			os.Exit(1)
		}
		images = append(images, b)
	}
	var out bytes.Buffer
	if err := writeICO(&out, images); err != nil {
		fmt.Fprintln(os.Stderr, "mkico:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[1], out.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "mkico:", err)
		os.Exit(1)
	}
}

// writeICO writes an ICONDIR, one ICONDIRENTRY per image (smallest first)
// and the PNG data. Each image must be a square PNG of 1 to 256 pixels; a
// size of 256 is stored as 0, as the format requires.
func writeICO(w io.Writer, pngs [][]byte) error {
	if len(pngs) == 0 || len(pngs) > 0xffff {
		return errors.New("need 1 to 65535 images")
	}
	type entry struct {
		size int
		data []byte
	}
	entries := make([]entry, 0, len(pngs))
	for i, b := range pngs {
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("image %d: %w", i+1, err)
		}
		if cfg.Width != cfg.Height || cfg.Width < 1 || cfg.Width > 256 {
			return fmt.Errorf("image %d is %d×%d; want square, at most 256", i+1, cfg.Width, cfg.Height)
		}
		entries = append(entries, entry{cfg.Width, b})
	}
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].size < entries[j].size })

	le := binary.LittleEndian
	head := make([]byte, 6+16*len(entries))
	le.PutUint16(head[2:], 1) // type 1 = icon
	le.PutUint16(head[4:], uint16(len(entries)))
	offset := len(head)
	for i, e := range entries {
		d := head[6+16*i:]
		d[0] = byte(e.size) // 256 wraps to 0
		d[1] = byte(e.size)
		le.PutUint16(d[4:], 1)  // colour planes
		le.PutUint16(d[6:], 32) // bits per pixel
		le.PutUint32(d[8:], uint32(len(e.data)))
		le.PutUint32(d[12:], uint32(offset))
		offset += len(e.data)
	}
	if _, err := w.Write(head); err != nil {
		return err
	}
	for _, e := range entries {
		if _, err := w.Write(e.data); err != nil {
			return err
		}
	}
	return nil
}
