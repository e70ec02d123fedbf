package app

import (
	"image/color"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/papers"
)

// Selecting text by dragging on a page (issue 11): the press and the
// release pick whole words between them on the page pressed, shown as a
// translucent selection with a small action bar near it ("Ghi chú", "Tô
// sáng", "Chép"); the right-click menu on the selection offers the same,
// and Ctrl+C copies it. A note made on a selection is an ordinary anchor
// (papers.AnchorText), so it is carried to new versions like the others.
//
// Why a layer of our own: the pages sit in a container.Scroll, which is
// itself fyne.Draggable; the driver gives a drag to the topmost Draggable
// under the press, so a transparent selectLayer covering the scroll's
// content (above the pages, below the action bar) takes drags. It is not
// Tappable, so clicks still reach the pagesView. A drag that starts off
// the pages pans the view instead; one near the view's top or bottom edge
// scrolls it while the button is held (autoScroll).
//
// Threading: the page's text (PDFium) is read through ui.background and
// kept for a few pages; the state below is the UI goroutine's.

// selColor is the selection's colour, translucent over the page.
var selColor = color.NRGBA{R: 0x25, G: 0x63, B: 0xEB, A: 0x48}

// Geometry of the selection's helpers, in units.
const (
	selEdge     = 28 // a drag this near the view's top or bottom scrolls it
	selStep     = 24 // how far one auto-scroll step goes, at the very edge
	selTextKept = 8  // pages whose text is kept for selecting
)

// selAutoScrollEvery is how often a drag held at an edge scrolls.
const selAutoScrollEvery = 40 * time.Millisecond

// textSelection is the text selected on one page.
type textSelection struct {
	page     int
	from, to int // the page's characters [from, to)
	anchor   papers.Anchor
}

func (s *textSelection) empty() bool { return s == nil || s.to <= s.from }

// selectState is the pages view's selection and the drag making it.
type selectState struct {
	v     *pagesView
	layer *selectLayer
	sel   *textSelection

	texts   map[int]papers.PageText // the pages' text, for a few pages
	loading map[int]bool

	dragging bool
	panning  bool
	page     int           // the page pressed
	pressX   float64       // the press, in points on that page
	pressY   float64       //
	last     fyne.Position // the pointer, in the layer at the drag's start
	off0     fyne.Position // the scroll's offset at the drag's start

	bar        *fyne.Container
	copyBtn    *widget.Button
	autoMu     sync.Mutex
	autoDir    float32 // -1 up, 1 down, 0 none (UI goroutine)
	autoActive bool    // a ticker runs (autoMu)
}

func newSelectState(v *pagesView) *selectState {
	s := &selectState{v: v, texts: map[int]papers.PageText{}, loading: map[int]bool{}}
	s.layer = &selectLayer{s: s}
	s.layer.ExtendBaseWidget(s.layer)
	return s
}

// selectLayer is the transparent widget over the pages that takes drags.
type selectLayer struct {
	widget.BaseWidget
	s *selectState
}

// CreateRenderer draws nothing: the selection is drawn with the page's
// highlights (pagesView.highlight).
func (l *selectLayer) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// Dragged implements fyne.Draggable. The driver's Position is relative to
// where the layer was when the drag started, so the scroll's movement
// since then is added to find the point under the pointer.
func (l *selectLayer) Dragged(e *fyne.DragEvent) {
	s := l.s
	v := s.v
	if !s.dragging && !s.panning {
		s.off0 = v.scroll.Offset
		press := e.Position.Subtract(e.Dragged)
		p, x, y, ok := v.contentPointAt(press)
		if !ok {
			s.panning = true
		} else {
			s.dragging, s.page, s.pressX, s.pressY = true, p, x, y
			s.clear()
			v.r.focusPages()
		}
	}
	if s.panning {
		off := v.scroll.Offset
		off.X -= e.Dragged.DX
		off.Y -= e.Dragged.DY
		v.setOffset(off)
		v.scrolled()
		return
	}
	s.last = e.Position
	s.extend()
	s.edge()
}

// DragEnd implements fyne.Draggable: the selection is made; its action
// bar shows.
func (l *selectLayer) DragEnd() {
	s := l.s
	s.setAuto(0)
	if s.panning {
		s.panning = false
		return
	}
	if !s.dragging {
		return
	}
	s.extend()
	s.dragging = false
	s.showBar()
}

// pointer is the pointer's place in the content now.
func (s *selectState) pointer() fyne.Position {
	off := s.v.scroll.Offset
	return s.last.Add(fyne.NewPos(off.X-s.off0.X, off.Y-s.off0.Y))
}

