package app

import (
	"context"
	"image"
	"image/color"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// pagesView is the column of pages, virtualised: the scroll's content is a
// spacer as tall as every page together, and only the pages in (or next
// to) the view have objects — a small pool of slots moved as the view
// scrolls — so a 300-page paper costs what its visible pages cost. It takes
// the keyboard focus for the reader's keys.
type pagesView struct {
	widget.BaseWidget
	r       *reader
	scroll  *container.Scroll
	content *fyne.Container // no layout: the spacer, then the slots
	spacer  *canvas.Rectangle
	slots   []*pageSlot

	// Geometry at r.scale: each page's top and size in the content.
	tops     []float32
	sizes    []fyne.Size
	contentW float32
	contentH float32
	viewSize fyne.Size
	// programmatic is set while the reader itself scrolls, so that the
	// page it went to stays the current one even where the view cannot
	// bring it to the top (the last pages).
	programmatic bool
	focused      bool
	// sl is the text selection and the layer that takes drags
	// (reader_select.go).
	sl *selectState
}

// pageSlot shows one page: a white sheet (while the page renders), its
// image, and the find highlights over it.
type pageSlot struct {
	box    *fyne.Container
	sheet  *canvas.Rectangle
	img    *canvas.Image
	hl     []*canvas.Rectangle
	page   int // -1 when free
	px     int // the width asked of the renderer
	cancel context.CancelFunc
}

func newPagesView(r *reader) *pagesView {
	v := &pagesView{r: r}
	v.spacer = canvas.NewRectangle(color.Transparent)
	v.sl = newSelectState(v)
	v.content = container.NewWithoutLayout(v.spacer, v.sl.layer)
	v.scroll = container.NewScroll(v.content)
	v.scroll.OnScrolled = func(fyne.Position) { v.scrolled() }
	v.ExtendBaseWidget(v)
	return v
}

// CreateRenderer lays the scroll over the whole view and, on a new size,
// lays the pages out again (a fit mode follows the size).
func (v *pagesView) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xE4, G: 0xE7, B: 0xEC, A: 0xFF})
	return &pagesRenderer{v: v, bg: bg}
}

type pagesRenderer struct {
	v  *pagesView
	bg *canvas.Rectangle
}

func (p *pagesRenderer) Layout(s fyne.Size) {
	p.bg.Resize(s)
	p.v.scroll.Resize(s)
	if s != p.v.viewSize {
		p.v.viewSize = s
		p.v.relayout(0)
	}
}
func (p *pagesRenderer) MinSize() fyne.Size { return fyne.NewSize(200, 200) }
func (p *pagesRenderer) Refresh() {
	p.bg.Refresh()
	p.v.scroll.Refresh()
}
func (p *pagesRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{p.bg, p.v.scroll}
}
func (p *pagesRenderer) Destroy() {}

// relayout computes the pages' places at scale (0: keep the scale, or
// follow the fit mode), keeps the current page where it was in the view,
// and places the slots.
func (v *pagesView) relayout(scale float32) {
	r := v.r
	if v.viewSize.Width <= 0 {
		if scale > 0 {
			r.scale = scale
		}
		return
	}
	// Where the view is within the current page, to keep it there.
	frac := float32(0)
	if len(v.tops) > r.cur && v.sizes[r.cur].Height > 0 {
		frac = (v.scroll.Offset.Y - v.tops[r.cur]) / v.sizes[r.cur].Height
	}
	switch {
	case scale > 0:
		r.scale = scale
	case r.mode != zoomCustom:
		r.scale = r.fitScale(v.viewSize)
	}
	if r.mode == zoomFitWidth {
		lastView.Lock()
		lastView.width, lastView.scale = v.viewSize.Width, r.opt.Win.Canvas().Scale()
		lastView.Unlock()
	}
	n := len(r.sizes)
	v.tops, v.sizes = make([]float32, n), make([]fyne.Size, n)
	y := float32(pagePad)
	var maxW float32
	for i, s := range r.sizes {
		sz := fyne.NewSize(float32(s.Width)*r.scale, float32(s.Height)*r.scale)
		v.tops[i], v.sizes[i] = y, sz
		y += sz.Height + pageGap
		maxW = max(maxW, sz.Width)
	}
	v.contentW = maxW + 2*pagePad
	v.contentH = y - pageGap + pagePad
	v.spacer.SetMinSize(fyne.NewSize(v.contentW, v.contentH))
	v.content.Resize(fyne.NewSize(max(v.contentW, v.viewSize.Width), max(v.contentH, v.viewSize.Height)))
	v.sl.layer.Resize(v.content.Size())
	off := v.scroll.Offset
	off.Y = v.tops[r.cur] + frac*v.sizes[r.cur].Height
	if frac < 0 {
		off.Y = v.tops[r.cur] - pagePad
	}
	v.setOffset(off)
	v.place()
	if !v.sl.dragging && !v.sl.sel.empty() {
		v.sl.showBar() // at the selection's new place
	}
	r.showZoom()
}

