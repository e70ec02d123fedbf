package core_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

func TestNotes_PutEditDeleteAndRefusals(t *testing.T) {
	dir := t.TempDir()
	p, _ := newSecretary(t, dir)
	m, it := meetingWithItem(t, p)
	pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf"}, bytes.NewReader(testPDF(t, 2, "notes")))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Ý kiến riêng: đề nghị hoãn thông qua"
	n, err := p.PutNote(papers.Note{PaperID: pp.ID, Version: 1, Kind: papers.NoteText, Text: secret, Anchor: papers.Anchor{Page: 1, X: 10, Y: 20}})
	if err != nil {
		t.Fatal(err)
	}
	if n.ID == "" || n.Created.IsZero() || !n.Edited.IsZero() {
		t.Fatalf("a new note: %+v", n)
	}
	n.Text = secret + " (sửa)"
	if _, err := p.PutNote(n); err != nil {
		t.Fatal(err)
	}
	got, err := p.MyNotes(pp.ID)
	if err != nil || len(got.Notes) != 1 || got.Notes[0].Text != n.Text || got.Notes[0].Edited.IsZero() {
		t.Fatalf("after the edit: %+v, %v", got, err)
	}
	if other, _ := p.MyNotes("another-paper"); len(other.Notes) != 0 {
		t.Fatal("notes listed for another paper")
	}
	for _, tc := range []struct {
		name string
		note papers.Note
		code string
	}{
		{"no text", papers.Note{PaperID: pp.ID, Version: 1, Kind: papers.NoteText}, "err.note.text_required"},
		{"highlight of nothing", papers.Note{PaperID: pp.ID, Version: 1, Kind: papers.NoteHighlight}, "err.note.quote_required"},
		{"no paper", papers.Note{Version: 1, Kind: papers.NoteText, Text: "x"}, "err.note.paper_required"},
	} {
		var e *meetings.Error
		if _, err := p.PutNote(tc.note); !errors.As(err, &e) || e.Code != tc.code {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
		}
	}
	if _, err := p.PutNote(papers.Note{PaperID: "no-such-paper", Version: 1, Kind: papers.NoteText, Text: "x"}); err == nil {
		t.Error("a note on a paper this member does not hold was saved")
	}

	if err := p.DeleteNote(n.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.MyNotes(""); len(got.Notes) != 0 {
		t.Fatalf("after the delete: %+v", got)
	}
	if err := p.DeleteNote(n.ID); !errors.Is(err, core.ErrNoteNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
	// An edit made elsewhere before the delete cannot bring it back.
	if _, err := p.PutNote(n); !errors.Is(err, core.ErrNoteDeleted) {
		t.Fatalf("a put after the delete: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for path, b := range profileBytes(t, dir) {
		if bytes.Contains(b, []byte("đề nghị hoãn")) {
			t.Errorf("the note's text in clear in %s", path)
		}
	}
}
