package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/papers"
)

// dragOn drags on the pages from one position in the view to another as
// the desktop driver does: the first event a few units past the press,
// positions relative to where the layer was when the drag started.
func dragOn(r *reader, from, to fyne.Position) {
	l := r.pv.sl.layer
	off := r.pv.scroll.Offset
	first := from.Add(off).Add(fyne.NewPos(3, 0))
	l.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: first}, Dragged: fyne.NewDelta(3, 0)})
	end := to.Add(off)
	l.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: end}, Dragged: fyne.NewDelta(end.X-first.X, end.Y-first.Y)})
	l.DragEnd()
}

// dragSelect drags from word a to word b on page p (each found with
// wordPos, in the middle of its second letter) and waits for the
// selection.
func dragSelect(t *testing.T, e *env, r *reader, p int, a, b string) *textSelection {
	t.Helper()
	dragOn(r, wordPos(t, r, p, a), wordPos(t, r, p, b))
	waitLong(t, e, "the selection", func() bool { return !r.pv.sl.sel.empty() && r.pv.sl.bar != nil && r.pv.sl.bar.Visible() })
	return r.pv.sl.sel
}

func TestReaderSelect_GivenADrag_ThenWholeWordsAreSelectedNotedAndHighlighted(t *testing.T) {
	e := newEnv(t, langVI, "")
	e.w.Resize(fyne.NewSize(1100, 700))
	p := secretaryProfile(t)
	id := fixturePapers(t, p)[paperReport]
	r := openNotesReader(t, e, p, id)
	r.src.CopyAllowed = true
	r.setMode(zoomFitWidth)
	e.l.drain()
	waitPages(t, e, r)

	// Pressed in "thủ", released in "hành": the whole words between.
	sel := dragSelect(t, e, r, 0, "thủ tục", "hành chính, nâng")
	if sel.anchor.Quote != "thủ tục hành" || sel.page != 0 || len(sel.anchor.Rects) != 1 {
		t.Fatalf("the selection is %q on page %d in %d rects, want «thủ tục hành» on page 1 in 1", sel.anchor.Quote, sel.page+1, len(sel.anchor.Rects))
	}
	for _, s := range []string{"Ghi chú", "Tô sáng", "Chép"} {
		if e.button(s) == nil {
			t.Errorf("the action bar has no %q", s)
		}
	}
	test.AssertImageMatches(t, "vi/reader_select.png", e.shot())

	// Ctrl+C copies the words (export is allowed).
	r.pv.TypedShortcut(&fyne.ShortcutCopy{Clipboard: e.u.app.Clipboard()})
	if got := e.u.app.Clipboard().Content(); got != "thủ tục hành" {
		t.Errorf("Ctrl+C copied %q", got)
	}

	// The right-click menu on the selection offers the same steps.
	r.pv.TappedSecondary(&fyne.PointEvent{Position: wordPos(t, r, 0, "tục hành")})
	menu := e.w.Canvas().Overlays().Top()
	if menu == nil {
		t.Fatal("a right-click on the selection shows no menu")
	}
	var labels []string
	for _, o := range test.LaidOutObjects(menu) {
		if tx, ok := o.(*canvas.Text); ok && tx.Text != "" {
			labels = append(labels, tx.Text)
		}
	}
	if strings.Join(labels, "|") != "Ghi chú|Tô sáng|Chép" {
		t.Errorf("the selection's menu: %q", labels)
	}
	e.w.Canvas().Overlays().Remove(menu)

	// "Tô sáng" saves the selection as a highlight.
	test.Tap(e.button("Tô sáng"))
	waitLong(t, e, "the highlight", func() bool { return len(r.nt.notes) == 1 })
	hl := r.nt.notes[0]
	if hl.Kind != papers.NoteHighlight || hl.Anchor.Quote != "thủ tục hành" || hl.Anchor.Page != 0 || len(hl.Anchor.Rects) != 1 {
		t.Fatalf("the highlight: %+v", hl)
	}
	if !r.pv.sl.sel.empty() || r.pv.sl.bar.Visible() {
		t.Error("the selection stays after its highlight")
	}

	// Across a line break, "Ghi chú" pins a written note to the words.
	sel = dragSelect(t, e, r, 0, "Chính phủ, Trưởng", "chủ trì")
	if !strings.HasPrefix(sel.anchor.Quote, "Chính phủ, Trưởng Ban") || !strings.HasSuffix(sel.anchor.Quote, "Phạm Minh\r\nChính chủ") || len(sel.anchor.Rects) != 2 {
		t.Fatalf("the two lines' selection is %q in %d rects", sel.anchor.Quote, len(sel.anchor.Rects))
	}
	quote := sel.anchor.Quote
	test.Tap(e.button("Ghi chú"))
	fillNoteDialog(t, e, "Ai chủ trì phiên sau?", "")
	waitLong(t, e, "the note", func() bool { return len(r.nt.notes) == 2 })
	mine, err := p.MyNotes(id)
	if err != nil {
		t.Fatal(err)
	}
	var note papers.Note
	for _, n := range mine.Notes {
		if n.Kind == papers.NoteText {
			note = n
		}
	}
	if note.Text != "Ai chủ trì phiên sau?" || note.Anchor.Quote != quote || note.Anchor.Before == "" || note.Anchor.Page != 0 {
		t.Fatalf("the note on the selection: %+v", note)
	}

	// Made from a selection, both are carried like any note: the same
	// text one page further on in a new version.
	pt, err := r.doc.PageText(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	carried := papers.Carry(mine.Notes, 2, []papers.PageText{nil, pt.Notes()})
	for _, n := range carried {
		if n.Unplaced || n.Anchor.Page != 1 || n.Version != 2 {
			t.Errorf("not carried to page 2 of the new version: %+v", n)
		}
	}

	// A press and release in the margin selects nothing; Escape drops a
	// selection.
	margin := wordPos(t, r, 0, "Chính phủ, Trưởng")
	margin.X = r.pv.pageLeft(0) - r.pv.scroll.Offset.X + 8
	dragOn(r, margin, margin.Add(fyne.NewPos(0, 4)))
	e.l.drain()
	if !r.pv.sl.sel.empty() {
		t.Fatalf("a drag in the margin selected %q", r.pv.sl.sel.anchor.Quote)
	}
	dragSelect(t, e, r, 0, "thủ tục", "thủ tục")
	typeKey(e, fyne.KeyEscape)
	if !r.pv.sl.sel.empty() {
		t.Error("Escape leaves the selection")
	}
}

func TestReaderSelect_Copy_FollowsTheExportRules(t *testing.T) {
	pdf := makeReaderPDF(t, readerPaper{pages: 1})
	for _, tc := range []struct {
		name               string
		allowed, confident bool
		want               string // the clipboard after Ctrl+C
	}{
		{"export allowed", true, false, "cắt giảm"},
		{"confidential: with the reader's name", true, true, "cắt giảm\n\n— Tài liệu mật; Nguyễn Văn An · 19/07/2023 chép"},
		{"export off: nothing copied", false, false, "trước"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, langVI, "")
			e.w.Resize(fyne.NewSize(1000, 700))
			src := ReaderSource{Title: "Báo cáo", Size: int64(len(pdf)), ReaderAt: bytes.NewReader(pdf), MediaType: "application/pdf",
				CopyAllowed: tc.allowed, Confidential: tc.confident, Viewer: "Nguyễn Văn An"}
			r := openTestReader(t, e, src, readerOptions{})
			e.u.app.Clipboard().SetContent("trước")
			dragSelect(t, e, r, 0, "cắt giảm", "giảm thủ")
			if e.button("Ghi chú") != nil || e.button("Chép") == nil {
				t.Error("without notes the bar should offer Copy only")
			}
			r.pv.TypedShortcut(&fyne.ShortcutCopy{Clipboard: e.u.app.Clipboard()})
			if got := e.u.app.Clipboard().Content(); got != tc.want {
				t.Errorf("the clipboard holds %q, want %q", got, tc.want)
			}
			if refused := e.hasText("không chép được nội dung"); refused == tc.allowed {
				t.Errorf("the refusal shown: %v, with export allowed: %v", refused, tc.allowed)
			}
		})
	}
}