// setOffset scrolls to off, clamped to the content.
func (v *pagesView) setOffset(off fyne.Position) {
	off.X = max(0, min(off.X, v.contentW-v.viewSize.Width))
	off.Y = max(0, min(off.Y, v.contentH-v.viewSize.Height))
	v.programmatic = true
	v.scroll.ScrollToOffset(off)
	v.programmatic = false
}

// scrollToPage brings page i into view, y points below its top (0: its
// top at the top of the view; else that point a third of the way down).
func (v *pagesView) scrollToPage(i int, y float32) {
	if i >= len(v.tops) {
		return
	}
	off := v.scroll.Offset
	if y <= 0 {
		off.Y = v.tops[i] - pagePad
	} else {
		off.Y = v.tops[i] + y*v.r.scale - v.viewSize.Height/3
	}
	v.setOffset(off)
	v.place()
}

// scrollBy scrolls dy units down (up when negative).
func (v *pagesView) scrollBy(dy float32) {
	off := v.scroll.Offset
	off.Y += dy
	v.setOffset(off)
	v.scrolled()
}

// scrolled follows the view: slots placed, the current page updated (the
// page at a quarter of the view's height, the last when at the end).
func (v *pagesView) scrolled() {
	v.place()
	if v.programmatic || len(v.tops) == 0 {
		return
	}
	y := v.scroll.Offset.Y + v.viewSize.Height/4
	i := sort.Search(len(v.tops), func(i int) bool { return v.tops[i] > y }) - 1
	if v.scroll.Offset.Y >= v.contentH-v.viewSize.Height-1 && v.contentH > v.viewSize.Height {
		i = len(v.tops) - 1
	}
	i = max(0, i)
	if i != v.r.cur {
		v.r.setCurrent(i)
	}
}

// visible returns the pages in the view, with half a view's margin.
func (v *pagesView) visible() (first, last int) {
	top := v.scroll.Offset.Y - v.viewSize.Height/2
	bottom := v.scroll.Offset.Y + v.viewSize.Height*1.5
	first = sort.Search(len(v.tops), func(i int) bool { return v.tops[i]+v.sizes[i].Height >= top })
	last = sort.Search(len(v.tops), func(i int) bool { return v.tops[i] > bottom }) - 1
	return first, last
}

// place gives the visible pages slots, frees the others' and asks for the
// pages not yet rendered.
func (v *pagesView) place() {
	if len(v.tops) == 0 {
		return
	}
	first, last := v.visible()
	byPage := map[int]*pageSlot{}
	var free []*pageSlot
	for _, s := range v.slots {
		if s.page >= first && s.page <= last {
			byPage[s.page] = s
		} else {
			free = append(free, s)
		}
	}
	cw := max(v.contentW, v.viewSize.Width)
	for p := first; p <= last; p++ {
		s := byPage[p]
		if s == nil {
			if len(free) > 0 {
				s, free = free[0], free[1:]
			} else {
				s = v.newSlot()
			}
		}
		byPage[p] = s
		sz := v.sizes[p]
		s.box.Move(fyne.NewPos((cw-sz.Width)/2, v.tops[p]))
		s.box.Resize(sz)
		s.sheet.Resize(sz)
		s.img.Resize(sz)
		v.highlight(s, p, sz)
		s.box.Show()
	}
	for _, s := range free {
		s.release()
	}
	// The renderer serves the newest request first and renders ahead of
	// it: so the pages below are asked for first and the top one last.
	for p := last; p >= first; p-- {
		v.show(byPage[p], p, v.sizes[p])
	}
	v.content.Refresh()
}

