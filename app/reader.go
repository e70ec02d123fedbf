package app

import (
	"bytes"
	"context"
	"errors"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/pdfrender"
)

// The paper reader (issue 11): a PDF read from an io.ReaderAt — the chunk
// store's decrypting reader — with PDFium in WebAssembly (pdfrender), so no
// plaintext copy is written anywhere. reader.go holds the reader's state,
// its opening, navigation, zoom and find; reader_pages.go the virtualised
// column of pages; reader_side.go the thumbnails and the contents;
// reader_other.go files that are not PDFs; reader_window.go its window and
// the developer's `ecabinet read FILE`.
//
// Threading: every PDFium call runs off the UI goroutine, on a Renderer's
// goroutine (pages, thumbnails) or through ui.background (opening, find);
// results come back through ui.post. The reader's fields are touched on the
// UI goroutine only, except where noted.

// ReaderSource is a paper to read: what the papers screen hands the reader.
type ReaderSource struct {
	// Title is shown in the reader's bar and window.
	Title string
	// Size is the file's length; ReaderAt reads it (the chunk store's
	// decrypting reader). The reader never copies it to disk.
	Size     int64
	ReaderAt io.ReaderAt
	// MediaType is the file's type ("application/pdf", "image/png", …);
	// empty means guess from the first bytes and FileName.
	MediaType string
	// FileName is the name the file was imported under (for other files:
	// the name the system viewer sees).
	FileName string
	// Confidential papers show Viewer's name and the date on every page.
	Confidential bool
	Viewer       string
	// PaperID and Version name the paper's version shown, and Notes keeps
	// the member's private notes on it (reader_notes.go); a nil Notes (a
	// file opened on its own) shows none.
	PaperID string
	Version int
	Notes   notesStore
	// CopyAllowed lets the member copy selected text (Ctrl+C): the
	// paper's export rules (papers.Paper.ExportMode) allow a copy.
	CopyAllowed bool
}

// readerOptions are what differs between the app and tests.
type readerOptions struct {
	// OpenExternal writes a readable copy of a file that is not a PDF and
	// opens it with the system's viewer; nil means openWithSystem.
	OpenExternal func(name string, data []byte) error
	// Win is the window dialogs belong to; nil means the main window.
	Win fyne.Window
	// Now is the clock of the watermark's date; nil means the profile's.
	Now func() time.Time
}

// Zoom modes: a fit mode follows the window's size.
type zoomMode int

const (
	zoomFitWidth zoomMode = iota
	zoomFitPage
	zoomCustom
)

// zoomSteps are the zoom levels Ctrl+= and Ctrl+- step through, as
// fractions of 100 % (a page at its printed size on a 96-dpi screen).
var zoomSteps = []float32{0.5, 0.67, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4}

// unitsPerPoint is 100 %: Fyne's units are about 1/96 inch, points 1/72.
const unitsPerPoint = float32(96.0 / 72.0)

// Reader geometry, in Fyne units.
const (
	pageGap      = 12
	pagePad      = 16
	thumbWidth   = 112
	sidebarWidth = 232
)

// reader is one open paper.
type reader struct {
	u   *ui
	src ReaderSource
	opt readerOptions

	root   *fyne.Container // what view returns; its content changes once opened
	status *widget.Label

	// Set once opened (UI goroutine).
	doc    *pdfrender.Document
	pages  *pdfrender.Renderer
	thumbs *pdfrender.Renderer
	sizes  []pdfrender.Size
	marks  []pdfrender.Bookmark

	cur   int // the page shown (from 0)
	mode  zoomMode
	scale float32 // units per point

	// firstShown is set once a page is on screen; thumbnails wait for it.
	firstShown    bool
	thumbsWaiting []*thumbItem

	pv        *pagesView
	pageNo    *keyEntry
	pageOf    *widget.Label
	zoomText  *widget.Label
	side      *fyne.Container
	thumbList *widget.List
	contents  *widget.Tree

	nt *readerNotes // the private notes; nil without a notes store

	findBar  *fyne.Container
	findText *keyEntry
	findInfo *widget.Label
	query    string
	matches  []pdfrender.Match
	hit      int // index in matches, -1 when none
	findGen  int // the find last asked; older answers are dropped
	finding  context.CancelFunc

	ctx    context.Context // ends at close: pending renders are dropped
	cancel context.CancelFunc
	closed bool
}

