package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The keys of the window that are not shortcuts (Fyne's shortcuts need a
// modifier): Esc closes the dialog or pop-up on top, F1 opens the help.
// Fyne gives a key to the focused widget, else to the canvas; so the
// canvas handles them when nothing has the focus, and the app's text
// fields (keyEntry, searchEntry) pass them on to the canvas — a plain
// widget.Entry would keep them.

// handleKeys makes the window answer Esc and F1.
func (u *ui) handleKeys() {
	u.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		switch k.Name {
		case fyne.KeyEscape:
			closeTop(u.win.Canvas())
		case fyne.KeyF1:
			u.showHelp()
		}
	})
}

// closeTop closes the dialog or pop-up on top of the canvas, if any. A
// dialog closed this way is dismissed: nothing it asked is done.
func closeTop(c fyne.Canvas) bool {
	top := c.Overlays().Top()
	if top == nil {
		return false
	}
	c.Unfocus()
	if p, ok := top.(*widget.PopUp); ok {
		p.Hide()
	} else {
		c.Overlays().Remove(top)
	}
	return true
}

// windowKey hands Esc and F1 typed in a text field to the window; it
// reports whether it did.
func windowKey(o fyne.CanvasObject, k *fyne.KeyEvent) bool {
	if k.Name != fyne.KeyEscape && k.Name != fyne.KeyF1 {
		return false
	}
	app := fyne.CurrentApp()
	if app == nil {
		return false
	}
	c := app.Driver().CanvasForObject(o)
	if c == nil || c.OnTypedKey() == nil {
		return false
	}
	c.OnTypedKey()(k)
	return true
}

// keyEntry is the app's text field: a widget.Entry that leaves Esc and F1
// to the window, so that Esc closes the form it is in.
type keyEntry struct {
	widget.Entry
}

// newEntry is a one-line keyEntry.
func newEntry() *keyEntry {
	e := &keyEntry{}
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip) // what widget.NewEntry sets
	e.ExtendBaseWidget(e)
	return e
}

// newMultiLineEntry is a keyEntry of several lines.
func newMultiLineEntry() *keyEntry {
	e := newEntry()
	e.MultiLine = true
	return e
}

// AcceptsTab is false even for several lines: in a form Tab moves to the
// next field (Fyne's multi-line entry keeps Tab and types it, so a secretary
// tabbing from an agenda item's title to its presenter wrote the presenter
// into the title). Nobody types a tab character into a title or a comment.
func (e *keyEntry) AcceptsTab() bool { return false }

// TypedKey passes Esc and F1 to the window and the rest to the entry.
func (e *keyEntry) TypedKey(k *fyne.KeyEvent) {
	if windowKey(e, k) {
		return
	}
	e.Entry.TypedKey(k)
}

// syncNowAsked is "Sync now" (the status bar's button, Ctrl+S): it syncs,
// and says so when it cannot right now — the computer is not connected to
// a hub, or the hub cannot be reached (the replicator keeps trying).
func (u *ui) syncNowAsked() {
	st := u.syncState
	if u.shell != nil {
		switch {
		case !st.Known:
		case !st.Enrolled:
			u.shell.status.note(lang.X("status.sync_not_enrolled", "This computer is not connected to a hub: join a committee first."))
		case !st.Online:
			u.shell.status.note(lang.X("status.sync_offline", "Offline: cannot reach the hub now. Your changes stay on this computer and are sent when the connection returns."))
		}
	}
	u.syncNow()
}

