package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// overflowRow is a row of action buttons that never makes its pane wider
// than the pane can be: it shows, in order, the buttons that fit its width
// and offers the rest from a "More" (⋯) button at its end. A secretariat's
// meeting header has up to six actions; laid out in a plain HBox their
// minimum width squeezed the meeting list beside it to a column of
// ellipses on a 1366-pixel screen.
type overflowRow struct {
	box    *fyne.Container
	more   *widget.Button
	items  []*widget.Button
	hidden []*widget.Button // set by each layout pass
}

func newOverflowRow() *overflowRow {
	r := &overflowRow{}
	r.more = widget.NewButtonWithIcon("", theme.MoreHorizontalIcon(), r.showMore)
	r.more.Importance = widget.LowImportance
	r.box = container.New(&overflowLayout{row: r}, r.more)
	return r
}

// view is the row's canvas object.
func (r *overflowRow) view() fyne.CanvasObject { return r.box }

// set replaces the row's buttons.
func (r *overflowRow) set(buttons ...*widget.Button) {
	r.items = buttons
	objs := make([]fyne.CanvasObject, 0, len(buttons)+1)
	for _, b := range buttons {
		objs = append(objs, b)
	}
	r.box.Objects = append(objs, r.more)
	r.box.Refresh()
}

// showMore offers the buttons that did not fit, as a menu under "More".
func (r *overflowRow) showMore() {
	items := make([]*fyne.MenuItem, 0, len(r.hidden))
	for _, b := range r.hidden {
		it := fyne.NewMenuItem(b.Text, b.OnTapped)
		it.Icon = b.Icon
		it.Disabled = b.Disabled()
		items = append(items, it)
	}
	if len(items) == 0 {
		return
	}
	showMenuUnder(r.more, fyne.NewMenu(lang.X("actions.more", "More"), items...))
}

// overflowLayout places the row: buttons left to right while they fit,
// keeping room for "More" whenever one does not.
type overflowLayout struct{ row *overflowRow }

func (l *overflowLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	// As narrow as "More" beside the first action: everything else can
	// go into the menu.
	r := l.row
	w, h := r.more.MinSize().Width, r.more.MinSize().Height
	if len(r.items) > 0 {
		first := r.items[0].MinSize()
		w += first.Width + theme.Padding()
		h = max(h, first.Height)
	}
	return fyne.NewSize(w, h)
}

func (l *overflowLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	r := l.row
	pad := theme.Padding()
	total := float32(0)
	for i, b := range r.items {
		if i > 0 {
			total += pad
		}
		total += b.MinSize().Width
	}
	room := size.Width
	all := total <= room
	if !all {
		room -= r.more.MinSize().Width + pad
	}
	r.hidden = r.hidden[:0]
	x := float32(0)
	fits := true
	for _, b := range r.items {
		bw := b.MinSize().Width
		if fits && x+bw <= room {
			b.Move(fyne.NewPos(x, 0))
			b.Resize(fyne.NewSize(bw, size.Height))
			if !b.Visible() {
				b.Show()
			}
			x += bw + pad
			continue
		}
		// Once one button does not fit, the later ones go too: the order
		// of actions stays the order of the menu.
		fits = false
		r.hidden = append(r.hidden, b)
		if b.Visible() {
			b.Hide()
		}
	}
	if all {
		if r.more.Visible() {
			r.more.Hide()
		}
		return
	}
	mw := r.more.MinSize().Width
	r.more.Move(fyne.NewPos(x, 0))
	r.more.Resize(fyne.NewSize(mw, size.Height))
	if !r.more.Visible() {
		r.more.Show()
	}
}

// showMenuUnder opens menu just below anchor (Fyne moves a pop-up menu
// left as far as it takes to stay inside the window).
func showMenuUnder(anchor fyne.CanvasObject, menu *fyne.Menu) {
	c := fyne.CurrentApp().Driver().CanvasForObject(anchor)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(anchor).Add(fyne.NewPos(0, anchor.Size().Height))
	widget.ShowPopUpMenuAtPosition(menu, c, pos)
}