// newReader starts opening src and returns at once; view shows "opening"
// until the paper is ready (or the error that stopped it).
func newReader(u *ui, src ReaderSource, opt readerOptions) *reader {
	if opt.Win == nil {
		opt.Win = u.win
	}
	if opt.Now == nil {
		opt.Now = u.now
	}
	if opt.OpenExternal == nil {
		opt.OpenExternal = openWithSystem
	}
	r := &reader{u: u, src: src, opt: opt, hit: -1, mode: zoomFitWidth, scale: unitsPerPoint}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.status = widget.NewLabel(lang.X("reader.opening", "Opening the paper…"))
	r.status.Alignment = fyne.TextAlignCenter
	r.status.Wrapping = fyne.TextWrapWord
	r.root = container.NewStack(container.NewCenter(fixedWidth(480, r.status)))
	if !isPDF(src) {
		r.showOther()
		return r
	}
	r.open()
	return r
}

// view is the reader's content.
func (r *reader) view() fyne.CanvasObject { return r.root }

// isPDF says whether src is a PDF: by its type, else (no type, or only
// "bytes") by its first bytes.
func isPDF(src ReaderSource) bool {
	switch src.MediaType {
	case "application/pdf":
		return true
	case "", "application/octet-stream":
	default:
		return false
	}
	head := make([]byte, min(src.Size, 1024))
	n, _ := src.ReaderAt.ReadAt(head, 0)
	return bytes.Contains(head[:n], []byte("%PDF-"))
}

// The engine is shared by every reader of the process: compiling PDFium
// takes seconds, and its pool bounds how many papers are open at once. It
// keeps a fresh instance started ahead (Spare), so that opening a paper
// does not wait for PDFium to start: that was most of what showing page 1
// cost beyond the render itself (BENCHMARKS.md).
var (
	engineMu   sync.Mutex
	engine     *pdfrender.Engine
	engineOpts = pdfrender.Options{Instances: 4, Spare: true}
	watermark  *pdfrender.Watermark
)

// readerEngine returns the shared engine, starting it on first use (off the
// UI goroutine: it takes 70 ms with a warm compilation cache, seconds
// without). Its compilation cache holds compiled code only, never a paper.
// pdfiumOptions are the app's PDFium options, with the compilation cache
// in the user's cache folder (compiling PDFium takes seconds; it is done
// once per machine).
func pdfiumOptions() pdfrender.Options {
	opt := engineOpts
	if opt.CacheDir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			opt.CacheDir = filepath.Join(d, "ecabinet", "pdfium")
		}
	}
	return opt
}

func readerEngine() (*pdfrender.Engine, error) {
	engineMu.Lock()
	defer engineMu.Unlock()
	if engine != nil {
		return engine, nil
	}
	e, err := pdfrender.NewEngine(context.Background(), pdfiumOptions())
	if err != nil {
		return nil, err
	}
	engine = e
	return e, nil
}

// readerWatermark is the confidential papers' watermark, in the app's own
// font (Noto Sans, which has every Vietnamese letter).
func readerWatermark() (*pdfrender.Watermark, error) {
	engineMu.Lock()
	defer engineMu.Unlock()
	if watermark != nil {
		return watermark, nil
	}
	w, err := pdfrender.NewWatermark(assets.NotoSansRegular)
	if err != nil {
		return nil, err
	}
	watermark = w
	return w, nil
}

