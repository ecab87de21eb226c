package main

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	a := app.NewWithID("io.github.nidan.Bisect")
	w := a.NewWindow("bisect")
	var c fyne.CanvasObject
	switch os.Args[1] {
	case "label":
		c = widget.NewLabel("x")
	case "wrapcenter":
		c = container.NewCenter(container.NewVBox(&widget.Label{Text: "No accounts yet"},
			&widget.Label{Text: "Add the QR code or key a website shows when you turn on two-step verification.", Wrapping: fyne.TextWrapWord, Alignment: fyne.TextAlignCenter},
			widget.NewButton("Add", nil)))
	case "top":
		s := widget.NewEntry()
		s.SetPlaceHolder("Search (Ctrl+F)")
		sel := widget.NewSelect([]string{"a", "b"}, nil)
		sel.SetSelectedIndex(0)
		g := widget.NewSelect(nil, nil)
		g.Hide()
		c = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(&widget.Button{Icon: theme.ContentAddIcon()}), s), container.NewGridWithColumns(2, sel, g)), nil, nil, nil)
	case "select":
		sel := widget.NewSelect([]string{"a", "b"}, nil)
		sel.SetSelectedIndex(0)
		c = container.NewVBox(sel)
	case "tray":
		c = widget.NewLabel("x")
		if d, ok := a.(desktop.App); ok {
			d.SetSystemTrayMenu(fyne.NewMenu("N", fyne.NewMenuItem("a", nil)))
		}
	case "tick":
		l := widget.NewLabel("0")
		c = l
		go func() {
			for i := 0; ; i++ {
				time.Sleep(time.Second)
				fyne.Do(func() { l.SetText(fmt.Sprint(i)) })
			}
		}()
	case "entry":
		s := widget.NewEntry()
		s.SetPlaceHolder("Search (Ctrl+F)")
		c = container.NewVBox(s)
	}
	w.SetContent(c)
	w.Resize(fyne.NewSize(480, 640))
	go func() {
		time.Sleep(3 * time.Second)
		c0 := cpu()
		time.Sleep(10 * time.Second)
		fmt.Printf("%s: %.2f%%\n", os.Args[1], 100*float64(cpu()-c0)/float64(10*time.Second))
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
}
