package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
)

// openNotesReader opens a paper's current version in the reader with the
// profile's notes, and waits until the notes are listed.
func openNotesReader(t *testing.T, e *env, p *core.Profile, id string) *reader {
	t.Helper()
	pp, err := p.Paper(id)
	if err != nil {
		t.Fatal(err)
	}
	rd, ver, err := p.OpenPaper(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	src := ReaderSource{Title: pp.Title, Size: rd.Size(), ReaderAt: rd, MediaType: ver.MediaType,
		PaperID: id, Version: ver.Number, Notes: p}
	r := openTestReader(t, e, src, readerOptions{})
	waitLong(t, e, "the notes to load", func() bool { return r.nt != nil && r.nt.info.Text != "" })
	return r
}

// wordPos is where, in the pages' view, the middle of word is drawn on
// page p (read with PDFium, as the reader reads it).
func wordPos(t *testing.T, r *reader, p int, word string) fyne.Position {
	t.Helper()
	pt, err := r.doc.PageText(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	s := pt.String()
	i := strings.Index(s, word)
	if i < 0 {
		t.Fatalf("%q not on page %d", word, p+1)
	}
	c := pt.Chars[len([]rune(s[:i]))+1].Rect
	x, y := (c.X0+c.X1)/2, (c.Y0+c.Y1)/2
	v := r.pv
	cw := max(v.contentW, v.viewSize.Width)
	left := (cw - v.sizes[p].Width) / 2
	pos := fyne.NewPos(left+float32(x)*r.scale-v.scroll.Offset.X, v.tops[p]+float32(y)*r.scale-v.scroll.Offset.Y)
	if gp, gx, gy, ok := v.pointAt(pos); !ok || gp != p || abs32(float32(gx-x)) > 0.5 || abs32(float32(gy-y)) > 0.5 {
		t.Fatalf("pointAt(%v) = page %d (%.1f, %.1f) %v, want page %d (%.1f, %.1f)", pos, gp, gx, gy, ok, p, x, y)
	}
	return pos
}

// fillNoteDialog waits for the note dialog, writes text, picks the choice
// starting with how (when given) and saves.
func fillNoteDialog(t *testing.T, e *env, text, how string) {
	t.Helper()
	var entry *widget.Entry
	waitLong(t, e, "the note dialog", func() bool {
		o := e.find(func(o fyne.CanvasObject) bool { en, ok := o.(*widget.Entry); return ok && en.MultiLine })
		if o != nil {
			entry = o.(*widget.Entry)
		}
		return entry != nil
	})
	entry.SetText(text)
	if how != "" {
		rg := e.find(func(o fyne.CanvasObject) bool { _, ok := o.(*widget.RadioGroup); return ok }).(*widget.RadioGroup)
		found := false
		for _, opt := range rg.Options {
			if strings.HasPrefix(opt, how) {
				rg.SetSelected(opt)
				found = true
			}
		}
		if !found {
			t.Fatalf("no choice %q in %q", how, rg.Options)
		}
	}
	test.Tap(e.button("Lưu"))
}

func notesTab(t *testing.T, e *env) {
	t.Helper()
	tabs := e.find(func(o fyne.CanvasObject) bool { _, ok := o.(*container.AppTabs); return ok }).(*container.AppTabs)
	tabs.SelectIndex(2)
	e.l.drain()
}

func TestReaderNotes_AddOnAWordPinEditDeleteAndGolden(t *testing.T) {
	e := newEnv(t, langVI, "")
	e.w.Resize(fyne.NewSize(1100, 700))
	p := secretaryProfile(t)
	id := fixturePapers(t, p)[paperReport]
	r := openNotesReader(t, e, p, id)
	r.setMode(zoomFitWidth)
	e.l.drain()

	// A right-click on "Đánh" highlights it.
	r.pv.TappedSecondary(&fyne.PointEvent{Position: wordPos(t, r, 0, "Đánh")})
	fillNoteDialog(t, e, "Xin số liệu của Bộ Nội vụ", "Tô sáng “")
	waitLong(t, e, "the highlight", func() bool { return len(r.nt.notes) == 1 })
	hl := r.nt.notes[0]
	if hl.Kind != papers.NoteHighlight || hl.Anchor.Quote != "Đánh" || hl.Anchor.Page != 0 || len(hl.Anchor.Rects) != 1 {
		t.Fatalf("the highlight: %+v", hl)
	}
	// With the note tool, a click in the margin pins a note there.
	r.nt.setTool(true)
	margin := wordPos(t, r, 0, "Đánh")
	margin.X = (max(r.pv.contentW, r.pv.viewSize.Width)-r.pv.sizes[0].Width)/2 - r.pv.scroll.Offset.X + 12 // the page's left margin
	r.pv.Tapped(&fyne.PointEvent{Position: margin})
	fillNoteDialog(t, e, "Hỏi lại lộ trình cải cách", "")
	waitLong(t, e, "the pinned note", func() bool { return len(r.nt.notes) == 2 })
	r.nt.setTool(false)
	mine, err := p.MyNotes(id)
	if err != nil || len(mine.Notes) != 2 {
		t.Fatalf("the profile holds %+v, %v", mine, err)
	}
	var pinned papers.Note
	for _, n := range mine.Notes {
		if n.Kind == papers.NoteText {
			pinned = n
		}
	}
	if pinned.Anchor.Quote != "" || pinned.Text != "Hỏi lại lộ trình cải cách" || pinned.Anchor.Page != 0 {
		t.Fatalf("the pinned note: %+v", pinned)
	}
	// A right-click on the body's first line offers to highlight the line.
	r.pv.TappedSecondary(&fyne.PointEvent{Position: wordPos(t, r, 0, "tướng")})
	fillNoteDialog(t, e, "", "Tô sáng cả dòng")
	waitLong(t, e, "the line's highlight", func() bool { return len(r.nt.notes) == 3 })
	var line papers.Note
	for _, n := range r.nt.notes {
		if strings.HasPrefix(n.Anchor.Quote, "Thủ tướng Chính phủ") {
			line = n
		}
	}
	if line.Kind != papers.NoteHighlight || len(line.Anchor.Rects) != 1 || !strings.HasSuffix(line.Anchor.Quote, "Phạm Minh") {
		t.Fatalf("the line's highlight: %+v", line)
	}
	if err := p.DeleteNote(line.ID); err != nil {
		t.Fatal(err)
	}
	r.nt.load(false)
	waitLong(t, e, "the line's highlight to go", func() bool { return len(r.nt.notes) == 2 })

	// Both are drawn on page 1.
	if rects, _ := r.nt.marks(0); len(rects) != 2 {
		t.Fatalf("page 1 draws %d note marks, want 2", len(rects))
	}

	notesTab(t, e)
	r.nt.list.Select(0)
	e.l.drain()
	waitPages(t, e, r)
	for _, s := range []string{"2 ghi chú riêng", "tr. 1 · Xin số liệu của Bộ Nội vụ", "tr. 1 · Hỏi lại lộ trình cải cách"} {
		if !e.hasText(s) {
			t.Errorf("the notes panel does not say %q", s)
		}
	}
	test.AssertImageMatches(t, "vi/reader_notes.png", e.shot())

	// Edit the selected one.
	test.Tap(e.button("Sửa"))
	var entry *widget.Entry
	waitLong(t, e, "the edit dialog", func() bool {
		if o := e.find(func(o fyne.CanvasObject) bool { en, ok := o.(*widget.Entry); return ok && en.MultiLine }); o != nil {
			entry = o.(*widget.Entry)
		}
		return entry != nil
	})
	entry.SetText("Xin số liệu quý III")
	test.Tap(e.button("Lưu"))
	waitLong(t, e, "the edit", func() bool { return e.hasText("tr. 1 · Xin số liệu quý III") })

	// Delete it, after a confirmation.
	sel := r.nt.sel
	test.Tap(e.button("Xóa"))
	var yes *widget.Button
	waitLong(t, e, "the confirmation", func() bool {
		if o := e.find(func(o fyne.CanvasObject) bool {
			b, ok := o.(*widget.Button)
			return ok && b.Importance == widget.HighImportance
		}); o != nil {
			yes = o.(*widget.Button)
		}
		return yes != nil
	})
	if len(r.nt.notes) != 2 {
		t.Fatal("deleted before the confirmation")
	}
	test.Tap(yes)
	waitLong(t, e, "the deletion", func() bool { return len(r.nt.notes) == 1 })
	if r.nt.notes[0].ID == sel {
		t.Fatal("the other note was deleted")
	}

	// The export, by page.
	md := notesMarkdown("Báo cáo", r.nt.notes)
	for _, s := range []string{"# Ghi chú riêng: Báo cáo", "## Trang 1", "Hỏi lại lộ trình cải cách"} {
		if !strings.Contains(md, s) {
			t.Errorf("the export lacks %q:\n%s", s, md)
		}
	}
}

func TestReaderNotes_GivenANewVersion_ThenNotesAreCarriedOrListedAsNotPlaced(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	id := fixturePapers(t, p)[paperLand] // version 2 of 2
	at := time.Date(2023, 7, 1, 9, 0, 0, 0, time.UTC)
	for _, n := range []papers.Note{
		{PaperID: id, Version: 1, Kind: papers.NoteHighlight, Created: at, Anchor: papers.Anchor{Page: 0, Quote: "Đánh giá", Rects: []papers.Rect{{X0: 100, Y0: 60, X1: 160, Y1: 75}}}},
		{PaperID: id, Version: 1, Kind: papers.NoteText, Text: "Điều này đã bị bỏ?", Created: at, Anchor: papers.Anchor{Page: 0, Quote: "không có trong bản mới"}},
	} {
		if _, err := p.PutNote(n); err != nil {
			t.Fatal(err)
		}
	}
	r := openNotesReader(t, e, p, id)
	waitLong(t, e, "the notes to be carried", func() bool { return strings.Contains(r.nt.info.Text, "Không đặt được") })
	if len(r.nt.notes) != 2 || r.nt.notes[0].Unplaced || !r.nt.notes[1].Unplaced || r.nt.notes[1].Anchor.Page != 0 {
		t.Fatalf("after carrying: %+v", r.nt.notes)
	}
	if r.nt.notes[0].Version != 2 || r.nt.notes[0].Anchor.Quote != "Đánh giá" {
		t.Fatalf("the placed note: %+v", r.nt.notes[0])
	}
	notesTab(t, e)
	if !e.hasText("⚠ tr. 1 · Điều này đã bị bỏ?") {
		t.Error("the unplaced note is not listed with its original page")
	}
	if md := notesMarkdown("Luật", r.nt.notes); !strings.Contains(md, "## Không đặt được vào phiên bản mới") {
		t.Errorf("the export has no section for the unplaced:\n%s", md)
	}
}

func TestReaderNotes_EnglishGolden(t *testing.T) {
	e := newEnv(t, langEN, "")
	e.w.Resize(fyne.NewSize(1100, 700))
	p := secretaryProfile(t)
	id := fixturePapers(t, p)[paperReport]
	r := openNotesReader(t, e, p, id)
	pt, err := r.doc.PageText(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	s := []rune(pt.String())
	i := strings.Index(string(s), "cải cách")
	from := len([]rune(string(s)[:i]))
	a, ok := papers.AnchorText(0, pt.Notes(), from, from+len([]rune("cải cách")))
	if !ok {
		t.Fatal("no anchor")
	}
	if _, err := p.PutNote(papers.Note{PaperID: id, Version: 1, Kind: papers.NoteHighlight, Text: "Ask for the figures", Anchor: a}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.PutNote(papers.Note{PaperID: id, Version: 1, Kind: papers.NoteText, Text: "Raise at the session", Anchor: papers.Anchor{Page: 0, X: 300, Y: 200}}); err != nil {
		t.Fatal(err)
	}
	r.nt.load(false)
	waitLong(t, e, "the notes", func() bool { return len(r.nt.notes) == 2 })
	notesTab(t, e)
	waitPages(t, e, r)
	for _, s := range []string{"Private notes: 2", "p. 1 · Ask for the figures", "Export"} {
		if !e.hasText(s) && e.button(s) == nil {
			t.Errorf("the English panel does not say %q", s)
		}
	}
	test.AssertImageMatches(t, "en/reader_notes.png", e.shot())
}
