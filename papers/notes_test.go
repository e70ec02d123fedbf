package papers_test

import (
	"crypto/ed25519"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// page lays text out as a page: one line per "\n"-separated line, each
// character 6 points wide and 12 high, lines 20 points apart, starting at
// (72, 72), with empty rectangles for the spaces and line breaks, as
// PDFium reports them.
func page(text string) papers.PageText {
	var out papers.PageText
	for l, line := range strings.Split(text, "\n") {
		if l > 0 {
			out = append(out, papers.TextChar{Text: "\n"})
		}
		x, y := 72.0, 72.0+20*float64(l)
		for _, r := range line {
			c := papers.TextChar{Text: string(r)}
			if r != ' ' {
				c.Rect = papers.Rect{X0: x, Y0: y, X1: x + 6, Y1: y + 12}
			}
			out = append(out, c)
			x += 6
		}
	}
	return out
}

// noteOn makes a note of the given kind on the first occurrence of quote
// on page p of pages.
func noteOn(t testing.TB, id string, kind papers.NoteKind, pages []papers.PageText, p int, quote string) papers.Note {
	t.Helper()
	s := pages[p].String()
	i := strings.Index(s, quote)
	if i < 0 {
		t.Fatalf("%q not on page %d", quote, p)
	}
	from := len([]rune(s[:i]))
	a, ok := papers.AnchorText(p, pages[p], from, from+len([]rune(quote)))
	if !ok {
		t.Fatal("empty anchor")
	}
	n := papers.Note{ID: id, PaperID: "p1", Version: 1, Kind: kind, Anchor: a, Created: t0}
	if kind == papers.NoteText {
		n.Text = "xem lại " + id
	}
	return n
}

func TestAnchorText_GivenASelectionOverTwoLines_ThenOneRectPerLineAndItsContext(t *testing.T) {
	pg := page("Điều 1. Phạm vi điều chỉnh\nLuật này quy định về đất đai")
	s := []rune(pg.String())
	from := strings.Index(string(s), "điều chỉnh")
	from = len([]rune(string(s)[:from]))
	to := len(s) - len([]rune(" quy định về đất đai"))
	a, ok := papers.AnchorText(3, pg, from, to)
	if !ok {
		t.Fatal("no anchor")
	}
	if a.Page != 3 || a.Quote != "điều chỉnh\nLuật này" {
		t.Fatalf("anchor %+v", a)
	}
	if len(a.Rects) != 2 || a.Rects[0].Y0 != 72 || a.Rects[1].Y0 != 92 {
		t.Fatalf("rects %+v, want one per line", a.Rects)
	}
	if a.Before != "Điều 1. Phạm vi " || a.After != " quy định về đất đai" {
		t.Fatalf("context %q / %q", a.Before, a.After)
	}
	if a.X != a.Rects[0].X0 || a.Y != a.Rects[0].Y0 {
		t.Fatalf("point %v,%v is not the selection's corner", a.X, a.Y)
	}
	if _, ok := papers.AnchorText(0, pg, 5, 5); ok {
		t.Fatal("an empty selection made an anchor")
	}
}

func TestCarry(t *testing.T) {
	v1 := []papers.PageText{
		page("Tờ trình dự án Luật Đất đai (sửa đổi)"),
		page("Điều 5. Nguyên tắc sử dụng đất\nĐúng mục đích sử dụng đất."),
		page("Điều 9. Phân loại đất"),
	}
	// Version 2: a paragraph added on page 0 pushes article 5 to page 2;
	// article 9 is gone.
	v2 := []papers.PageText{
		page("Tờ trình dự án Luật Đất đai (sửa đổi)"),
		page("Bổ sung: ý kiến của các bộ, ngành"),
		page("Dieu 5. Nguyen tac su dung dat\nĐúng mục đích sử dụng đất."),
	}
	pinned := papers.Note{ID: "pin", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "hỏi Bộ TN&MT",
		Anchor: papers.Anchor{Page: 2, X: 300, Y: 400}, Created: t0}
	lost := papers.Note{ID: "pin-lost", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "trang cuối",
		Anchor: papers.Anchor{Page: 5, X: 10, Y: 10}, Created: t0}
	for _, tc := range []struct {
		name       string
		note       papers.Note
		wantPage   int
		wantPlaced bool
		wantY      float64
	}{
		{"the same text on the same page stays", noteOn(t, "title", papers.NoteHighlight, v1, 0, "Luật Đất đai"), 0, true, 72},
		{"text moved to the next page follows it (without its diacritics too)", noteOn(t, "art5", papers.NoteHighlight, v1, 1, "Nguyên tắc sử dụng"), 2, true, 72},
		{"a text note keeps its place beside its text", func() papers.Note {
			n := noteOn(t, "art5-line2", papers.NoteText, v1, 1, "mục đích")
			n.Anchor.X, n.Anchor.Y = n.Anchor.X+100, n.Anchor.Y+5
			return n
		}(), 2, true, 97},
		{"text that is gone is not placed and keeps its page", noteOn(t, "art9", papers.NoteHighlight, v1, 2, "Phân loại"), 2, false, 72},
		{"a pinned note stays on a page that still exists", pinned, 2, true, 400},
		{"a pinned note on a page that is gone is not placed", lost, 5, false, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := papers.Carry([]papers.Note{tc.note}, 2, v2)
			if len(got) != 1 {
				t.Fatalf("got %d notes, want 1 (never dropped)", len(got))
			}
			n := got[0]
			if n.Version != 2 || n.Anchor.Page != tc.wantPage || n.Unplaced == tc.wantPlaced || n.Anchor.Y != tc.wantY {
				t.Fatalf("got version %d page %d unplaced %v y %v, want page %d placed %v y %v",
					n.Version, n.Anchor.Page, n.Unplaced, n.Anchor.Y, tc.wantPage, tc.wantPlaced, tc.wantY)
			}
			if n.Text != tc.note.Text || n.ID != tc.note.ID {
				t.Fatal("carrying changed the note's text")
			}
			if err := n.Validate(); err != nil {
				t.Fatalf("carried note invalid: %v", err)
			}
		})
	}
}