// lastView is the width (in units) and scale of the last reader's view of
// pages in fit-width mode: a paper opens in the same window at the same
// size, so page 1 can start rendering before the view is laid out.
var lastView struct {
	sync.Mutex
	width, scale float32
}

// firstPagePx is the pixel width page 1 of a paper with these page sizes
// will be asked for at fit width in a view like the last one; 0 when no
// view has been seen yet.
func firstPagePx(sizes []pdfrender.Size) int {
	lastView.Lock()
	w, sc := lastView.width, lastView.scale
	lastView.Unlock()
	if w <= 0 || len(sizes) == 0 {
		return 0
	}
	scale := fitWidthScale(w, sizes)
	return pagePx(float32(sizes[0].Width)*scale, sc)
}

// fitWidthScale is the scale (units per point) at which the widest page
// fills a view w units wide, less its margins.
func fitWidthScale(w float32, sizes []pdfrender.Size) float32 {
	var maxW float32
	for _, p := range sizes {
		maxW = max(maxW, float32(p.Width))
	}
	if maxW <= 0 || w <= 2*pagePad {
		return 0
	}
	return (w - 2*pagePad) / maxW
}

// pagePx is the pixel width to render a page shown w units wide on a
// canvas of this scale (a HiDPI screen renders more pixels), rounded up to
// 8 pixels so that a window resized by a few pixels reuses the cache.
func pagePx(w, canvasScale float32) int {
	px := int(w*canvasScale + 0.5)
	return max(8, (px+7)/8*8)
}

// watermarkLabel is what a confidential page carries: whose copy, and when.
func (r *reader) watermarkLabel() string {
	name := strings.TrimSpace(r.src.Viewer)
	if name == "" {
		name = lang.X("reader.watermark.unknown", "Confidential")
	}
	return name + " · " + fmtShortDate(r.opt.Now())
}

// open opens the document, its page sizes and outline off the UI goroutine.
func (r *reader) open() {
	var (
		doc    *pdfrender.Document
		sizes  []pdfrender.Size
		marks  []pdfrender.Bookmark
		mark   *pdfrender.Watermark
		labelT = r.watermarkLabel()
		pages  *pdfrender.Renderer
		thumbs *pdfrender.Renderer
	)
	r.u.background(func() error {
		e, err := readerEngine()
		if err != nil {
			return err
		}
		if r.src.Confidential {
			if mark, err = readerWatermark(); err != nil {
				return err
			}
		}
		doc, err = e.Open(r.ctx, r.src.ReaderAt, r.src.Size)
		if err != nil {
			return err
		}
		sizes = make([]pdfrender.Size, doc.PageCount())
		for i := range sizes {
			if sizes[i], err = doc.PageSize(i); err != nil {
				doc.Close()
				return err
			}
		}
		pages = pdfrender.NewRenderer(doc, pdfrender.RendererOptions{Watermark: mark, Label: labelT})
		// Thumbnails: no pages ahead (the list asks for what it shows) and
		// a small cache (a thumbnail is ~90 KB).
		thumbs = pdfrender.NewRenderer(doc, pdfrender.RendererOptions{Ahead: -1, MaxBytes: 12 << 20, Watermark: mark, Label: labelT})
		// Page 1 starts rendering now, at the width the last paper was
		// shown at, while the outline is read and the UI is built: the
		// view asks for the same width, which is then cached or under way.
		if px := firstPagePx(sizes); px > 0 {
			pages.Request(r.ctx, 0, px, func(*image.RGBA, error) {})
		}
		// A broken outline costs the contents, not the paper.
		if marks, err = doc.Bookmarks(); err != nil {
			fyne.LogError("reader: outline", err)
			marks = nil
		}
		return nil
	}, func(err error) {
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				r.status.SetText(errorText(err))
			}
			return
		}
		r.doc, r.sizes, r.marks, r.pages, r.thumbs = doc, sizes, marks, pages, thumbs
		if r.closed {
			r.closed = false
			r.close()
			return
		}
		r.build()
	})
}