// showHelp opens a short help in the app's language: what the app is for,
// then the keys.
func (u *ui) showHelp() {
	intro := paragraph(lang.X("help.intro", "eCabinet prepares sessions and collects written opinions. Everything works on this computer, with or without a connection; changes are sent to the hub when it can be reached. The home shows what needs you: ballots awaiting your answer, the next sessions, reminders."),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	// The screens' shortcuts on the left, the other keys on the right:
	// the help fits a 768-px screen.
	screens, others := widget.NewForm(), widget.NewForm()
	what := func(text string) fyne.CanvasObject {
		l := newLine(text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
		l.Truncation = fyne.TextTruncateOff
		return l
	}
	if s := u.shell; s != nil {
		for i, id := range s.keyed {
			if i >= len(shortcutKeys) {
				break
			}
			for _, d := range s.defs {
				if d.id == id {
					screens.Append(keyName(shortcutKeys[i]), what(d.label))
				}
			}
		}
	}
	for _, k := range []struct{ key, what string }{
		{"Ctrl+N", lang.X("help.key.new", "Create something new on the screen shown")},
		{"Ctrl+F", lang.X("help.key.search", "Search the list shown")},
		{"Ctrl+S", lang.X("help.key.sync", "Synchronise now")},
		{"Tab", lang.X("help.key.tab", "Next control; Enter or Space uses it")},
		{"Esc", lang.X("help.key.esc", "Close the dialog; clear the search")},
		{"F1", lang.X("help.key.help", "This help")},
	} {
		others.Append(k.key, what(k.what))
	}
	content := container.NewVBox(intro, widget.NewSeparator(), container.NewGridWithColumns(2, screens, others))
	d := newCustomDialog(lang.X("help.title", "Help"), lang.X("app.close", "Close"), fixedWidth(820, content), u.win)
	d.Show()
}

// keyName is "Ctrl+1" for the digit key.
func keyName(k fyne.KeyName) string { return "Ctrl+" + string(k) }

// keyButton is the app's button in dialogs: a widget.Button that leaves
// Esc and F1 to the window. Fyne hands a key to the focused widget only
// (the GLFW driver calls the canvas's OnTypedKey, and its OnKeyDown, only
// when nothing has the focus, and has no shortcut without a modifier), so
// once Tab has put the focus on a plain widget.Button, Esc goes to the
// button, which ignores it, and the dialog stays open.
type keyButton struct {
	widget.Button
}

// newKeyButton is a keyButton with a label, an icon (may be nil) and its
// action.
func newKeyButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// primaryKeyButton is primaryButton as a keyButton, for dialogs.
func primaryKeyButton(label string, icon fyne.Resource, tapped func()) *keyButton {
	b := newKeyButton(label, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// TypedKey passes Esc and F1 to the window and the rest to the button.
func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	if windowKey(b, k) {
		return
	}
	b.Button.TypedKey(k)
}

// newCustomDialog is dialog.NewCustom with a keyButton to dismiss it.
func newCustomDialog(title, dismiss string, content fyne.CanvasObject, w fyne.Window) *dialog.CustomDialog {
	d := dialog.NewCustomWithoutButtons(title, content, w)
	d.SetButtons([]fyne.CanvasObject{newKeyButton(dismiss, nil, d.Hide)})
	return d
}

// confirmDialog asks yes or no with keyButtons (dialog.NewCustomConfirm's
// buttons would keep Esc); tests answer it with Confirm.
type confirmDialog struct {
	*dialog.CustomDialog
	yes   *keyButton
	onYes func()
}

// newConfirmDialog is dialog.NewCustomConfirm with keyButtons: onYes runs
// once the dialog is confirmed, nothing when it is dismissed.
func newConfirmDialog(title, yes, no string, content fyne.CanvasObject, onYes func(), w fyne.Window) *confirmDialog {
	d := &confirmDialog{CustomDialog: dialog.NewCustomWithoutButtons(title, content, w), onYes: onYes}
	d.yes = newKeyButton(yes, theme.ConfirmIcon(), d.Confirm)
	d.yes.Importance = widget.HighImportance
	d.SetButtons([]fyne.CanvasObject{newKeyButton(no, theme.CancelIcon(), d.Hide), d.yes})
	return d
}

// Confirm closes the dialog and does what it asked.
func (d *confirmDialog) Confirm() {
	d.Hide()
	if d.onYes != nil {
		d.onYes()
	}
}

// SetConfirmImportance colours the button that confirms.
func (d *confirmDialog) SetConfirmImportance(i widget.Importance) {
	d.yes.Importance = i
	d.yes.Refresh()
}
