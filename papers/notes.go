package papers

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/textindex"
)

// Private notes (ghi chú riêng): what a member writes on a page of a paper
// for themself. A note hangs from one version of a paper; when the paper is
// replaced, Carry moves it to the new version where the text it was made on
// is found again, and marks the rest as not placed, keeping them.

// NoteKind is what a note is.
type NoteKind string

// The kinds of notes.
const (
	// NoteText is a written note, pinned to a point of the page or, when
	// the member selected text first, anchored to that text.
	NoteText NoteKind = "text"
	// NoteHighlight marks selected text; its Text, if any, is a comment.
	NoteHighlight NoteKind = "highlight"
)

// Valid reports whether k is a known kind.
func (k NoteKind) Valid() bool { return k == NoteText || k == NoteHighlight }

// Bounds of a note: enough for a page of remarks, and small enough that a
// member's notes on a session's papers stay a few hundred kilobytes.
const (
	MaxNoteText  = 8000 // runes of a note's text
	MaxNoteQuote = 2000 // runes of the selected text
	// NoteContext is how many runes of the page's text before and after the
	// selection a note keeps, to tell one occurrence of its quote from
	// another when it is carried.
	NoteContext = 40
	// MaxNoteRects bounds the rectangles of a selection (one per line).
	MaxNoteRects = 200
	// NoteNearby is how many pages away from its page Carry looks for a
	// note's text: the next and previous pages first, then the second ones.
	NoteNearby = 2
)

// Rect is a rectangle on a page in points from the page's top-left corner
// (x to the right, y down), as pdfrender.Rect.
type Rect struct {
	_              struct{} `cbor:",toarray"`
	X0, Y0, X1, Y1 float64
}

// Anchor is where on a page of a version a note hangs.
type Anchor struct {
	// Page counts from 0.
	Page int `cbor:"1,keyasint"`
	// X and Y are the point a text note is pinned to, in points; for a note
	// on selected text, the top-left corner of the selection.
	X float64 `cbor:"2,keyasint,omitempty"`
	Y float64 `cbor:"3,keyasint,omitempty"`
	// Quote is the selected text ("" for a note pinned to a point).
	Quote string `cbor:"4,keyasint,omitempty"`
	// Before and After are some of the page's text around Quote.
	Before string `cbor:"5,keyasint,omitempty"`
	After  string `cbor:"6,keyasint,omitempty"`
	// Rects cover the selection, one per line.
	Rects []Rect `cbor:"7,keyasint,omitempty"`
}

// Note is one private note.
type Note struct {
	ID      string `cbor:"1,keyasint"`
	PaperID string `cbor:"2,keyasint"`
	// Version is the paper's version the anchor refers to.
	Version int       `cbor:"3,keyasint"`
	Kind    NoteKind  `cbor:"4,keyasint"`
	Text    string    `cbor:"5,keyasint,omitempty"`
	Anchor  Anchor    `cbor:"6,keyasint"`
	Created time.Time `cbor:"7,keyasint"`
	Edited  time.Time `cbor:"8,keyasint,omitempty"`
	// Unplaced: Carry did not find the note's text in the version; its
	// anchor is still the one it had (its original page).
	Unplaced bool `cbor:"9,keyasint,omitempty"`
}

