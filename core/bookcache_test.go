package core_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/report"
)

// waitBook waits until the keeper's state of a meeting satisfies ok, and
// fails the test after a generous deadline (a hang, not a speed check).
func waitBook(t *testing.T, k *core.BookKeeper, id string, ok func(core.BookState) bool) core.BookState {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		st := k.State(id)
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("the book never got there: %+v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// storedBookText reads the kept book back through its decrypting reader
// and pdftotext (fed on stdin: the test writes no file either).
func storedBookText(t *testing.T, p *core.Profile, id string) (string, core.StoredBook) {
	t.Helper()
	rd, sb, err := p.OpenStoredBook(id)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	data, err := io.ReadAll(io.NewSectionReader(rd, 0, rd.Size()))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pdftotext", "-", "-")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(out), sb
}

func newKeeper(p *core.Profile) *core.BookKeeper {
	k := p.NewBookKeeper(core.BookKeeperOptions{Settle: 10 * time.Millisecond})
	k.Start()
	return k
}

// TestBookKeeper_MadeThenRebuiltWhenAPaperChanges: once the meeting's
// papers are here the book is made without being asked; a new version of
// a paper (what a sync applies, through the same path as a local replace)
// makes it again, with the new text; a recalled paper leaves it.
func TestBookKeeper_MadeThenRebuiltWhenAPaperChanges(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	m, it := meetingWithItem(t, p)
	pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf", Title: "Dự thảo Nghị định"}, bytes.NewReader(testPDF(t, 2, "ban-dau")))
	if err != nil {
		t.Fatal(err)
	}
	k := newKeeper(p)
	defer k.Stop()
	st := waitBook(t, k, m.ID, func(s core.BookState) bool { return s.Status == core.BookReady })
	if st.Papers != 1 || st.Stored == nil || st.Stored.Pages != 3+2 {
		t.Fatalf("state %+v, stored %+v: want one paper and 5 pages", st, st.Stored)
	}
	text, _ := storedBookText(t, p, m.ID)
	if !strings.Contains(text, paperSecret+" page 2 ban-dau") {
		t.Fatalf("the kept book lacks the paper:\n%.400s", text)
	}

	if _, err := p.ReplacePaper(pp.ID, "du-thao-2.pdf", bytes.NewReader(testPDF(t, 4, "ban-moi"))); err != nil {
		t.Fatal(err)
	}
	st = waitBook(t, k, m.ID, func(s core.BookState) bool {
		return s.Status == core.BookReady && s.Stored.Pages == 3+4
	})
	text, _ = storedBookText(t, p, m.ID)
	if !strings.Contains(text, paperSecret+" page 4 ban-moi") || strings.Contains(text, "ban-dau") {
		t.Fatalf("the book was not made again from the new version:\n%.400s", text)
	}

	if err := p.RecallPaper(pp.ID); err != nil {
		t.Fatal(err)
	}
	waitBook(t, k, m.ID, func(s core.BookState) bool { return s.Status == core.BookReady && s.Stored.Papers == 0 })
	if text, _ = storedBookText(t, p, m.ID); strings.Contains(text, paperSecret) {
		t.Error("the recalled paper is still in the book")
	}
}

// TestBookKeeper_NoPlaintextOnDisk: after the background build, no file
// in the profile's folder holds the papers' text or a PDF in the clear
// (the book is kept in the chunk store, encrypted).
func TestBookKeeper_NoPlaintextOnDisk(t *testing.T) {
	dir := t.TempDir()
	p, _ := newSecretary(t, dir)
	defer p.Close()
	m, it := meetingWithItem(t, p)
	if _, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf", Title: "Dự thảo Nghị định"}, bytes.NewReader(testPDF(t, 3, "mat"))); err != nil {
		t.Fatal(err)
	}
	k := newKeeper(p)
	waitBook(t, k, m.ID, func(s core.BookState) bool { return s.Status == core.BookReady })
	k.Stop()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, s := range []string{paperSecret, "%PDF-", "TẬP TÀI LIỆU", "Dự thảo Nghị định"} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q in the clear", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatal("no files in the profile")
	}
}

// TestBookKeeper_MissingAndExportRule: a paper not on this computer keeps
// the book from being made (and counts as missing); a paper whose export
// is off keeps the book from being saved, naming it.
func TestBookKeeper_MissingAndExportRule(t *testing.T) {
	t.Run("missing", func(t *testing.T) {
		dir := t.TempDir()
		p, _ := newSecretary(t, dir)
		defer p.Close()
		m, it := meetingWithItem(t, p)
		if _, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "a.pdf", Title: "Chưa tải về"}, bytes.NewReader(testPDF(t, 1, "y"))); err != nil {
			t.Fatal(err)
		}
		// The paper's chunks gone: as on a device whose download has not
		// finished.
		chunks, _ := filepath.Glob(filepath.Join(dir, "papers", "chunks", "*", "*"))
		for _, c := range chunks {
			os.Remove(c)
		}
		if len(chunks) == 0 {
			t.Fatal("no chunk files found")
		}
		k := newKeeper(p)
		defer k.Stop()
		st := k.State(m.ID)
		if st.Status != core.BookMissing || st.Missing != 1 || st.Papers != 1 {
			t.Fatalf("state %+v, want one paper missing", st)
		}
		k.Build(m.ID)
		time.Sleep(50 * time.Millisecond) // give a wrong build the chance to start
		if _, _, err := p.StoredBook(m.ID); err == nil {
			t.Error("a book was kept without its paper")
		}
	})

	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	m, it := meetingWithItem(t, p)
	pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf", Title: "Phụ lục mật", NoExport: true}, bytes.NewReader(testPDF(t, 1, "x")))
	if err != nil {
		t.Fatal(err)
	}
	k := newKeeper(p)
	defer k.Stop()
	waitBook(t, k, m.ID, func(s core.BookState) bool { return s.Status == core.BookReady })
	var out bytes.Buffer
	err = p.SaveStoredBook(m.ID, &out)
	var me *meetings.Error
	if !errors.As(err, &me) || me.Code != "err.report.book_export_refused" || me.Args["paper"] != "Phụ lục mật" {
		t.Fatalf("saving a book with an export-off paper: %v", err)
	}
	if out.Len() != 0 {
		t.Error("bytes were written although export is refused")
	}
	if err := p.SaveBook(t.Context(), m.ID, core.BookOptions{Lang: report.Vietnamese}, filepath.Join(t.TempDir(), "b.pdf")); core.ErrorKey(err) != "err.report.book_export_refused" {
		t.Errorf("SaveBook with an export-off paper: %v", err)
	}

	// Allowing export again allows the book.
	v, err := p.PaperView(pp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.EditPaper(pp.ID, core.PaperEdit{Title: v.Title, Marking: papers.MarkingConfidential, Distribution: v.Distribution}); err != nil {
		t.Fatal(err)
	}
	waitBook(t, k, m.ID, func(s core.BookState) bool { return s.Status == core.BookReady })
	out.Reset()
	if err := p.SaveStoredBook(m.ID, &out); err != nil || !bytes.HasPrefix(out.Bytes(), []byte("%PDF-")) {
		t.Fatalf("a confidential paper's book: %v (%d bytes)", err, out.Len())
	}
}
