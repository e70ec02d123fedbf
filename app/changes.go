package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// "My changes": every change made on this computer, newest first, with
// where it stands — saved here, sent, accepted by the hub, refused (and
// why). A device makes thousands of changes in a year, so the list is a
// widget.List (rows are recycled) fed page by page from the core, each page
// read off the UI goroutine as the person scrolls towards its end.

// changesPage is how many changes one read brings.
const changesPage = 100

// changesView is the open "My changes" dialog.
type changesView struct {
	s     *shell
	d     *dialog.CustomDialog
	list  *widget.List
	empty *line
	items []core.Change
	// more: older changes may exist beyond the last read; loading: a read
	// is under way (one at a time); gen counts reloads, so that a page
	// read before a reload is not appended after it.
	more    bool
	loading bool
	gen     int
}

// showMyChanges opens "My changes" (from the status bar's count of waiting
// changes, or Settings).
func (s *shell) showMyChanges() {
	if s.changesView != nil {
		return
	}
	cv := &changesView{s: s, more: true}
	// One line, not wrapped: centred, wrapped text would be as narrow as
	// a word and as tall as the dialog.
	cv.empty = newLine(lang.X("changes.loading", "Reading the changes made on this computer…"),
		colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	cv.empty.Truncation = fyne.TextTruncateOff
	cv.list = widget.NewList(func() int { return len(cv.items) }, cv.newRow, cv.updateRow)
	hint := paragraph(lang.X("changes.hint", "Every change made on this computer, newest first, and where it stands: saved here, sent, accepted by the hub, or refused."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	size := canvas.NewRectangle(color.Transparent)
	size.SetMinSize(fyne.NewSize(760, 460))
	content := container.NewBorder(hint, nil, nil, nil, container.NewStack(size, cv.list, container.NewCenter(cv.empty)))
	cv.d = newCustomDialog(lang.X("changes.title", "My changes"), lang.X("app.close", "Close"), content, s.u.win)
	cv.d.SetOnClosed(func() { s.changesView = nil })
	s.changesView = cv
	cv.d.Show()
	fitDialog(cv.d)
	cv.reload()
}

// changeRow is one row of the list.
type changeRow struct {
	widget.BaseWidget
	title   *line
	sub     *line
	state   *chip
	merge   *widget.Button
	content fyne.CanvasObject
}

func (cv *changesView) newRow() fyne.CanvasObject {
	r := &changeRow{title: titleLine(""), sub: subtleLine(""), state: newChip("", chipNeutral)}
	r.merge = widget.NewButtonWithIcon(lang.X("merge.open", "Merge…"), theme.ContentCopyIcon(), nil)
	r.merge.Importance = widget.LowImportance
	right := container.NewHBox(container.NewCenter(r.merge), container.NewCenter(r.state))
	r.content = padded(2, 2, 4, 4, container.NewBorder(nil, nil, nil, right, lines(r.title, r.sub)))
	r.ExtendBaseWidget(r)
	return r
}

// CreateRenderer draws the row's parts.
func (r *changeRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

func (cv *changesView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(cv.items) {
		return
	}
	r := o.(*changeRow)
	c := cv.items[id]
	r.title.setText(changeTitle(c))
	r.sub.setText(changeDetail(c))
	text, kind := changeStateText(c)
	r.state.set(text, kind)
	if core.Mergeable(c.OpState) && c.Resolution == nil {
		seq := c.DevSeq
		r.merge.OnTapped = func() { cv.s.offerMerge(seq) }
		r.merge.Show()
	} else {
		r.merge.OnTapped = nil
		r.merge.Hide()
	}
	// The chip and the button change width with their text: lay the row
	// out again (a recycled row keeps the layout of its last use).
	r.content.Refresh()
	// Near the end of what is read: read the next page.
	if id >= len(cv.items)-20 {
		cv.loadMore()
	}
}

// changeTitle is "Edit a meeting: Fifth session — Opening".
func changeTitle(c core.Change) string {
	t := opKindTitle(c.Kind)
	if c.Name != "" {
		t += ": " + c.Name
	}
	if c.Detail != "" {
		t += " — " + c.Detail
	}
	return t
}

// changeDetail is when the change was made and, once the hub has spoken,
// what it said.
func changeDetail(c core.Change) string {
	d := lang.X("changes.made_at", "Made {{.When}}", map[string]any{"When": fmtShortDateTime(c.At)})
	switch c.State {
	case core.StateAccepted:
		if !c.HubAt.IsZero() {
			d += " · " + lang.X("changes.accepted_at", "accepted by the hub {{.When}}", map[string]any{"When": fmtShortDateTime(c.HubAt)})
		}
	case core.StateRejected:
		why := c.Reason
		switch {
		case core.Mergeable(c.OpState):
			// The domain's words ask to reload and retry; here the record
			// is already the current one and the change can be merged.
			why = lang.X("changes.stale", "someone else changed this record first")
		case c.Code != "":
			why = lang.X(c.Code, c.Reason)
		}
		if why != "" {
			d += " · " + why
		}
		if c.Resolution != nil {
			switch c.Resolution.How {
			case core.ResolvedMerged:
				d += " · " + lang.X("changes.resolved.merged", "merged into a new change")
			default:
				d += " · " + lang.X("changes.resolved.kept", "the current version was kept")
			}
		}
	}
	return d
}

// changeStateText is the chip of a change's state.
func changeStateText(c core.Change) (string, chipKind) {
	switch c.State {
	case core.StateSent:
		return lang.X("changes.state.sent", "Sent"), chipNeutral
	case core.StateAccepted:
		return lang.X("changes.state.accepted", "Accepted by the hub"), chipSuccess
	case core.StateRejected:
		if c.Resolution != nil {
			return lang.X("changes.state.rejected", "Refused"), chipWarning
		}
		return lang.X("changes.state.rejected", "Refused"), chipDanger
	}
	return lang.X("changes.state.saved", "Saved on this computer"), chipAccent
}

// reload reads the newest changes again, as many as are shown, after
// something changed (a sync round, a new change, a merge).
func (cv *changesView) reload() {
	cv.gen++
	gen := cv.gen
	limit := max(len(cv.items), changesPage)
	cv.loading = true
	p := cv.s.p
	var page []core.Change
	cv.s.u.background(func() error {
		var err error
		page, err = p.MyChanges(0, limit)
		return err
	}, func(err error) {
		if gen != cv.gen {
			return
		}
		cv.loading = false
		if err != nil {
			cv.empty.setText(errorText(err))
			cv.empty.Show()
			return
		}
		cv.items, cv.more = page, len(page) == limit
		cv.show()
	})
}

// loadMore reads the page after the last change shown.
func (cv *changesView) loadMore() {
	if cv.loading || !cv.more || len(cv.items) == 0 {
		return
	}
	cv.loading = true
	gen := cv.gen
	before := cv.items[len(cv.items)-1].DevSeq
	p := cv.s.p
	var page []core.Change
	cv.s.u.background(func() error {
		var err error
		page, err = p.MyChanges(before, changesPage)
		return err
	}, func(err error) {
		if gen != cv.gen {
			return
		}
		cv.loading = false
		if err != nil {
			fyne.LogError("read my changes", err)
			cv.more = false
			return
		}
		cv.items = append(cv.items, page...)
		cv.more = len(page) == changesPage
		cv.show()
	})
}

func (cv *changesView) show() {
	if len(cv.items) == 0 {
		cv.empty.setText(lang.X("changes.empty", "No change has been made on this computer yet."))
		cv.empty.Show()
	} else {
		cv.empty.Hide()
	}
	cv.list.Refresh()
}

// tappable makes any content respond to a tap, with a pointer cursor,
// without changing how it looks (the status bar's count of waiting
// changes opens "My changes").
type tappable struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTappable(content fyne.CanvasObject, onTap func()) *tappable {
	t := &tappable{content: content, onTap: onTap}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the action.
func (t *tappable) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// Cursor shows that the content can be clicked.
func (t *tappable) Cursor() desktop.Cursor { return desktop.PointerCursor }

// CreateRenderer draws the content as it is.
func (t *tappable) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(t.content) }