// build lays out the opened reader.
func (r *reader) build() {
	r.pv = newPagesView(r)
	r.nt = newReaderNotes(r)

	r.pageNo = newEntry()
	r.pageNo.SetText("1")
	r.pageNo.OnSubmitted = func(s string) {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > len(r.sizes) {
			r.pageNo.SetText(strconv.Itoa(r.cur + 1))
		} else {
			r.goTo(n - 1)
		}
		r.focusPages()
	}
	r.pageOf = widget.NewLabel(lang.X("reader.page_of", "of {{.N}}", map[string]any{"N": len(r.sizes)}))
	pageLabel := widget.NewLabel(lang.X("reader.page", "Page"))
	pageBox := container.NewHBox(
		iconButton(theme.NavigateBackIcon(), func() { r.goTo(r.cur - 1) }),
		pageLabel, fixedWidth(56, r.pageNo), r.pageOf,
		iconButton(theme.NavigateNextIcon(), func() { r.goTo(r.cur + 1) }),
	)
	r.zoomText = widget.NewLabel("")
	fitW := widget.NewButtonWithIcon(lang.X("reader.fit_width", "Fit width"), theme.ViewFullScreenIcon(), func() { r.setMode(zoomFitWidth) })
	fitP := widget.NewButtonWithIcon(lang.X("reader.fit_page", "Fit page"), theme.ZoomFitIcon(), func() { r.setMode(zoomFitPage) })
	fitW.Importance, fitP.Importance = widget.LowImportance, widget.LowImportance
	zoomBox := container.NewHBox(
		iconButton(theme.ZoomOutIcon(), r.zoomOut), r.zoomText, iconButton(theme.ZoomInIcon(), r.zoomIn), fitW, fitP,
	)
	find := widget.NewButtonWithIcon(lang.X("reader.find", "Find"), theme.SearchIcon(), r.showFind)
	find.Importance = widget.LowImportance
	sideBtn := iconButton(theme.MenuIcon(), r.toggleSide)
	title := titleLine(r.src.Title)
	left := container.NewHBox(sideBtn)
	if r.src.Confidential {
		left.Add(container.NewCenter(newChip(lang.X("reader.confidential", "Confidential"), chipDanger)))
	}
	tools := container.NewHBox(pageBox, widget.NewSeparator(), zoomBox, widget.NewSeparator(), find)
	if r.nt != nil {
		tools.Add(r.nt.toolBtn)
	}
	bar := container.NewBorder(nil, nil, left, tools, title)

	r.findText = newEntry()
	r.findText.SetPlaceHolder(lang.X("reader.find.placeholder", "Find in the paper (with or without diacritics)"))
	r.findText.OnSubmitted = func(string) { r.findNext(1) }
	r.findInfo = widget.NewLabel("")
	r.findBar = container.NewBorder(nil, nil, nil,
		container.NewHBox(r.findInfo,
			iconButton(theme.MoveUpIcon(), func() { r.findNext(-1) }),
			iconButton(theme.MoveDownIcon(), func() { r.findNext(1) }),
			iconButton(theme.CancelIcon(), r.hideFind)),
		r.findText)
	r.findBar.Hide()

	r.side = container.NewBorder(nil, nil, nil, widget.NewSeparator(), fixedWidth(sidebarWidth, r.sidebar()))
	top := container.NewVBox(padded(4, 4, 8, 8, bar), r.findBar, widget.NewSeparator())
	r.root.Objects = []fyne.CanvasObject{container.NewBorder(top, nil, r.side, nil, r.pv)}
	r.root.Refresh()
	r.showZoom()
	r.focusPages()
	if r.nt != nil {
		r.nt.load(true)
	}
}