func TestSelectWords(t *testing.T) {
	// "ab cd\nef": two lines of 10-point letters.
	ch := func(s string, x, y float64) papers.TextChar {
		return papers.TextChar{Text: s, Rect: papers.Rect{X0: x, Y0: y, X1: x + 10, Y1: y + 10}}
	}
	sp := papers.TextChar{Text: " "}
	br := papers.TextChar{Text: "\n"}
	text := papers.PageText{ch("a", 0, 0), ch("b", 10, 0), sp, ch("c", 30, 0), ch("d", 40, 0), br, ch("e", 0, 20), ch("f", 10, 20)}
	for _, tc := range []struct {
		name           string
		x0, y0, x1, y1 float64
		want           string
	}{
		{"inside one word", 2, 5, 4, 5, "ab"},
		{"from a word into the next", 12, 5, 32, 5, "ab cd"},
		{"backwards", 42, 5, 2, 5, "ab cd"},
		{"past the line's end to the next line", 32, 5, 12, 25, "cd\nef"},
		{"from above the text to below it", 5, -20, 5, 80, "ab cd\nef"},
		{"on the space between words", 24, 5, 26, 5, ""},
		{"in the margin", -30, 50, -30, 55, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			from, to := selectWords(text, tc.x0, tc.y0, tc.x1, tc.y1)
			got := ""
			if to > from {
				got = text[from:to].String()
			}
			if got != tc.want {
				t.Errorf("selectWords = %q (%d, %d), want %q", got, from, to, tc.want)
			}
		})
	}
}