func TestCarry_GivenTheQuoteTwiceOnAPage_ThenTheContextPicksTheOccurrence(t *testing.T) {
	v1 := []papers.PageText{page("đất nông nghiệp\nđất phi nông nghiệp")}
	n := noteOn(t, "x", papers.NoteHighlight, v1, 0, "nông nghiệp")
	// Pick the second occurrence ("phi nông nghiệp").
	s := []rune(v1[0].String())
	from := len(s) - len([]rune("nông nghiệp"))
	n.Anchor, _ = papers.AnchorText(0, v1[0], from, len(s))
	v2 := []papers.PageText{page("Chương II\nđất nông nghiệp\nđất phi nông nghiệp")}
	got := papers.Carry([]papers.Note{n}, 2, v2)[0]
	if got.Unplaced || got.Anchor.Rects[0].Y0 != 112 {
		t.Fatalf("carried to %+v, want the third line (y 112)", got.Anchor)
	}
}

func TestCarry_GivenTheQuoteOnBothNeighbours_ThenTheNextPageComesFirst(t *testing.T) {
	v1 := []papers.PageText{page("a"), page("kết luận của Thủ tướng"), page("b")}
	n := noteOn(t, "x", papers.NoteHighlight, v1, 1, "kết luận")
	v2 := []papers.PageText{page("kết luận"), page("khác"), page("kết luận")}
	if got := papers.Carry([]papers.Note{n}, 2, v2)[0]; got.Unplaced || got.Anchor.Page != 2 {
		t.Fatalf("carried to page %d (unplaced %v), want 2", got.Anchor.Page, got.Unplaced)
	}
	far := []papers.PageText{page("x"), page("y"), page("z"), page("t"), page("kết luận")}
	if got := papers.Carry([]papers.Note{n}, 2, far)[0]; !got.Unplaced || got.Anchor.Page != 1 {
		t.Fatalf("a match three pages away was taken: %+v", got)
	}
}

func TestCarry_GivenANoteAlreadyOnTheVersion_ThenItIsUnchanged(t *testing.T) {
	n := papers.Note{ID: "a", PaperID: "p1", Version: 3, Kind: papers.NoteText, Text: "x", Anchor: papers.Anchor{Page: 9}, Created: t0}
	if got := papers.Carry([]papers.Note{n}, 2, nil); !reflect.DeepEqual(got[0], n) {
		t.Fatalf("got %+v", got[0])
	}
}

