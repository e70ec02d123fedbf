package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/meetings"
)

// The minutes' conclusions: once the session has begun the secretary
// writes, per agenda item, what was concluded; the row shows that it has
// one. Closing the minutes (finalising) freezes them, after a confirmation.

// canConclude reports whether the secretary may write conclusions now.
func (d *meetingDetail) canConclude() bool {
	held := d.m.Status == meetings.StatusInSession || d.m.Status == meetings.StatusClosed
	return d.s.p.IsSecretaryOf(d.m.Body) && held && d.m.Finalised.IsZero()
}

// showConclusion sets the row's conclusion button: "Conclusion" or, once
// one is written, "Concluded", for the secretariat while it may write.
func (d *meetingDetail) showConclusion(r *agendaItem, it meetings.AgendaItem) {
	if !d.canConclude() {
		r.conclude.OnTapped = nil
		r.conclude.Hide()
		return
	}
	if strings.TrimSpace(it.Conclusion) != "" {
		r.conclude.SetText(lang.X("conclusion.done", "Concluded"))
		r.conclude.Importance = widget.SuccessImportance
	} else {
		r.conclude.SetText(lang.X("conclusion.action", "Conclusion"))
		r.conclude.Importance = widget.MediumImportance
	}
	itemID := it.ID
	r.conclude.OnTapped = func() { d.editConclusion(itemID) }
	r.conclude.Show()
}

// editConclusion asks for the conclusion on an item and saves it off the
// UI goroutine.
func (d *meetingDetail) editConclusion(itemID string) {
	it, ok := d.item(itemID)
	if !ok {
		return
	}
	text := widget.NewMultiLineEntry()
	text.Wrapping = fyne.TextWrapWord
	text.SetMinRowsVisible(6)
	text.SetText(it.Conclusion)
	text.PlaceHolder = lang.X("conclusion.hint", "e.g. The ministries complete the digitisation of records by the end of the year.")
	mid := d.id
	items := []*widget.FormItem{{Text: it.Title, Widget: text,
		HintText: lang.X("conclusion.form.hint", "Written into the minutes; it can be changed until the minutes are finalised.")}}
	d.s.u.showForm(lang.X("conclusion.title", "Conclusion on the item"), lang.X("app.save", "Save"), items, func() (func() error, error) {
		concl := text.Text
		if len(strings.TrimSpace(concl)) > meetings.MaxConclusionLen {
			return nil, &meetings.Error{Code: "err.conclusion.too_long", Args: map[string]any{"max": meetings.MaxConclusionLen}}
		}
		return func() error { return d.s.p.SetConclusion(mid, itemID, concl) }, nil
	}, nil)
}

// finalise closes the minutes after a confirmation.
func (d *meetingDetail) finalise() {
	mid := d.id
	d.s.u.confirm(lang.X("minutes.finalise.title", "Finalise the minutes?"),
		lang.X("minutes.finalise.body", "After finalising, the conclusions of this session can no longer be changed; the minutes no longer say they are a draft."),
		lang.X("minutes.finalise", "Finalise the minutes"), true,
		func() {
			d.s.u.background(func() error { return d.s.p.FinaliseMinutes(mid) },
				func(err error) { showError(err, d.s.u.win) })
		})
}