// extend selects from the press to the pointer, once the page's text is
// here (it is read off the UI goroutine, then extend runs again).
func (s *selectState) extend() {
	v := s.v
	t, ok := s.texts[s.page]
	if !ok {
		s.loadText(s.page)
		return
	}
	cur := s.pointer()
	x, y := v.pagePoint(s.page, cur)
	from, to := selectWords(t, s.pressX, s.pressY, x, y)
	if to <= from {
		s.set(nil)
		return
	}
	a, ok := papers.AnchorText(s.page, t, from, to)
	if !ok {
		s.set(nil)
		return
	}
	s.set(&textSelection{page: s.page, from: from, to: to, anchor: a})
}

// loadText reads page p's text off the UI goroutine; a drag still on that
// page is extended when it comes.
func (s *selectState) loadText(p int) {
	if s.loading[p] {
		return
	}
	s.loading[p] = true
	r := s.v.r
	doc := r.doc
	var t papers.PageText
	r.u.background(func() error {
		pt, err := doc.PageText(r.ctx, p)
		if err != nil {
			return err
		}
		t = pt.Notes()
		return nil
	}, func(err error) {
		delete(s.loading, p)
		if err != nil {
			if r.ctx.Err() == nil {
				fyne.LogError("reader: page text", err)
			}
			return
		}
		if len(s.texts) >= selTextKept {
			for k := range s.texts {
				if k != s.page {
					delete(s.texts, k)
				}
			}
		}
		s.texts[p] = t
		if s.page == p && (s.dragging || s.sel == nil) {
			s.extend()
			if !s.dragging {
				s.showBar()
			}
		}
	})
}

// set changes the selection and redraws its page.
func (s *selectState) set(sel *textSelection) {
	old := s.sel
	s.sel = sel
	if sel.empty() {
		s.sel = nil
		s.hideBar()
	}
	for _, p := range []*textSelection{old, s.sel} {
		if p != nil {
			s.v.redrawPage(p.page)
		}
	}
}

// clear drops the selection.
func (s *selectState) clear() {
	if s.sel != nil {
		s.set(nil)
	}
	s.hideBar()
}

// rects are the selection's rectangles on page p, in points.
func (s *selectState) rects(p int) []papers.Rect {
	if s == nil || s.sel.empty() || s.sel.page != p {
		return nil
	}
	return s.sel.anchor.Rects
}

// edge scrolls the view while the pointer is held near its top or bottom.
func (s *selectState) edge() {
	v := s.v
	y := s.pointer().Y - v.scroll.Offset.Y
	switch {
	case y < selEdge:
		s.setAuto(-1)
	case y > v.viewSize.Height-selEdge:
		s.setAuto(1)
	default:
		s.setAuto(0)
	}
}

// setAuto starts or stops the auto-scroll; the ticker's steps run on the
// UI goroutine (ui.post) and it stops itself when told.
func (s *selectState) setAuto(dir float32) {
	s.autoDir = dir
	if dir == 0 {
		return
	}
	s.autoMu.Lock()
	defer s.autoMu.Unlock()
	if s.autoActive {
		return
	}
	s.autoActive = true
	u := s.v.r.u
	ctx := s.v.r.ctx
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		tick := time.NewTicker(selAutoScrollEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
			case <-tick.C:
				done := make(chan bool, 1)
				u.post(func() { done <- s.autoStep() })
				select {
				case more := <-done:
					if more {
						continue
					}
				case <-ctx.Done():
				case <-time.After(time.Second): // the app is closing
				}
			}
			s.autoMu.Lock()
			s.autoActive = false
			s.autoMu.Unlock()
			return
		}
	}()
}

// autoStep is one step of the auto-scroll: the view moves, the selection
// follows the pointer. It reports whether to go on.
func (s *selectState) autoStep() bool {
	if !s.dragging || s.autoDir == 0 {
		return false
	}
	v := s.v
	before := v.scroll.Offset.Y
	v.scrollBy(s.autoDir * selStep)
	if v.scroll.Offset.Y == before {
		return false // at the top or the end
	}
	s.extend()
	return true
}

// The action bar: near the selection, in the content (it scrolls with it).

