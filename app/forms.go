package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// formDialog is a dialog with a form that stays open until its change is
// saved: the inputs are checked on the UI goroutine (a problem is shown
// under the form, translated, and the dialog stays), then the change is
// saved on a goroutine while the dialog shows that it is working; a refusal
// from the core is shown the same way.
type formDialog struct {
	u       *ui
	d       *dialog.CustomDialog
	form    *widget.Form
	errText *line
	content *fyne.Container
	busy    *widget.Activity
	save    *keyButton
	cancel  *keyButton
	// check validates the inputs and returns the save to run off the UI
	// goroutine, or a problem to show.
	check   func() (func() error, error)
	onSaved func()
}

// showForm opens a form dialog over the window.
func (u *ui) showForm(title, saveLabel string, items []*widget.FormItem,
	check func() (func() error, error), onSaved func(),
) *formDialog {
	f := &formDialog{u: u, check: check, onSaved: onSaved}
	f.form = widget.NewForm(items...)
	f.errText = paragraph("", theme.ColorNameError, theme.SizeNameText, fyne.TextStyle{})
	f.errText.Hide()
	f.busy = widget.NewActivity()
	f.busy.Hide()
	f.save = newKeyButton(saveLabel, theme.ConfirmIcon(), f.submit)
	f.save.Importance = widget.HighImportance
	f.cancel = newKeyButton(lang.X("app.cancel", "Cancel"), theme.CancelIcon(), func() { f.d.Hide() })
	buttons := container.NewHBox(f.busy, f.cancel, f.save)
	f.content = container.NewVBox(f.form, f.errText, container.NewBorder(nil, nil, nil, buttons))
	content := f.content
	f.d = dialog.NewCustomWithoutButtons(title, fixedWidth(520, content), u.win)
	for _, it := range items {
		if e, ok := it.Widget.(*widget.Entry); ok && !e.MultiLine {
			e.OnSubmitted = func(string) { f.submit() }
		}
		if e, ok := it.Widget.(*keyEntry); ok && !e.MultiLine {
			e.OnSubmitted = func(string) { f.submit() }
		}
	}
	f.d.Show()
	if len(items) > 0 {
		if e, ok := items[0].Widget.(fyne.Focusable); ok {
			u.win.Canvas().Focus(e)
		}
	}
	u.form = f
	return f
}

// submit checks the inputs and saves.
func (f *formDialog) submit() {
	if f.save.Disabled() {
		return
	}
	work, err := f.check()
	if err != nil {
		f.showErr(err)
		return
	}
	f.setBusy(true)
	f.u.background(work, func(err error) {
		f.setBusy(false)
		if err != nil {
			f.showErr(err)
			return
		}
		f.d.Hide()
		if f.onSaved != nil {
			f.onSaved()
		}
	})
}

func (f *formDialog) showErr(err error) {
	f.errText.setText(errorText(err))
	f.errText.Show()
	f.content.Refresh()
}

func (f *formDialog) setBusy(b bool) {
	if b {
		f.errText.Hide()
		f.save.Disable()
		f.cancel.Disable()
		f.busy.Show()
		f.busy.Start()
		return
	}
	f.busy.Stop()
	f.busy.Hide()
	f.save.Enable()
	f.cancel.Enable()
}

// confirm asks before a change; destructive ones get a red button. The
// dialog is returned so that tests can answer it.
func (u *ui) confirm(title, message, yes string, destructive bool, onYes func()) *confirmDialog {
	msg := paragraph(message, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	return u.confirmWith(title, msg, yes, destructive, onYes)
}

// confirmWith is confirm with content of its own.
func (u *ui) confirmWith(title string, content fyne.CanvasObject, yes string, destructive bool, onYes func()) *confirmDialog {
	d := newConfirmDialog(title, yes, lang.X("app.cancel", "Cancel"), fixedWidth(420, content), onYes, u.win)
	if destructive {
		d.SetConfirmImportance(widget.DangerImportance)
	}
	d.Show()
	u.lastConfirm = d
	return d
}

// problem is a validation problem found by a form before it reaches the
// core: its text is already translated.
type problem string

func (p problem) Error() string { return string(p) }