func (v *pagesView) newSlot() *pageSlot {
	s := &pageSlot{sheet: canvas.NewRectangle(color.White), page: -1}
	s.sheet.StrokeColor = color.NRGBA{A: 0x30}
	s.sheet.StrokeWidth = 1
	s.img = canvas.NewImageFromImage(nil)
	s.img.FillMode = canvas.ImageFillStretch
	s.img.ScaleMode = canvas.ImageScaleSmooth
	s.box = container.NewWithoutLayout(s.sheet, s.img)
	v.slots = append(v.slots, s)
	v.content.Add(s.box)
	return s
}

// release frees a slot: its render, if pending, is no longer wanted.
func (s *pageSlot) release() {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.page = -1
	s.img.Image = nil
	s.box.Hide()
}

// renderWidth is the pixel width to render a page shown w units wide.
func (v *pagesView) renderWidth(w float32) int {
	return pagePx(w, v.r.opt.Win.Canvas().Scale())
}

// show puts page p (rendered to fit sz) into slot s: at once when cached,
// else after the renderer answers; a slot moved on meanwhile drops the
// answer. The old image of the same page stays up, stretched, until the new
// width arrives (zooming does not flash white).
func (v *pagesView) show(s *pageSlot, p int, sz fyne.Size) {
	px := v.renderWidth(sz.Width)
	if s.page == p && s.px == px && s.img.Image != nil {
		return
	}
	if s.cancel != nil {
		s.cancel()
	}
	if s.page != p {
		s.img.Image = nil
	}
	s.page, s.px = p, px
	if img := v.r.pages.Cached(p, px); img != nil {
		s.cancel = nil
		s.setImage(img)
		v.r.pageShown()
		return
	}
	ctx, cancel := context.WithCancel(v.r.ctx)
	s.cancel = cancel
	s.img.Refresh()
	v.r.pages.Request(ctx, p, px, func(img *image.RGBA, err error) {
		if err != nil {
			if ctx.Err() == nil {
				fyne.LogError("reader: render page", err)
			}
			return
		}
		v.r.u.post(func() {
			if s.page == p && s.px == px && ctx.Err() == nil {
				s.setImage(img)
				v.r.pageShown()
			}
		})
	})
}

func (s *pageSlot) setImage(img image.Image) {
	s.img.Image = img
	s.img.Refresh()
}

// Highlight colours: the place shown now, and the other places found.
var (
	hitColor   = color.NRGBA{R: 0xFF, G: 0x8A, B: 0x00, A: 0x70}
	matchColor = color.NRGBA{R: 0xFF, G: 0xD6, B: 0x00, A: 0x60}
)

// highlight draws the find's matches on page p.
func (v *pagesView) highlight(s *pageSlot, p int, sz fyne.Size) {
	n := 0
	sc := v.r.scale
	for i, m := range v.r.matches {
		if m.Page != p {
			continue
		}
		c := matchColor
		if i == v.r.hit {
			c = hitColor
		}
		for _, rc := range m.Rects {
			if n == len(s.hl) {
				h := canvas.NewRectangle(c)
				s.hl = append(s.hl, h)
				s.box.Add(h)
			}
			h := s.hl[n]
			h.FillColor = c
			h.Move(fyne.NewPos(float32(rc.X0)*sc-1, float32(rc.Y0)*sc-1))
			h.Resize(fyne.NewSize(float32(rc.X1-rc.X0)*sc+2, float32(rc.Y1-rc.Y0)*sc+2))
			h.Show()
			h.Refresh()
			n++
		}
	}
	// The member's notes on the page, over the matches.
	rects, colors := v.r.nt.marks(p)
	for i, rc := range rects {
		if n == len(s.hl) {
			h := canvas.NewRectangle(colors[i])
			s.hl = append(s.hl, h)
			s.box.Add(h)
		}
		h := s.hl[n]
		h.FillColor = colors[i]
		h.Move(fyne.NewPos(float32(rc.X0)*sc, float32(rc.Y0)*sc))
		h.Resize(fyne.NewSize(float32(rc.X1-rc.X0)*sc, float32(rc.Y1-rc.Y0)*sc))
		h.Show()
		h.Refresh()
		n++
	}
	// The text selected, over everything.
	for _, rc := range v.sl.rects(p) {
		if n == len(s.hl) {
			h := canvas.NewRectangle(selColor)
			s.hl = append(s.hl, h)
			s.box.Add(h)
		}
		h := s.hl[n]
		h.FillColor = selColor
		h.Move(fyne.NewPos(float32(rc.X0)*sc, float32(rc.Y0)*sc))
		h.Resize(fyne.NewSize(float32(rc.X1-rc.X0)*sc, float32(rc.Y1-rc.Y0)*sc))
		h.Show()
		h.Refresh()
		n++
	}
	for _, h := range s.hl[n:] {
		h.Hide()
	}
}