// relayout lays the reader out again after a bar was shown or hidden: a
// container does not notice that a child's visibility changed its size.
func (r *reader) relayout() {
	for _, o := range r.root.Objects {
		if c, ok := o.(*fyne.Container); ok {
			c.Refresh()
		}
	}
}

// focusPages gives the keyboard to the pages (arrows, PgUp/PgDn …).
func (r *reader) focusPages() {
	if r.pv == nil {
		return
	}
	r.opt.Win.Canvas().Focus(r.pv)
}

// goTo shows page i (clamped) at the top.
func (r *reader) goTo(i int) {
	if r.pv == nil {
		return
	}
	i = max(0, min(i, len(r.sizes)-1))
	r.pv.scrollToPage(i, 0)
	r.setCurrent(i)
}

// setCurrent records the page shown and tells the bar and the thumbnails.
func (r *reader) setCurrent(i int) {
	r.cur = i
	if r.pageNo != nil && r.pageNo.Text != strconv.Itoa(i+1) {
		r.pageNo.SetText(strconv.Itoa(i + 1))
	}
	if r.thumbList != nil {
		r.thumbList.Select(i)
	}
}

// key handles the reader's keys (from the pages when they have the focus,
// or from the window when nothing has); it reports whether it used k.
func (r *reader) key(k fyne.KeyName) bool {
	if r.pv == nil {
		return false
	}
	switch k {
	case fyne.KeyPageDown, fyne.KeyRight, fyne.KeySpace:
		r.goTo(r.cur + 1)
	case fyne.KeyPageUp, fyne.KeyLeft:
		r.goTo(r.cur - 1)
	case fyne.KeyHome:
		r.goTo(0)
	case fyne.KeyEnd:
		r.goTo(len(r.sizes) - 1)
	case fyne.KeyDown:
		r.pv.scrollBy(48)
	case fyne.KeyUp:
		r.pv.scrollBy(-48)
	case fyne.KeyEscape:
		if !r.pv.sl.sel.empty() {
			r.pv.sl.clear()
			return true
		}
		if r.findBar.Visible() {
			r.hideFind()
			return true
		}
		return false
	default:
		return false
	}
	return true
}

// shortcut handles Ctrl+F, Ctrl+= (or Ctrl++), Ctrl+- and Ctrl+0 (fit
// width); it reports whether it used the key.
func (r *reader) shortcut(k fyne.KeyName) bool {
	if r.pv == nil {
		return false
	}
	switch k {
	case fyne.KeyF:
		r.showFind()
	case fyne.KeyEqual, fyne.KeyPlus:
		r.zoomIn()
	case fyne.KeyMinus:
		r.zoomOut()
	case fyne.Key0:
		r.setMode(zoomFitWidth)
	case fyne.KeyM:
		if r.nt == nil {
			return false
		}
		r.nt.setTool(!r.nt.tool)
	default:
		return false
	}
	return true
}

// zoom returns the zoom as a fraction of 100 %.
func (r *reader) zoom() float32 { return r.scale / unitsPerPoint }

func (r *reader) zoomIn() {
	z := r.zoom()
	for _, s := range zoomSteps {
		if s > z*1.001 {
			r.setScale(s)
			return
		}
	}
}

func (r *reader) zoomOut() {
	z := r.zoom()
	for i := len(zoomSteps) - 1; i >= 0; i-- {
		if zoomSteps[i] < z*0.999 {
			r.setScale(zoomSteps[i])
			return
		}
	}
}

// setScale zooms to z (of 100 %), keeping the current page in view.
func (r *reader) setScale(z float32) {
	r.mode = zoomCustom
	r.pv.relayout(unitsPerPoint * z)
	r.showZoom()
}

func (r *reader) setMode(m zoomMode) {
	r.mode = m
	r.pv.relayout(0)
	r.showZoom()
}

func (r *reader) showZoom() {
	if r.zoomText != nil {
		r.zoomText.SetText(strconv.Itoa(int(r.zoom()*100+0.5)) + " %")
	}
}