func (s *selectState) showBar() {
	sel := s.sel
	if sel.empty() || len(sel.anchor.Rects) == 0 {
		s.hideBar()
		return
	}
	v := s.v
	if s.bar == nil {
		note := widget.NewButtonWithIcon(lang.X("reader.sel.note", "Note"), theme.DocumentCreateIcon(), func() { s.note() })
		hl := widget.NewButtonWithIcon(lang.X("reader.sel.highlight", "Highlight"), theme.ColorPaletteIcon(), func() { s.highlight() })
		s.copyBtn = widget.NewButtonWithIcon(lang.X("reader.sel.copy", "Copy"), theme.ContentCopyIcon(), func() { s.copy() })
		for _, b := range []*widget.Button{note, hl, s.copyBtn} {
			b.Importance = widget.LowImportance
		}
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
		bg.CornerRadius = 6
		bg.StrokeColor = color.NRGBA{A: 0x40}
		bg.StrokeWidth = 1
		s.bar = container.NewStack(bg, container.NewHBox(note, hl, s.copyBtn))
		v.content.Add(s.bar)
	}
	if v.r.nt == nil {
		// A file opened on its own has no notes: only Copy.
		s.bar.Objects[1].(*fyne.Container).Objects[0].Hide()
		s.bar.Objects[1].(*fyne.Container).Objects[1].Hide()
	}
	size := s.bar.MinSize()
	first, last := sel.anchor.Rects[0], sel.anchor.Rects[len(sel.anchor.Rects)-1]
	sc := v.r.scale
	left := v.pageLeft(sel.page)
	top := v.tops[sel.page]
	x := left + float32(first.X0)*sc
	y := top + float32(last.Y1)*sc + 6
	if y+size.Height > v.scroll.Offset.Y+v.viewSize.Height {
		y = top + float32(first.Y0)*sc - size.Height - 6 // no room below: above
	}
	cw := max(v.contentW, v.viewSize.Width)
	x = max(0, min(x, cw-size.Width))
	s.bar.Resize(size)
	s.bar.Move(fyne.NewPos(x, max(0, y)))
	s.bar.Show()
	// On top of the pages and the layer, which were added before it.
	objs := v.content.Objects
	if objs[len(objs)-1] != s.bar {
		for i, o := range objs {
			if o == s.bar {
				v.content.Objects = append(append(objs[:i:i], objs[i+1:]...), s.bar)
				break
			}
		}
	}
	v.content.Refresh()
}

func (s *selectState) hideBar() {
	if s.bar != nil && s.bar.Visible() {
		s.bar.Hide()
		s.v.content.Refresh()
	}
}

// menu is the right-click menu on the selection.
func (s *selectState) menu(pos fyne.Position) {
	var items []*fyne.MenuItem
	if s.v.r.nt != nil {
		items = append(items,
			fyne.NewMenuItem(lang.X("reader.sel.note", "Note"), func() { s.note() }),
			fyne.NewMenuItem(lang.X("reader.sel.highlight", "Highlight"), func() { s.highlight() }))
	}
	items = append(items, fyne.NewMenuItem(lang.X("reader.sel.copy", "Copy"), func() { s.copy() }))
	c := s.v.r.opt.Win.Canvas()
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos)
}

// within reports whether the point (in points on page p) is on the
// selection.
func (s *selectState) within(p int, x, y float64) bool {
	for _, rc := range s.rects(p) {
		if x >= rc.X0-2 && x <= rc.X1+2 && y >= rc.Y0-2 && y <= rc.Y1+2 {
			return true
		}
	}
	return false
}

// highlight saves the selection as a highlight.
func (s *selectState) highlight() {
	n := s.v.r.nt
	if n == nil || s.sel.empty() {
		return
	}
	nt := papers.Note{PaperID: s.v.r.src.PaperID, Version: max(s.v.r.src.Version, 1), Kind: papers.NoteHighlight, Anchor: s.sel.anchor}
	s.clear()
	n.save(nt)
}

// note asks for a note's text and saves it on the selection.
func (s *selectState) note() {
	n := s.v.r.nt
	if n == nil || s.sel.empty() {
		return
	}
	a := s.sel.anchor
	if len(a.Rects) > 0 {
		a.X, a.Y = a.Rects[0].X1, a.Rects[0].Y0
	}
	text := widget.NewMultiLineEntry()
	text.SetPlaceHolder(lang.X("reader.notes.placeholder", "Your note (only you will see it)"))
	text.SetMinRowsVisible(4)
	quote := widget.NewLabel("«" + papers.Note{Anchor: a}.Excerpt(80) + "»")
	quote.Wrapping = fyne.TextWrapWord
	quote.Importance = widget.LowImportance
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("reader.sel.on", "On"), quote),
		widget.NewFormItem(lang.X("reader.notes.text", "Note"), text),
	}
	title := lang.X("reader.notes.add_title", "New note on page {{.N}}", map[string]any{"N": a.Page + 1})
	d := dialog.NewForm(title, lang.X("app.save", "Save"), lang.X("app.cancel", "Cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		n.save(papers.Note{PaperID: s.v.r.src.PaperID, Version: max(s.v.r.src.Version, 1), Kind: papers.NoteText,
			Text: strings.TrimSpace(text.Text), Anchor: a})
	}, s.v.r.opt.Win)
	s.clear()
	d.Resize(fyne.NewSize(480, 320))
	d.Show()
	s.v.r.opt.Win.Canvas().Focus(text)
}

