package pdfrender

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"sync"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/responses"
)

// Size is a page's size in points (1/72 inch).
type Size struct {
	Width, Height float64
}

// Document is one open PDF on a PDFium instance of its own. Its methods may
// be called from any goroutine; they run one at a time (PDFium is
// single-threaded), so a reader renders off its UI goroutine, through a
// Renderer. Close it to give its instance's memory back.
type Document struct {
	mu     sync.Mutex
	eng    *Engine
	inst   pdfium.Pdfium
	doc    references.FPDF_DOCUMENT
	pages  int
	sizes  []Size // nil until first asked
	closed bool
}

// headerWindow is how far into a file PDF readers look for "%PDF-".
const headerWindow = 1024

// Open opens the PDF that r holds (size bytes). PDFium reads it through r
// on demand, for as long as the Document is open, and never from a file:
// papers come from the chunk store's decrypting reader, and no plaintext
// copy is made. Open waits for a free instance (or ctx).
//
// Errors: ErrNotPDF, ErrCorrupt, ErrPassword, or the context's error.
func (e *Engine) Open(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	head := make([]byte, min(size, headerWindow))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		if err == nil || errors.Is(err, io.EOF) {
			return nil, ErrNotPDF
		}
		return nil, fmt.Errorf("pdfrender: read: %w", err)
	}
	if !bytes.Contains(head, []byte("%PDF-")) {
		return nil, ErrNotPDF
	}
	inst, err := e.instance(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("pdfrender: instance: %w", err)
	}
	opened, err := inst.OpenDocument(&requests.OpenDocument{
		FileReader:     io.NewSectionReader(r, 0, size),
		FileReaderSize: size,
	})
	if err != nil {
		inst.Close()
		e.refill()
		return nil, openError(err)
	}
	d := &Document{eng: e, inst: inst, doc: opened.Document}
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: d.doc})
	if err != nil || count.PageCount <= 0 {
		d.Close()
		return nil, ErrCorrupt
	}
	d.pages = count.PageCount
	return d, nil
}

// PageCount returns the number of pages (at least 1).
func (d *Document) PageCount() int { return d.pages }

// lock takes the document's lock and checks page (when >= 0) and that the
// document is open.
func (d *Document) lock(page int) error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return ErrClosed
	}
	if page >= d.pages {
		d.mu.Unlock()
		return fmt.Errorf("%w: %d of %d", ErrPage, page+1, d.pages)
	}
	if page < -1 {
		d.mu.Unlock()
		return fmt.Errorf("%w: %d", ErrPage, page+1)
	}
	return nil
}

// PageSize returns the size of page i (from 0) in points.
func (d *Document) PageSize(i int) (Size, error) {
	if i < 0 {
		return Size{}, fmt.Errorf("%w: %d", ErrPage, i+1)
	}
	if err := d.lock(i); err != nil {
		return Size{}, err
	}
	defer d.mu.Unlock()
	return d.pageSize(i)
}

func (d *Document) pageSize(i int) (Size, error) {
	if d.sizes == nil {
		d.sizes = make([]Size, d.pages)
	}
	if d.sizes[i].Width > 0 {
		return d.sizes[i], nil
	}
	s, err := d.inst.FPDF_GetPageSizeByIndex(&requests.FPDF_GetPageSizeByIndex{Document: d.doc, Index: i})
	if err != nil {
		return Size{}, fmt.Errorf("%w: page %d: %v", ErrCorrupt, i+1, err)
	}
	d.sizes[i] = Size{Width: s.Width, Height: s.Height}
	return d.sizes[i], nil
}

// Render renders page (from 0) widthPx pixels wide (the height follows the
// page's proportions) and returns a copy in Go memory: PDFium's own bitmap
// lives in the instance's memory and is freed before Render returns.
// Pages with transparency are drawn on white, as on paper.
func (d *Document) Render(ctx context.Context, page, widthPx int) (*image.RGBA, error) {
	if widthPx <= 0 {
		return nil, fmt.Errorf("pdfrender: width %d", widthPx)
	}
	if page < 0 {
		return nil, fmt.Errorf("%w: %d", ErrPage, page+1)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := d.lock(page); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	// A context cancelled while waiting for the lock (the reader moved on)
	// skips the work.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := d.inst.RenderPageInPixels(&requests.RenderPageInPixels{
		Page:  requests.Page{ByIndex: &requests.PageByIndex{Document: d.doc, Index: page}},
		Width: widthPx,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: page %d: %v", ErrCorrupt, page+1, err)
	}
	defer res.Cleanup()
	return copyImage(res.Result), nil
}

// RenderScale renders page at scale pixels per point (1 = 72 dpi; a
// screen at 100% shows about 96/72).
func (d *Document) RenderScale(ctx context.Context, page int, scale float64) (*image.RGBA, error) {
	s, err := d.PageSize(page)
	if err != nil {
		return nil, err
	}
	return d.Render(ctx, page, max(1, int(s.Width*scale+0.5)))
}

// copyImage copies the rendered bitmap out of the instance's memory.
func copyImage(r responses.RenderPage) *image.RGBA {
	b := r.RenderedImage.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	src, ok := r.RenderedImage.(*image.RGBA)
	if r.HasTransparency || !ok {
		draw.Draw(out, out.Rect, image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(out, out.Rect, r.RenderedImage, b.Min, draw.Over)
		return out
	}
	for y := 0; y < b.Dy(); y++ {
		copy(out.Pix[y*out.Stride:(y+1)*out.Stride], src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
	}
	return out
}

// Bookmark is one entry of a PDF's outline (its contents).
type Bookmark struct {
	Title string
	// Page is the page it points to, from 0, or -1 when it points nowhere
	// in this document (an outer link, or a heading without a target).
	Page     int
	Children []Bookmark
}

// Bookmarks returns the PDF's outline, empty when it has none.
func (d *Document) Bookmarks() ([]Bookmark, error) {
	if err := d.lock(-1); err != nil {
		return nil, err
	}
	defer d.mu.Unlock()
	res, err := d.inst.GetBookmarks(&requests.GetBookmarks{Document: d.doc})
	if err != nil {
		return nil, fmt.Errorf("%w: outline: %v", ErrCorrupt, err)
	}
	return convertBookmarks(res.Bookmarks, d.pages, 0), nil
}

// maxOutlineDepth stops a malicious outline that nests without end.
const maxOutlineDepth = 32

func convertBookmarks(in []responses.GetBookmarksBookmark, pages, depth int) []Bookmark {
	if depth >= maxOutlineDepth || len(in) == 0 {
		return nil
	}
	out := make([]Bookmark, 0, len(in))
	for _, b := range in {
		page := -1
		if b.DestInfo != nil {
			page = b.DestInfo.PageIndex
		} else if b.ActionInfo != nil && b.ActionInfo.DestInfo != nil {
			page = b.ActionInfo.DestInfo.PageIndex
		}
		if page < 0 || page >= pages {
			page = -1
		}
		out = append(out, Bookmark{Title: b.Title, Page: page, Children: convertBookmarks(b.Children, pages, depth+1)})
	}
	return out
}

// Close closes the document and its instance, which gives the instance's
// memory back. Closing twice is harmless.
func (d *Document) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	_, err := d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: d.doc})
	err = errors.Join(err, d.inst.Close())
	// The next Document's instance starts now, while this one's reader
	// is gone (Options.Spare).
	d.eng.refill()
	return err
}
