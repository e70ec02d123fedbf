// Package app holds the desktop screens (Fyne). It never imports
// fyne.io/fyne/v2/app: main.go creates the Fyne application and hands it to
// Run, so every screen can be tested with fyne.io/fyne/v2/test and no
// display.
package app
