package app

import (
	"context"
	"image"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/pdfrender"
)

// sidebar is the strip of thumbnails and, in a second tab, the paper's
// own contents (its PDF outline), or a line saying it has none.
func (r *reader) sidebar() fyne.CanvasObject {
	r.thumbList = r.thumbnails()
	var contents fyne.CanvasObject
	if len(r.marks) == 0 {
		l := widget.NewLabel(lang.X("reader.no_contents", "This paper has no table of contents."))
		l.Wrapping = fyne.TextWrapWord
		contents = container.NewVBox(l)
	} else {
		r.contents = r.contentsTree()
		contents = r.contents
	}
	tabs := container.NewAppTabs(
		container.NewTabItem(lang.X("reader.tab.pages", "Pages"), r.thumbList),
		container.NewTabItem(lang.X("reader.tab.contents", "Contents"), contents),
	)
	if r.nt != nil {
		tabs.Append(container.NewTabItem(lang.X("reader.tab.notes", "Notes"), r.nt.panel()))
	}
	if len(r.marks) > 0 {
		tabs.SelectIndex(1) // a paper with contents opens on them
	}
	return tabs
}

// toggleSide shows or hides the sidebar.
func (r *reader) toggleSide() {
	if r.side.Visible() {
		r.side.Hide()
	} else {
		r.side.Show()
	}
	r.relayout()
}

// thumbItem is one thumbnail in the list: the page small, and its number.
type thumbItem struct {
	widget.BaseWidget
	r      *reader
	sheet  *canvas.Rectangle
	img    *canvas.Image
	num    *widget.Label
	page   int
	cancel context.CancelFunc
}

func (r *reader) newThumbItem() *thumbItem {
	t := &thumbItem{r: r, page: -1}
	t.sheet = canvas.NewRectangle(color.White)
	t.sheet.StrokeColor = color.NRGBA{A: 0x30}
	t.sheet.StrokeWidth = 1
	t.img = canvas.NewImageFromImage(nil)
	t.img.FillMode = canvas.ImageFillContain
	h := float32(thumbWidth * 1.414)
	if s := r.sizes[0]; s.Width > 0 {
		h = thumbWidth * float32(s.Height/s.Width)
	}
	t.img.SetMinSize(fyne.NewSize(thumbWidth, h))
	t.num = widget.NewLabel("")
	t.num.Alignment = fyne.TextAlignCenter
	t.ExtendBaseWidget(t)
	return t
}

func (t *thumbItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewVBox(
		container.NewCenter(container.NewStack(t.sheet, t.img)), t.num))
}

// set shows page p: from the thumbnails' cache, else when rendered.
func (t *thumbItem) set(p int) {
	if t.page == p {
		return
	}
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
	t.page = p
	t.num.SetText(strconv.Itoa(p + 1))
	if !t.r.firstShown {
		// The page a person waits for renders first; the thumbnails
		// follow (PDFium renders one page at a time per document).
		t.img.Image = nil
		t.img.Refresh()
		t.r.thumbsWaiting = append(t.r.thumbsWaiting, t)
		return
	}
	px := thumbWidth * 2 // sharp on a HiDPI screen, ~90 KB for A4
	if img := t.r.thumbs.Cached(p, px); img != nil {
		t.img.Image = img
		t.img.Refresh()
		return
	}
	t.img.Image = nil
	t.img.Refresh()
	ctx, cancel := context.WithCancel(t.r.ctx)
	t.cancel = cancel
	t.r.thumbs.Request(ctx, p, px, func(img *image.RGBA, err error) {
		if err != nil {
			return // cancelled (scrolled past) or closed; the page view says the rest
		}
		t.r.u.post(func() {
			if t.page == p && ctx.Err() == nil {
				t.img.Image = img
				t.img.Refresh()
			}
		})
	})
}

// pageShown is told when a page is on screen; the first time, the
// thumbnails held back until then are asked for.
func (r *reader) pageShown() {
	if r.firstShown {
		return
	}
	r.firstShown = true
	for _, t := range r.thumbsWaiting {
		if p := t.page; p >= 0 {
			t.page = -1
			t.set(p)
		}
	}
	r.thumbsWaiting = nil
}

// thumbnails is the virtualised list of thumbnails: only the rows shown
// exist and render.
func (r *reader) thumbnails() *widget.List {
	l := widget.NewList(
		func() int { return len(r.sizes) },
		func() fyne.CanvasObject { return r.newThumbItem() },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*thumbItem).set(id) },
	)
	l.OnSelected = func(id widget.ListItemID) {
		if id != r.cur {
			r.goTo(id)
		}
	}
	return l
}

// contentsTree shows the outline; choosing an entry goes to its page.
func (r *reader) contentsTree() *widget.Tree {
	// Node IDs are paths of indexes: "0", "0.2" …
	node := func(id widget.TreeNodeID) *pdfrender.Bookmark {
		if id == "" {
			return nil
		}
		list := r.marks
		var b *pdfrender.Bookmark
		for _, part := range strings.Split(id, ".") {
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(list) {
				return nil
			}
			b = &list[i]
			list = b.Children
		}
		return b
	}
	children := func(id widget.TreeNodeID) []widget.TreeNodeID {
		list := r.marks
		if id != "" {
			b := node(id)
			if b == nil {
				return nil
			}
			list = b.Children
		}
		out := make([]widget.TreeNodeID, len(list))
		for i := range list {
			if id == "" {
				out[i] = strconv.Itoa(i)
			} else {
				out[i] = id + "." + strconv.Itoa(i)
			}
		}
		return out
	}
	t := widget.NewTree(children,
		func(id widget.TreeNodeID) bool { return len(children(id)) > 0 },
		func(bool) fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			if b := node(id); b != nil {
				o.(*widget.Label).SetText(b.Title)
			}
		})
	t.OnSelected = func(id widget.TreeNodeID) {
		if b := node(id); b != nil && b.Page >= 0 {
			r.goTo(b.Page)
			r.focusPages()
		}
		// An entry is a link: chosen again later, it goes there again.
		t.UnselectAll()
	}
	t.OpenAllBranches()
	return t
}
