package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// errorText says what went wrong in the user's language. Every error of the
// core, the domain and the store has a translation key (core.ErrorKey) whose
// text lives in domain.*.json; a domain error's Args fill its template
// ({{.max}} …).
func errorText(err error) string {
	if err == nil {
		return ""
	}
	var pr problem
	if errors.As(err, &pr) {
		return string(pr)
	}
	key := core.ErrorKey(err)
	var args map[string]any
	var de *meetings.Error
	if errors.As(err, &de) {
		args = de.Args
	}
	fallback := lang.X("app.err.generic", "Something went wrong ({{.Code}}). Please try again; if it happens again, tell the secretariat.",
		map[string]any{"Code": key})
	return lang.X(key, fallback, args)
}

// showError shows a translated error in a dialog over w. It is the one place
// errors reach people from the screens.
func showError(err error, w fyne.Window) {
	if err == nil {
		return
	}
	fyne.LogError("ecabinet", err)
	msg := widget.NewLabel(errorText(err))
	msg.Wrapping = fyne.TextWrapWord
	d := newCustomDialog(lang.X("app.err.title", "Could not do that"), lang.X("app.ok", "OK"), fixedWidth(420, msg), w)
	d.Show()
}
