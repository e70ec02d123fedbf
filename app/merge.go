package app

import (
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// The merge of a secretariat edit the hub refused because someone else
// changed the record first. The hub's version is already shown everywhere;
// this dialog puts, field by field, what the secretary had entered beside
// what the record holds now, lets them pick, and saves a new edit on the
// current revision. Nothing is decided by a clock: the secretary decides,
// or keeps the current version.

// mergeDialog is the merge of one refused edit.
type mergeDialog struct {
	s       *shell
	re      core.RefusedEdit
	d       *dialog.CustomDialog
	picks   map[string]*fieldPick
	errText *line
	busy    *widget.Activity
	apply   *keyButton
	keep    *keyButton
	cancel  *keyButton
}

// fieldPick is the choice for one field: the secretary's value or the
// current one. Two one-option radio groups, one above each value, so that
// each value sits under its own choice; selecting one clears the other.
type fieldPick struct {
	mine, cur *widget.RadioGroup
}

func (f *fieldPick) useMine() bool { return f.mine.Selected != "" }

// offerMerge reads a refused edit off the UI goroutine and shows its merge.
func (s *shell) offerMerge(devSeq uint64) {
	var re core.RefusedEdit
	s.u.background(func() error {
		var err error
		re, err = s.p.RefusedEdit(devSeq)
		return err
	}, func(err error) {
		if s.stopped {
			return
		}
		if err != nil {
			showError(err, s.u.win)
			return
		}
		if re.Resolution != nil {
			s.u.dropRejection(devSeq)
			return
		}
		s.showMerge(re, "")
	})
}

// fieldName is a field's label in the merge.
func fieldName(name string) string {
	switch name {
	case core.FieldTitle:
		return lang.X("merge.field.title", "Title")
	case core.FieldStart:
		return lang.X("merge.field.start", "Start")
	case core.FieldPlace:
		return lang.X("merge.field.place", "Place")
	case core.FieldPresenter:
		return lang.X("merge.field.presenter", "Presenter")
	case core.FieldMinutes:
		return lang.X("merge.field.minutes", "Minutes")
	case core.FieldDeadline:
		return lang.X("merge.field.deadline", "Deadline")
	}
	return name
}

// fieldText shows a field's value as the forms show it.
func fieldText(name string, v core.FieldValue) string {
	switch name {
	case core.FieldStart, core.FieldDeadline:
		if v.Time.IsZero() {
			return "—"
		}
		return fmtDateTime(v.Time)
	case core.FieldMinutes:
		if v.Num == 0 {
			return "—"
		}
		return lang.X("merge.minutes", "{{.N}} minutes", map[string]any{"N": v.Num})
	}
	if v.Text == "" {
		return "—"
	}
	return v.Text
}

// showMerge shows the merge of re; note, when set, says why it is shown
// again (the record moved on while the first one was open).
func (s *shell) showMerge(re core.RefusedEdit, note string) {
	md := &mergeDialog{s: s, re: re, picks: map[string]*fieldPick{}}
	what := opKindTitle(re.Kind)
	name := re.Name
	if re.Item != "" {
		name += " — " + re.Item
	}
	intro := paragraph(lang.X("merge.intro", "Someone else changed «{{.Name}}» before your change ({{.What}}, {{.When}}) reached the hub. Choose what to keep for each field that differs; it is saved as a new change on the current version.",
		map[string]any{"Name": name, "What": opKindText(re.Kind), "When": fmtShortDateTime(re.At)}),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	body := container.NewVBox(intro)
	if note != "" {
		nb := newBanner()
		nb.set(chipWarning, theme.WarningIcon(), note, "")
		body.Add(nb)
	}
	conflicts := re.Conflicts()
	applyLabel := lang.X("merge.save", "Save the merge")
	switch {
	case len(re.Fields) == 0:
		// An action, not fields: it can only be applied again, or not.
		body.Add(paragraph(lang.X("merge.action", "Your change: {{.What}}. Apply it again on the current version, or keep the current version.",
			map[string]any{"What": what}), theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true}))
		applyLabel = lang.X("merge.apply_again", "Apply again")
	case len(conflicts) == 0:
		body.Add(paragraph(lang.X("merge.same", "The current version already holds what you entered; nothing needs merging."),
			theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true}))
	default:
		mineLabel := lang.X("merge.mine", "Yours")
		curLabel := lang.X("merge.current", "Current (from the hub)")
		for _, f := range conflicts {
			fp := &fieldPick{}
			fp.mine = widget.NewRadioGroup([]string{mineLabel}, nil)
			fp.cur = widget.NewRadioGroup([]string{curLabel}, nil)
			fp.mine.Required, fp.cur.Required = true, true
			fp.mine.OnChanged = func(sel string) {
				if sel != "" {
					fp.cur.SetSelected("")
				}
			}
			fp.cur.OnChanged = func(sel string) {
				if sel != "" {
					fp.mine.SetSelected("")
				}
			}
			// By default the secretary keeps what they changed, and the
			// current value of what they did not touch.
			if f.Changed {
				fp.mine.SetSelected(mineLabel)
			} else {
				fp.cur.SetSelected(curLabel)
			}
			md.picks[f.Name] = fp
			value := func(v core.FieldValue) *line {
				return paragraph(fieldText(f.Name, v), theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
			}
			head := container.NewVBox(titleLine(fieldName(f.Name)))
			if !f.Changed {
				head.Add(subtleLine(lang.X("merge.untouched", "You did not change this field; someone else did.")))
			}
			cols := container.NewGridWithColumns(2,
				card(container.NewVBox(fp.mine, padded(0, 4, 8, 8, value(f.Mine)))),
				card(container.NewVBox(fp.cur, padded(0, 4, 8, 8, value(f.Current)))))
			body.Add(fixedHeight(4))
			body.Add(head)
			body.Add(cols)
		}
	}
	md.errText = paragraph("", theme.ColorNameError, theme.SizeNameText, fyne.TextStyle{})
	md.errText.Hide()
	md.busy = widget.NewActivity()
	md.busy.Hide()
	md.apply = primaryKeyButton(applyLabel, theme.ConfirmIcon(), md.save)
	if len(re.Fields) > 0 && len(conflicts) == 0 {
		md.apply.Hide()
	}
	md.keep = newKeyButton(lang.X("merge.keep", "Keep the current version"), nil, md.keepCurrent)
	md.cancel = newKeyButton(lang.X("app.cancel", "Cancel"), theme.CancelIcon(), func() { md.d.Hide() })
	buttons := container.NewHBox(md.busy, md.cancel, md.keep, md.apply)
	content := container.NewVBox(body, md.errText, fixedHeight(6), container.NewBorder(nil, nil, nil, buttons))
	md.d = dialog.NewCustomWithoutButtons(lang.X("merge.title", "Merge your change"), fixedWidth(640, content), s.u.win)
	md.d.Show()
	fitDialog(md.d)
	s.u.merge = md
}

// save merges with the chosen values, off the UI goroutine. If the record
// moved on while the dialog was open, the merge is refused here as stale:
// the dialog is shown again on the newest version.
func (md *mergeDialog) save() {
	useMine := map[string]bool{}
	for name, fp := range md.picks {
		useMine[name] = fp.useMine()
	}
	re := md.re
	p := md.s.p
	md.run(func() error {
		if len(re.Fields) == 0 {
			return p.MergeAgain(re)
		}
		return p.MergeRefused(re, useMine)
	})
}

// keepCurrent sets the refusal aside.
func (md *mergeDialog) keepCurrent() {
	p, seq := md.s.p, md.re.DevSeq
	md.run(func() error { return p.KeepCurrent(seq) })
}

func (md *mergeDialog) run(work func() error) {
	md.setBusy(true)
	s, seq := md.s, md.re.DevSeq
	var again core.RefusedEdit
	s.u.background(func() error {
		err := work()
		if errors.Is(err, core.ErrStale) {
			var rerr error
			if again, rerr = s.p.RefusedEdit(seq); rerr != nil {
				return rerr
			}
		}
		return err
	}, func(err error) {
		md.setBusy(false)
		if s.stopped {
			return
		}
		switch {
		case errors.Is(err, core.ErrStale) && again.DevSeq == seq:
			md.d.Hide()
			s.showMerge(again, lang.X("merge.moved_on", "The record changed again while you were choosing; here is its newest version."))
		case err != nil:
			md.errText.setText(errorText(err))
			md.errText.Show()
		default:
			md.d.Hide()
			s.u.dropRejection(seq)
		}
	})
}

func (md *mergeDialog) setBusy(b bool) {
	for _, btn := range []*keyButton{md.apply, md.keep, md.cancel} {
		if b {
			btn.Disable()
		} else {
			btn.Enable()
		}
	}
	if b {
		md.errText.Hide()
		md.busy.Show()
		md.busy.Start()
		return
	}
	md.busy.Stop()
	md.busy.Hide()
}

// dropRejection takes a refusal the person has dealt with off the window:
// its banner and its line in Settings (UI goroutine).
func (u *ui) dropRejection(devSeq uint64) {
	kept := u.rejections[:0:0]
	for _, r := range u.rejections {
		if r.DevSeq != devSeq {
			kept = append(kept, r)
		}
	}
	u.rejections = kept
	if u.shell == nil {
		return
	}
	u.shell.removeRejectionBanner(devSeq)
	u.shell.screens[scrSettings].(*settingsScreen).showRejections()
	if cv := u.shell.changesView; cv != nil {
		cv.reload()
	}
}

// removeRejectionBanner removes the banner about a refusal, if shown.
func (s *shell) removeRejectionBanner(devSeq uint64) {
	row, ok := s.rejBanners[devSeq]
	if !ok {
		return
	}
	delete(s.rejBanners, devSeq)
	s.notices.Remove(row)
	s.root.Refresh()
}

// mergeButtons are the actions on a refusal the person can merge: "Merge…"
// and "Keep the current version".
func (s *shell) mergeButtons(r core.OpState) []fyne.CanvasObject {
	if !core.Mergeable(r) {
		return nil
	}
	seq := r.DevSeq
	merge := widget.NewButtonWithIcon(lang.X("merge.open", "Merge…"), theme.ContentCopyIcon(), func() { s.offerMerge(seq) })
	merge.Importance = widget.HighImportance
	keep := widget.NewButton(lang.X("merge.keep", "Keep the current version"), func() {
		s.u.background(func() error { return s.p.KeepCurrent(seq) }, func(err error) {
			if err != nil {
				showError(err, s.u.win)
				return
			}
			s.u.dropRejection(seq)
		})
	})
	keep.Importance = widget.LowImportance
	return []fyne.CanvasObject{merge, keep}
}

// showStaleRejection puts the banner of a stale edit at the top of the
// window, with "Merge…" and "Keep the current version" beside "Close"
// (which only hides the banner: Settings still lists the refusal).
func (s *shell) showStaleRejection(r core.OpState) {
	head, body := s.rejectionText(r)
	bn := newBanner()
	bn.set(chipWarning, theme.WarningIcon(), head, body)
	var row fyne.CanvasObject
	dismiss := widget.NewButtonWithIcon(lang.X("app.close", "Close"), theme.CancelIcon(), func() {
		s.removeRejectionBanner(r.DevSeq)
	})
	dismiss.Importance = widget.LowImportance
	actions := container.NewHBox(append(s.mergeButtons(r), dismiss)...)
	row = padded(6, 0, 12, 12, container.NewBorder(nil, nil, nil, container.NewCenter(actions), bn))
	s.removeRejectionBanner(r.DevSeq)
	s.rejBanners[r.DevSeq] = row
	s.notices.Add(row)
	for len(s.notices.Objects) > 3 {
		s.notices.Remove(s.notices.Objects[0])
	}
	s.root.Refresh()
}

// fitDialog sizes a dialog to its content once it is shown: wrapped text
// learns its height only when it knows its width, which it does only once
// the dialog has laid it out, so the size taken at Show is too short.
func fitDialog(d dialog.Dialog) {
	for range 2 {
		d.Resize(d.MinSize())
	}
}