// The pages take the keyboard focus: the reader's keys and shortcuts.

// FocusGained implements fyne.Focusable.
func (v *pagesView) FocusGained() { v.focused = true }

// FocusLost implements fyne.Focusable.
func (v *pagesView) FocusLost() { v.focused = false }

// TypedRune implements fyne.Focusable: Space is the next page.
func (v *pagesView) TypedRune(c rune) {
	if c == ' ' {
		v.r.key(fyne.KeySpace)
	}
}

// TypedKey implements fyne.Focusable; keys the reader does not use (Esc,
// F1) go on to the window.
func (v *pagesView) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeySpace {
		return // TypedRune has it
	}
	if !v.r.key(k.Name) {
		windowKey(v, k)
	}
}

// TypedShortcut implements fyne.Shortcutable: the reader's Ctrl keys, the
// others go on to the window's shortcuts.
func (v *pagesView) TypedShortcut(s fyne.Shortcut) {
	if _, ok := s.(*fyne.ShortcutCopy); ok && !v.sl.sel.empty() {
		v.sl.copy()
		return
	}
	if ks, ok := s.(fyne.KeyboardShortcut); ok && ks.Mod() == fyne.KeyModifierShortcutDefault && v.r.shortcut(ks.Key()) {
		return
	}
	if sc, ok := v.r.opt.Win.Canvas().(fyne.Shortcutable); ok {
		sc.TypedShortcut(s)
	}
}

// Tapped implements fyne.Tappable: a click on the pages gives them the
// keyboard and drops the selection; with the note tool on, it adds a note
// there.
func (v *pagesView) Tapped(e *fyne.PointEvent) {
	v.r.focusPages()
	v.sl.clear()
	if v.r.nt != nil && v.r.nt.tool {
		v.noteAt(e.Position)
	}
}

// TappedSecondary implements fyne.SecondaryTappable: a right-click on the
// selection offers its menu; elsewhere on a page it adds a note there.
func (v *pagesView) TappedSecondary(e *fyne.PointEvent) {
	if p, x, y, ok := v.pointAt(e.Position); ok && v.sl.within(p, x, y) {
		v.sl.menu(e.AbsolutePosition)
		return
	}
	v.sl.clear()
	if v.r.nt != nil {
		v.noteAt(e.Position)
	}
}

// noteAt starts a note at pos (in the view), when it is on a page.
func (v *pagesView) noteAt(pos fyne.Position) {
	p, x, y, ok := v.pointAt(pos)
	if ok {
		v.r.nt.at(p, x, y)
	}
}

// pointAt maps a position in the view to a page and a point on it (in
// points from its top-left corner).
func (v *pagesView) pointAt(pos fyne.Position) (page int, x, y float64, ok bool) {
	cx, cy := pos.X+v.scroll.Offset.X, pos.Y+v.scroll.Offset.Y
	cw := max(v.contentW, v.viewSize.Width)
	for i, top := range v.tops {
		sz := v.sizes[i]
		left := (cw - sz.Width) / 2
		if cy >= top && cy < top+sz.Height && cx >= left && cx < left+sz.Width {
			return i, float64((cx - left) / v.r.scale), float64((cy - top) / v.r.scale), true
		}
	}
	return 0, 0, 0, false
}