func TestReaderSelect_GivenADragHeldAtTheBottom_ThenTheViewScrollsAndTheSelectionFollows(t *testing.T) {
	e := newEnv(t, langVI, "")
	e.w.Resize(fyne.NewSize(1000, 600))
	pdf := makeReaderPDF(t, readerPaper{pages: 3})
	r := openTestReader(t, e, ReaderSource{Title: "Báo cáo", Size: int64(len(pdf)), ReaderAt: bytes.NewReader(pdf), MediaType: "application/pdf"}, readerOptions{})
	v, s := r.pv, r.pv.sl
	start := wordPos(t, r, 0, "tướng")
	off := v.scroll.Offset
	first := start.Add(off).Add(fyne.NewPos(3, 0))
	s.layer.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: first}, Dragged: fyne.NewDelta(3, 0)})
	waitLong(t, e, "the page's text", func() bool { _, ok := s.texts[0]; return ok })
	// Held a few units above the view's bottom edge.
	bottom := fyne.NewPos(start.X, v.viewSize.Height-6).Add(off)
	s.layer.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: bottom}, Dragged: fyne.NewDelta(bottom.X-first.X, bottom.Y-first.Y)})
	if s.autoDir != 1 {
		t.Fatalf("held at the bottom edge, the auto-scroll is %v, want down", s.autoDir)
	}
	before, selBefore := v.scroll.Offset.Y, s.sel.to
	ptBefore := s.pointer()
	if !s.autoStep() {
		t.Fatal("the auto-scroll stopped at its first step")
	}
	moved := v.scroll.Offset.Y - before
	if moved <= 0 || abs32(s.pointer().Y-ptBefore.Y-moved) > 0.01 {
		t.Fatalf("the view moved %.1f and the pointer's place in the pages %.1f", moved, s.pointer().Y-ptBefore.Y)
	}
	if s.sel.empty() || s.sel.page != 0 || s.sel.to < selBefore {
		t.Fatalf("the selection did not follow: %+v", s.sel)
	}
	s.layer.DragEnd()
	if s.autoStep() {
		t.Fatal("the auto-scroll goes on after the drag ended")
	}
	if !strings.HasPrefix(s.sel.anchor.Quote, "tướng Chính phủ") || !s.bar.Visible() {
		t.Fatalf("after the drag: %q, bar shown %v", s.sel.anchor.Quote, s.bar.Visible())
	}
}
