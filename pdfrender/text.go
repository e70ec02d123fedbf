package pdfrender

import (
	"context"
	"fmt"
	"strings"

	"github.com/klippa-app/go-pdfium/requests"

	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/textindex"
)

// Rect is a rectangle on a page in points, measured from the page's
// top-left corner (x to the right, y down), as a screen draws it: multiply
// by the rendered image's pixels per point to place it on the image.
type Rect struct {
	X0, Y0, X1, Y1 float64
}

// Char is one character of a page's text and where it is drawn. Spaces and
// line breaks that PDFium infers between words have an empty Rect.
type Char struct {
	Text string
	Rect Rect
}

// PageText is the text of one page with the place of every character, for
// find, for pinning notes to selected text and for indexing.
type PageText struct {
	Page  int
	Size  Size
	Chars []Char
}

// String returns the page's text.
func (t *PageText) String() string {
	var b strings.Builder
	for _, c := range t.Chars {
		b.WriteString(c.Text)
	}
	return b.String()
}

// PageText extracts the text of page (from 0) with the rectangle of every
// character.
func (d *Document) PageText(ctx context.Context, page int) (*PageText, error) {
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
	size, err := d.pageSize(page)
	if err != nil {
		return nil, err
	}
	res, err := d.inst.GetPageTextStructured(&requests.GetPageTextStructured{
		Page: requests.Page{ByIndex: &requests.PageByIndex{Document: d.doc, Index: page}},
		Mode: requests.GetPageTextStructuredModeChars,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: text of page %d: %v", ErrCorrupt, page+1, err)
	}
	pt := &PageText{Page: page, Size: size, Chars: make([]Char, 0, len(res.Chars))}
	for _, c := range res.Chars {
		p := c.PointPosition
		var r Rect
		if p.Right > p.Left || p.Top > p.Bottom {
			// PDF space has y up from the bottom; ours has y down from the top.
			r = Rect{X0: p.Left, Y0: size.Height - p.Top, X1: p.Right, Y1: size.Height - p.Bottom}
		}
		pt.Chars = append(pt.Chars, Char{Text: c.Text, Rect: r})
	}
	return pt, nil
}

// Match is one place where a query was found: its page and the rectangles
// that cover it (one per line it spans).
type Match struct {
	Page  int
	Rects []Rect
}

// Find returns every place on the page where query occurs, compared folded
// (textindex.Fold: case, diacritics and đ ignored, any run of spaces,
// punctuation and line breaks as one space), so "dat dai" finds "Đất đai"
// even when a line break falls between the words. The query may start and
// end inside words.
func (t *PageText) Find(query string) []Match {
	q := textindex.Fold(query)
	if q == "" {
		return nil
	}
	// Fold the page char by char, remembering which char each folded byte
	// came from; separators fold to one space, as in textindex.Fold.
	var folded []byte
	var from []int // folded byte -> index in t.Chars
	space := false
	for i, c := range t.Chars {
		for _, r := range c.Text {
			if !textindex.IsWordRune(r) {
				space = len(folded) > 0
				continue
			}
			n := len(folded)
			folded = textindex.FoldRune(folded, r)
			if len(folded) == n {
				continue // a lone combining mark
			}
			if space {
				folded = append(folded[:n], append([]byte{' '}, folded[n:]...)...)
				from = append(from, i)
				space = false
			}
			for range len(folded) - len(from) {
				from = append(from, i)
			}
		}
	}
	var out []Match
	s := string(folded)
	for at := 0; ; {
		k := strings.Index(s[at:], q)
		if k < 0 {
			break
		}
		start := at + k
		end := start + len(q) - 1
		out = append(out, Match{Page: t.Page, Rects: t.rects(from[start], from[end])})
		at = start + len(q)
	}
	return out
}

// rects covers chars first..last with one rectangle per line.
func (t *PageText) rects(first, last int) []Rect {
	var out []Rect
	for _, c := range t.Chars[first : last+1] {
		r := c.Rect
		if r.X1 <= r.X0 && r.Y1 <= r.Y0 {
			continue
		}
		if n := len(out); n > 0 && sameLine(out[n-1], r) {
			u := &out[n-1]
			u.X0, u.Y0 = min(u.X0, r.X0), min(u.Y0, r.Y0)
			u.X1, u.Y1 = max(u.X1, r.X1), max(u.Y1, r.Y1)
			continue
		}
		out = append(out, r)
	}
	return out
}

// sameLine reports whether b continues a's line: their vertical extents
// overlap by half of the smaller one.
func sameLine(a, b Rect) bool {
	overlap := min(a.Y1, b.Y1) - max(a.Y0, b.Y0)
	return overlap > 0.5*min(a.Y1-a.Y0, b.Y1-b.Y0)
}

// Find searches every page for query (see PageText.Find) and returns the
// matches in page order. Each page's plain text (one PDFium call) is
// checked first; only pages that hold the query have their characters'
// rectangles extracted (a few µs per character). It stops early, with what
// it found and the context's error, when ctx ends.
func (d *Document) Find(ctx context.Context, query string) ([]Match, error) {
	q := textindex.Fold(query)
	if q == "" {
		return nil, nil
	}
	var out []Match
	for p := 0; p < d.pages; p++ {
		text, err := d.PlainText(ctx, p)
		if err != nil {
			return out, err
		}
		if !strings.Contains(textindex.Fold(text), q) {
			continue
		}
		t, err := d.PageText(ctx, p)
		if err != nil {
			return out, err
		}
		out = append(out, t.Find(query)...)
	}
	return out, nil
}

// PlainText returns the text of page (from 0) without positions, in one
// call: for indexing and for checking a page before finding on it.
func (d *Document) PlainText(ctx context.Context, page int) (string, error) {
	if page < 0 {
		return "", fmt.Errorf("%w: %d", ErrPage, page+1)
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := d.lock(page); err != nil {
		return "", err
	}
	defer d.mu.Unlock()
	res, err := d.inst.GetPageText(&requests.GetPageText{
		Page: requests.Page{ByIndex: &requests.PageByIndex{Document: d.doc, Index: page}},
	})
	if err != nil {
		return "", fmt.Errorf("%w: text of page %d: %v", ErrCorrupt, page+1, err)
	}
	return res.Text, nil
}

// AddToIndex adds the text of every page to ix under key (a paper
// version's ID), for search across papers. It stops at ctx's end.
func (d *Document) AddToIndex(ctx context.Context, ix *textindex.Index, key string) error {
	for p := 0; p < d.pages; p++ {
		text, err := d.PlainText(ctx, p)
		if err != nil {
			return err
		}
		ix.Add(key, p, text)
	}
	return nil
}

// Notes gives the page's text in the form private notes anchor to and are
// carried by (papers.AnchorText, papers.Carry).
func (t *PageText) Notes() papers.PageText {
	out := make(papers.PageText, len(t.Chars))
	for i, c := range t.Chars {
		out[i] = papers.TextChar{Text: c.Text, Rect: papers.Rect{X0: c.Rect.X0, Y0: c.Rect.Y0, X1: c.Rect.X1, Y1: c.Rect.Y1}}
	}
	return out
}
