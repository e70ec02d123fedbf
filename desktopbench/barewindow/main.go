// Command barewindow shows an empty Fyne window titled "barewindow": the
// floor against which the idle memory of the eCabinet window is measured.
package main

import (
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := fyneapp.NewWithID("vn.ecabinet.barewindow")
	w := a.NewWindow("barewindow")
	w.SetContent(widget.NewLabel(""))
	w.ShowAndRun()
}