// copy puts the selected text on the clipboard when the paper may be
// exported (papers.Paper.ExportMode): not at all when export is off; a
// confidential paper's text carries, as its export does, the reader's
// name and the date (the watermark's line).
func (s *selectState) copy() {
	r := s.v.r
	if s.sel.empty() {
		return
	}
	if !r.src.CopyAllowed {
		dialog.ShowInformation(lang.X("reader.sel.copy_refused_title", "Copying is turned off"),
			lang.X("reader.sel.copy_refused", "The secretariat turned off saving copies of this paper, so its text cannot be copied."), r.opt.Win)
		return
	}
	text := strings.TrimSpace(s.sel.anchor.Quote)
	if r.src.Confidential {
		text += "\n\n— " + lang.X("reader.sel.copy_confidential", "Confidential paper; copied by {{.Label}}", map[string]any{"Label": r.watermarkLabel()})
	}
	r.u.app.Clipboard().SetContent(text)
}

// selectWords is the selection of whole words between two points (in
// points on the page): from the word under (or the place nearest) the one
// to the word under (or the place nearest) the other, widened to whole
// words, without the spaces at its ends. An empty range (to <= from)
// means nothing.
func selectWords(t papers.PageText, x0, y0, x1, y1 float64) (from, to int) {
	a0, a1 := pointSpan(t, x0, y0)
	b0, b1 := pointSpan(t, x1, y1)
	from, to = min(a0, b0), max(a1, b1)
	if to <= from {
		return 0, 0
	}
	for from > 0 && from < len(t) && isWordText(t[from-1].Text) && isWordText(t[from].Text) {
		from--
	}
	for to < len(t) && to > 0 && isWordText(t[to].Text) && isWordText(t[to-1].Text) {
		to++
	}
	for from < to && strings.TrimSpace(t[from].Text) == "" {
		from++
	}
	for to > from && strings.TrimSpace(t[to-1].Text) == "" {
		to--
	}
	return from, to
}

// pointSpan is what a point of the drag takes in: the character of a word
// under it, else the empty place between characters nearest it.
func pointSpan(t papers.PageText, x, y float64) (from, to int) {
	if i := hitChar(t, x, y); i >= 0 {
		return i, i + 1
	}
	c := caretAt(t, x, y)
	return c, c
}

// caretAt is the place between characters nearest to (x, y): on a line
// the point is on, before or after the character nearest it; above or
// between lines, the start of the next line; below the text, its end.
func caretAt(t papers.PageText, x, y float64) int {
	best, bestD := -1, 0.0
	for i, c := range t {
		rc := c.Rect
		if rc.X1 <= rc.X0 || y < rc.Y0-1 || y > rc.Y1+1 {
			continue
		}
		var d float64
		caret := i
		switch {
		case x < rc.X0:
			d = rc.X0 - x
		case x > rc.X1:
			d, caret = x-rc.X1, i+1
		default:
			if x > (rc.X0+rc.X1)/2 {
				caret = i + 1
			}
			return caret
		}
		if best < 0 || d < bestD {
			best, bestD = caret, d
		}
	}
	if best >= 0 {
		return best
	}
	for i, c := range t {
		if c.Rect.X1 > c.Rect.X0 && c.Rect.Y0 > y {
			return i
		}
	}
	return len(t)
}

// Geometry shared with the pages view.

// pageLeft is the left edge of page p in the content.
func (v *pagesView) pageLeft(p int) float32 {
	cw := max(v.contentW, v.viewSize.Width)
	return (cw - v.sizes[p].Width) / 2
}

// pagePoint maps a position in the content to a point on page p, in
// points (outside the page too: a drag may leave it).
func (v *pagesView) pagePoint(p int, pos fyne.Position) (x, y float64) {
	return float64((pos.X - v.pageLeft(p)) / v.r.scale), float64((pos.Y - v.tops[p]) / v.r.scale)
}

// contentPointAt maps a position in the content to a page and a point on
// it, when it is on a page.
func (v *pagesView) contentPointAt(pos fyne.Position) (page int, x, y float64, ok bool) {
	return v.pointAt(pos.Subtract(v.scroll.Offset))
}

// redrawPage redraws the highlights of page p, when it has a slot.
func (v *pagesView) redrawPage(p int) {
	for _, s := range v.slots {
		if s.page == p && p < len(v.sizes) {
			v.highlight(s, p, v.sizes[p])
		}
	}
}