// Excerpt is a short line to list the note by: its text, else its quote.
func (n Note) Excerpt(max int) string {
	s := n.Text
	if strings.TrimSpace(s) == "" {
		s = n.Anchor.Quote
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

// Validate checks a note; errors are *meetings.Error with a translation key.
func (n Note) Validate() error {
	switch {
	case strings.TrimSpace(n.ID) == "":
		return meetings.NewError("err.note.id_required", "id")
	case strings.TrimSpace(n.PaperID) == "":
		return meetings.NewError("err.note.paper_required", "paper")
	case n.Version < 1:
		return meetings.NewError("err.note.version_invalid", "version")
	case !n.Kind.Valid():
		return meetings.NewError("err.note.kind_invalid", "kind")
	case n.Kind == NoteText && strings.TrimSpace(n.Text) == "":
		return meetings.NewError("err.note.text_required", "text")
	case !utf8.ValidString(n.Text) || utf8.RuneCountInString(n.Text) > MaxNoteText:
		return meetings.NewError("err.note.text_too_long", "text")
	case n.Kind == NoteHighlight && strings.TrimSpace(n.Anchor.Quote) == "":
		return meetings.NewError("err.note.quote_required", "quote")
	case n.Created.IsZero():
		return meetings.NewError("err.note.created_required", "created")
	case !n.Edited.IsZero() && n.Edited.Before(n.Created):
		return meetings.NewError("err.note.edited_invalid", "edited")
	}
	return n.Anchor.validate()
}

func (a Anchor) validate() error {
	for _, s := range []string{a.Quote, a.Before, a.After} {
		if !utf8.ValidString(s) {
			return meetings.NewError("err.note.quote_too_long", "quote")
		}
	}
	switch {
	case utf8.RuneCountInString(a.Quote) > MaxNoteQuote:
		return meetings.NewError("err.note.quote_too_long", "quote")
	case utf8.RuneCountInString(a.Before) > NoteContext || utf8.RuneCountInString(a.After) > NoteContext:
		return meetings.NewError("err.note.quote_too_long", "context")
	case a.Page < 0 || a.Page >= MaxPages || len(a.Rects) > MaxNoteRects:
		return meetings.NewError("err.note.anchor_invalid", "anchor")
	}
	vals := []float64{a.X, a.Y}
	for _, r := range a.Rects {
		vals = append(vals, r.X0, r.Y0, r.X1, r.Y1)
	}
	for _, v := range vals {
		// A page is at most 14 400 points on a side (PDF's own limit).
		if math.IsNaN(v) || v < 0 || v > 14400 {
			return meetings.NewError("err.note.anchor_invalid", "anchor")
		}
	}
	return nil
}

// Encode gives the note's canonical CBOR form (what SealNote encrypts).
func (n Note) Encode() ([]byte, error) { return codec.Marshal(n) }

// ErrNoteDecode is returned for bytes that are not a note.
var ErrNoteDecode = meetings.NewError("err.note.decode_failed", "")

// DecodeNote reads a note strictly and validates it; only the canonical
// encoding is accepted.
func DecodeNote(b []byte) (Note, error) {
	var n Note
	if err := codec.Unmarshal(b, &n); err != nil {
		return Note{}, errors.Join(ErrNoteDecode, err)
	}
	if again, err := n.Encode(); err != nil || !bytes.Equal(again, b) {
		return Note{}, errors.Join(ErrNoteDecode, errors.New("not the canonical encoding"))
	}
	if err := n.Validate(); err != nil {
		return Note{}, err
	}
	return n, nil
}

// TextChar is one character of a page's text and the rectangle it is drawn
// in (empty for the spaces and line breaks a PDF reader infers), as
// pdfrender.Char gives it.
type TextChar struct {
	Text string
	Rect Rect
}

// PageText is the text of one page of a version, character by character.
type PageText []TextChar

// String is the page's text.
func (t PageText) String() string {
	var b strings.Builder
	for _, c := range t {
		b.WriteString(c.Text)
	}
	return b.String()
}

// folded is a page's text folded (textindex.Fold), with the character each
// folded byte came from.
type folded struct {
	text string
	from []int
}

func foldPage(t PageText) folded {
	var out []byte
	var from []int
	space := false
	for i, c := range t {
		for _, r := range c.Text {
			if !textindex.IsWordRune(r) {
				space = len(out) > 0
				continue
			}
			if space {
				out = append(out, ' ')
				from = append(from, i)
				space = false
			}
			n := len(out)
			out = textindex.FoldRune(out, r)
			for range len(out) - n {
				from = append(from, i)
			}
		}
	}
	return folded{text: string(out), from: from}
}

// AnchorText makes the anchor of a selection: the characters [from, to) of
// page. It records the quote, the context around it and one rectangle per
// line. ok is false for an empty selection.
func AnchorText(page int, t PageText, from, to int) (a Anchor, ok bool) {
	from, to = max(from, 0), min(to, len(t))
	if from >= to {
		return Anchor{}, false
	}
	a = Anchor{Page: page, Quote: strings.TrimSpace(t[from:to].String())}
	if a.Quote == "" {
		return Anchor{}, false
	}
	if r := []rune(a.Quote); len(r) > MaxNoteQuote {
		a.Quote = string(r[:MaxNoteQuote])
	}
	a.Before = lastRunes(t[:from].String(), NoteContext)
	a.After = firstRunes(t[to:].String(), NoteContext)
	a.Rects = lineRects(t[from:to])
	if len(a.Rects) > 0 {
		a.X, a.Y = a.Rects[0].X0, a.Rects[0].Y0
	}
	return a, true
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[len(r)-n:]
	}
	return string(r)
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[:n]
	}
	return string(r)
}