// fitScale is the scale of a fit mode for a view of size s.
func (r *reader) fitScale(s fyne.Size) float32 {
	sc := fitWidthScale(s.Width, r.sizes)
	if sc <= 0 {
		return r.scale
	}
	if r.mode == zoomFitPage {
		h := float32(r.sizes[r.cur].Height)
		if h > 0 && s.Height > 2*pagePad {
			sc = min(sc, (s.Height-2*pagePad)/h)
		}
	}
	return max(sc, 0.1)
}

// showFind opens the find bar (Ctrl+F).
func (r *reader) showFind() {
	r.findBar.Show()
	r.relayout()
	// The window's canvas, not the driver's look-up: that knows only
	// objects already drawn, and the bar was hidden until now.
	r.opt.Win.Canvas().Focus(r.findText)
}

func (r *reader) hideFind() {
	if r.finding != nil {
		r.finding()
		r.finding = nil
	}
	r.findGen++ // an answer still on its way is dropped
	r.findBar.Hide()
	r.relayout()
	r.setMatches(nil, -1)
	r.findInfo.SetText("")
	r.query = ""
	r.focusPages()
}

// findNext goes to the next (dir 1) or previous (dir -1) place the query is
// found; a new query first searches the whole paper, off the UI goroutine.
func (r *reader) findNext(dir int) {
	q := strings.TrimSpace(r.findText.Text)
	if q == "" {
		return
	}
	if q == r.query && r.finding == nil {
		if len(r.matches) > 0 {
			r.showHit((r.hit + dir + len(r.matches)) % len(r.matches))
		}
		return
	}
	if r.finding != nil {
		r.finding()
	}
	r.findGen++
	gen := r.findGen
	ctx, cancel := context.WithCancel(r.ctx)
	r.finding, r.query = cancel, q
	r.findInfo.SetText(lang.X("reader.find.searching", "Searching…"))
	var found []pdfrender.Match
	doc := r.doc
	r.u.background(func() error {
		var err error
		found, err = doc.Find(ctx, q)
		return err
	}, func(err error) {
		if gen != r.findGen {
			return // a newer find replaced this one
		}
		r.finding = nil
		cancel()
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				r.findInfo.SetText(errorText(err))
			}
			return
		}
		if len(found) == 0 {
			r.setMatches(nil, -1)
			r.findInfo.SetText(lang.X("reader.find.none", "Not found"))
			return
		}
		// Start from the first place on or after the page shown.
		first := 0
		for i, m := range found {
			if m.Page >= r.cur {
				first = i
				break
			}
		}
		r.matches = found
		r.showHit(first)
	})
}

// showHit shows match i: its page in view, its count "2/7", highlighted.
func (r *reader) showHit(i int) {
	r.setMatches(r.matches, i)
	m := r.matches[i]
	r.findInfo.SetText(lang.X("reader.find.count", "{{.I}}/{{.N}}", map[string]any{"I": i + 1, "N": len(r.matches)}))
	var y float32
	if len(m.Rects) > 0 {
		y = float32(m.Rects[0].Y0)
	}
	r.pv.scrollToPage(m.Page, y)
	r.setCurrent(m.Page)
}

// setMatches changes the highlighted places and redraws the pages shown.
func (r *reader) setMatches(ms []pdfrender.Match, hit int) {
	r.matches, r.hit = ms, hit
	if r.pv != nil {
		r.pv.place()
	}
}

// close stops rendering and closes the document (off the UI goroutine:
// a render under way finishes first).
func (r *reader) close() {
	if r.closed {
		return
	}
	r.closed = true
	r.cancel()
	pages, thumbs, doc := r.pages, r.thumbs, r.doc
	if doc == nil {
		return
	}
	r.u.bg.Add(1)
	go func() {
		defer r.u.bg.Done()
		pages.Close()
		thumbs.Close()
		doc.Close()
	}()
}
