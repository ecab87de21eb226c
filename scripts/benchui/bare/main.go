// Command bare is the baseline of scripts/bench-ui.sh: a bare Fyne window of
// Nidan's size with one label, nothing else.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("io.github.nidan.Bare")
	w := a.NewWindow("bare")
	w.SetContent(widget.NewLabel("bare fyne window"))
	w.Resize(fyne.NewSize(480, 640))
	w.ShowAndRun()
}
