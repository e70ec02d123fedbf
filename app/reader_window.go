package app

import (
	"bytes"
	"fmt"
	"mime"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// openReaderWindow opens src in a window of its own (a member keeps the
// agenda beside the paper); closing the window closes the paper.
func openReaderWindow(u *ui, src ReaderSource, opt readerOptions) *reader {
	w := u.app.NewWindow(src.Title)
	w.SetIcon(appIcon)
	w.SetPadded(false)
	w.Resize(windowSize(u.app.Preferences()))
	opt.Win = w
	r := newReader(u, src, opt)
	w.SetContent(r.view())
	wireReaderKeys(w.Canvas(), r)
	w.SetOnClosed(r.close)
	w.Show()
	return r
}

// wireReaderKeys gives the reader the window's keys when nothing has the
// focus, and its Ctrl shortcuts whatever has (the find field too).
func wireReaderKeys(c fyne.Canvas, r *reader) {
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if !r.key(k.Name) && k.Name == fyne.KeyEscape {
			closeTop(c)
		}
	})
	for _, k := range []fyne.KeyName{fyne.KeyF, fyne.KeyEqual, fyne.KeyPlus, fyne.KeyMinus, fyne.Key0} {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault},
			func(fyne.Shortcut) { r.shortcut(k) })
	}
}

// RunReader is the developer's `ecabinet read FILE`: the reader on a file
// from the disk, without a profile, to try it before the Papers screen
// opens papers from the chunk store. viewer, when set, marks the paper
// confidential with that name; lang is "vi", "en" or empty (the saved
// choice). It blocks until the window closes.
func RunReader(a fyne.App, path, viewer, lang string) int {
	if err := loadTranslations(); err != nil {
		fyne.LogError("load translations", err)
	}
	setLanguage(chooseLanguage(lang, a.Preferences()))
	a.Settings().SetTheme(newTheme())
	a.SetIcon(appIcon)
	// The file is already on the disk in the clear; reading it into
	// memory stands in for the chunk store's reader.
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ecabinet:", err)
		return 1
	}
	src := ReaderSource{
		Title: filepath.Base(path), FileName: filepath.Base(path),
		Size: int64(len(data)), ReaderAt: bytes.NewReader(data),
		MediaType:    mime.TypeByExtension(filepath.Ext(path)),
		Confidential: viewer != "", Viewer: viewer,
		CopyAllowed: true, // the developer's own file, already in the clear
	}
	w := a.NewWindow(src.Title)
	w.SetIcon(appIcon)
	w.SetPadded(false)
	w.SetMaster()
	w.Resize(windowSize(a.Preferences()))
	u := newUI(a, w, Config{}, "", fyne.Do)
	r := newReader(u, src, readerOptions{Win: w})
	w.SetContent(r.view())
	wireReaderKeys(w.Canvas(), r)
	w.ShowAndRun()
	r.close()
	u.shutdown()
	return 0
}