func TestNoteValidate(t *testing.T) {
	ok := papers.Note{ID: "n1", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "ghi chú", Created: t0}
	hl := ok
	hl.Kind, hl.Text, hl.Anchor.Quote = papers.NoteHighlight, "", "đất đai"
	for _, tc := range []struct {
		name string
		edit func(n *papers.Note)
		code string
	}{
		{"valid", func(*papers.Note) {}, ""},
		{"no id", func(n *papers.Note) { n.ID = " " }, "err.note.id_required"},
		{"no paper", func(n *papers.Note) { n.PaperID = "" }, "err.note.paper_required"},
		{"version 0", func(n *papers.Note) { n.Version = 0 }, "err.note.version_invalid"},
		{"unknown kind", func(n *papers.Note) { n.Kind = "sticker" }, "err.note.kind_invalid"},
		{"empty text", func(n *papers.Note) { n.Text = "  " }, "err.note.text_required"},
		{"text too long", func(n *papers.Note) { n.Text = strings.Repeat("đ", papers.MaxNoteText+1) }, "err.note.text_too_long"},
		{"highlight without quote", func(n *papers.Note) { n.Kind = papers.NoteHighlight }, "err.note.quote_required"},
		{"quote too long", func(n *papers.Note) { n.Anchor.Quote = strings.Repeat("a", papers.MaxNoteQuote+1) }, "err.note.quote_too_long"},
		{"no time", func(n *papers.Note) { n.Created = time.Time{} }, "err.note.created_required"},
		{"edited before made", func(n *papers.Note) { n.Edited = t0.Add(-time.Hour) }, "err.note.edited_invalid"},
		{"negative page", func(n *papers.Note) { n.Anchor.Page = -1 }, "err.note.anchor_invalid"},
		{"point off the page", func(n *papers.Note) { n.Anchor.X = -3 }, "err.note.anchor_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := ok
			tc.edit(&n)
			err := n.Validate()
			if tc.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var e *meetings.Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("got %v, want %s", err, tc.code)
			}
		})
	}
	if err := hl.Validate(); err != nil {
		t.Fatalf("a highlight without a comment: %v", err)
	}
}

func TestSealNote_GivenTheAuthorsKey_ThenOnlyThatKeyOpensItAndOnlyAsThatNote(t *testing.T) {
	k, _ := papers.NewNoteKey()
	other, _ := papers.NewNoteKey()
	n := papers.Note{ID: "n1", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "Bí mật: đề xuất hoãn", Created: t0}
	sealed, err := papers.SealNote(k, "minister", n)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sealed), "hoãn") || strings.Contains(string(sealed), "p1") {
		t.Fatal("the sealed note shows its text or paper")
	}
	got, err := papers.OpenNote(k, "minister", "n1", sealed)
	if err != nil || !reflect.DeepEqual(got, n) {
		t.Fatalf("opened %+v, %v", got, err)
	}
	for _, tc := range []struct {
		name, author, id string
		key              papers.NoteKey
		bytes            []byte
	}{
		{"another key", "minister", "n1", other, sealed},
		{"another author", "pm", "n1", k, sealed},
		{"another note's ID", "minister", "n2", k, sealed},
		{"altered", "minister", "n1", k, append(append([]byte{}, sealed[:len(sealed)-1]...), sealed[len(sealed)-1]^1)},
		{"short", "minister", "n1", k, sealed[:10]},
	} {
		if _, err := papers.OpenNote(tc.key, tc.author, tc.id, tc.bytes); !errors.Is(err, papers.ErrNoteOpen) {
			t.Errorf("%s: got %v, want ErrNoteOpen", tc.name, err)
		}
	}
}

func TestWrapNoteKey_GivenADevice_ThenOnlyItOpensItAndNotAsAPaperKey(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	_, otherPriv, _ := ed25519.GenerateKey(nil)
	k, _ := papers.NewNoteKey()
	w, err := papers.WrapNoteKey(k, "minister", "dev1", pub)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := papers.UnwrapNoteKey(w, "minister", priv.Seed()); err != nil || got != k {
		t.Fatalf("unwrap: %v", err)
	}
	if _, err := papers.UnwrapNoteKey(w, "minister", otherPriv.Seed()); !errors.Is(err, papers.ErrUnwrap) {
		t.Fatalf("another device opened it: %v", err)
	}
	if _, err := papers.UnwrapNoteKey(w, "pm", priv.Seed()); !errors.Is(err, papers.ErrUnwrap) {
		t.Fatalf("opened as another member's key: %v", err)
	}
	if _, err := w.Unwrap("minister", priv.Seed()); !errors.Is(err, papers.ErrUnwrap) {
		t.Fatalf("a note key's wrap opened as a paper's: %v", err)
	}
	if k.ID() == "" || k.ID() == (papers.NoteKey{}).ID() || strings.Contains(k.String(), "0") {
		t.Fatal("key ID or String wrong")
	}
}

func TestNoteExcerpt(t *testing.T) {
	n := papers.Note{Text: "  một   hai\nba bốn năm "}
	if got := n.Excerpt(8); got != "một hai …" {
		t.Fatalf("got %q", got)
	}
	n = papers.Note{Anchor: papers.Anchor{Quote: "đất đai"}}
	if got := n.Excerpt(40); got != "đất đai" {
		t.Fatalf("a highlight's excerpt is %q, want its quote", got)
	}
}