// lineRects joins the rectangles of consecutive characters on one line.
func lineRects(cs []TextChar) []Rect {
	var out []Rect
	for _, c := range cs {
		r := c.Rect
		if r.X1 <= r.X0 && r.Y1 <= r.Y0 {
			continue // an inferred space or line break
		}
		if n := len(out); n > 0 {
			last := &out[n-1]
			// The same line: the vertical spans overlap by half the height.
			overlap := min(last.Y1, r.Y1) - max(last.Y0, r.Y0)
			if overlap > 0.5*min(last.Y1-last.Y0, r.Y1-r.Y0) && r.X0 >= last.X0-1 {
				last.X0, last.Y0 = min(last.X0, r.X0), min(last.Y0, r.Y0)
				last.X1, last.Y1 = max(last.X1, r.X1), max(last.Y1, r.Y1)
				continue
			}
		}
		if len(out) == MaxNoteRects {
			break
		}
		out = append(out, Rect{X0: r.X0, Y0: r.Y0, X1: r.X1, Y1: r.Y1})
	}
	return out
}

// Carry carries notes to version of their paper, whose pages are given in
// order (pages[i] is page i). A note already on that version or a later
// one is returned as it is. A note on selected text goes where its quote is
// found again (compared folded: case, diacritics and spacing aside), on
// its own page first, then on the next and the previous page, up to
// NoteNearby pages away; of several places on one page, the one whose
// surrounding text matches best. A note pinned to a point with no text
// stays at its point when its page still exists. Every other note is
// returned with Unplaced set and its anchor (its original page) unchanged:
// nothing is ever dropped. The result is in the order of notes.
func Carry(notes []Note, version int, pages []PageText) []Note {
	out := make([]Note, len(notes))
	cache := map[int]folded{}
	fold := func(p int) folded {
		f, ok := cache[p]
		if !ok {
			f = foldPage(pages[p])
			cache[p] = f
		}
		return f
	}
	for i, n := range notes {
		out[i] = n
		if n.Version >= version {
			continue
		}
		out[i].Version = version
		a, ok := place(n.Anchor, pages, fold)
		if !ok {
			out[i].Unplaced = true
			continue
		}
		out[i].Anchor, out[i].Unplaced = a, false
	}
	return out
}

// place finds an anchor's new place.
func place(a Anchor, pages []PageText, fold func(int) folded) (Anchor, bool) {
	q := textindex.Fold(a.Quote)
	if q == "" {
		if strings.TrimSpace(a.Quote) == "" && a.Page < len(pages) {
			return Anchor{Page: a.Page, X: a.X, Y: a.Y}, true
		}
		return a, false
	}
	before, after := textindex.Fold(a.Before), textindex.Fold(a.After)
	for _, p := range nearby(a.Page, len(pages)) {
		f := fold(p)
		best, bestScore := -1, -1
		for at := 0; ; {
			j := strings.Index(f.text[at:], q)
			if j < 0 {
				break
			}
			j += at
			if s := contextScore(f.text, j, j+len(q), before, after); s > bestScore {
				best, bestScore = j, s
			}
			at = j + 1
		}
		if best < 0 {
			continue
		}
		from, to := f.from[best], f.from[best+len(q)-1]+1
		na, ok := AnchorText(p, pages[p], from, to)
		if !ok {
			continue
		}
		if len(a.Rects) > 0 && len(na.Rects) > 0 {
			// A text note keeps its place relative to its text.
			na.X = clampPt(na.Rects[0].X0 + a.X - a.Rects[0].X0)
			na.Y = clampPt(na.Rects[0].Y0 + a.Y - a.Rects[0].Y0)
		}
		return na, true
	}
	return a, false
}

func clampPt(v float64) float64 { return min(max(v, 0), 14400) }

// nearby lists page, then the pages next to it, then those two away,
// the next before the previous, within [0, n).
func nearby(page, n int) []int {
	var out []int
	if page < n {
		out = append(out, page)
	}
	for d := 1; d <= NoteNearby; d++ {
		for _, p := range []int{page + d, page - d} {
			if p >= 0 && p < n {
				out = append(out, p)
			}
		}
	}
	return out
}

// contextScore is how many bytes of the folded context around [from, to)
// match the note's context.
func contextScore(text string, from, to int, before, after string) int {
	s := 0
	pre, post := strings.TrimRight(text[:from], " "), strings.TrimLeft(text[to:], " ")
	before, after = strings.TrimRight(before, " "), strings.TrimLeft(after, " ")
	for s < len(before) && s < len(pre) && before[len(before)-1-s] == pre[len(pre)-1-s] {
		s++
	}
	t := 0
	for t < len(after) && t < len(post) && after[t] == post[t] {
		t++
	}
	return s + t
}
