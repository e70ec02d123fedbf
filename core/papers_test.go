package core_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// paperSecret is a string every test paper carries in clear in its file
// (uncompressed PDF), so that a test can look for it on disk.
const paperSecret = "DU-THAO-NGHI-DINH-MAT-7F3A"

// testPDF makes an uncompressed PDF of n pages carrying paperSecret and a
// line of its own per page.
func testPDF(t testing.TB, n int, salt string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 12)
	for i := range n {
		f.AddPage()
		f.Cell(40, 10, fmt.Sprintf("%s page %d %s", paperSecret, i+1, salt))
		for j := range 40 {
			f.Ln(5)
			f.Cell(40, 5, fmt.Sprintf("line %d.%d %s", i, j, strings.Repeat("x", 60)))
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func meetingWithItem(t testing.TB, p *core.Profile) (meetings.Meeting, meetings.AgendaItem) {
	t.Helper()
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ", Start: time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	return m, it
}

func TestAddPaper_StoresEncryptedAndReadsBack(t *testing.T) {
	dir := t.TempDir()
	p, ms := newSecretary(t, dir)
	defer p.Close()
	m, it := meetingWithItem(t, p)
	file := testPDF(t, 3, "v1")
	pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf", To: []string{ms[1].ID}}, bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	cur, _ := pp.CurrentVersion()
	if cur.MediaType != papers.MediaTypePDF || cur.Pages != 3 || cur.Size() != int64(len(file)) || pp.Title != "du-thao" {
		t.Fatalf("version %+v title %q", cur, pp.Title)
	}
	rec, err := p.PaperRecipients(pp.ID)
	if err != nil || len(rec) != 2 || !contains(rec, ms[1].ID) || !contains(rec, p.Self().ID) {
		t.Fatalf("recipients %v, %v: want the named member and the secretary", rec, err)
	}
	list, err := p.Papers(core.PaperFilter{MeetingID: m.ID})
	if err != nil || len(list) != 1 || !list[0].Offline || !list[0].Readable || list[0].Read != papers.ReadUnread {
		t.Fatalf("list %+v, %v", list, err)
	}
	r, ver, err := p.OpenPaper(pp.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	r.Close()
	if !bytes.Equal(got, file) || ver.Number != 1 {
		t.Fatal("the paper read back differs from the file")
	}
	if v, _ := p.PaperView(pp.ID); v.Read != papers.ReadCurrent {
		t.Fatalf("read state after opening = %s", v.Read)
	}
	// replacing shows the member an "updated" badge until they open it
	if _, err := p.ReplacePaper(pp.ID, "du-thao-2.pdf", bytes.NewReader(append(file[:len(file):len(file)], testPDF(t, 1, "v2")...))); err != nil {
		t.Fatal(err)
	}
	if v, _ := p.PaperView(pp.ID); v.Read != papers.ReadUpdated || len(v.Versions) != 2 {
		t.Fatalf("after a new version: %s, %d versions", v.Read, len(v.Versions))
	}
	assertNoPlaintext(t, dir)
	// reopened, the profile still reads it
	p.Close()
	p2, err := core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	r, _, err = p2.OpenPaper(pp.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = io.ReadAll(io.NewSectionReader(r, 0, r.Size()))
	r.Close()
	if !bytes.Equal(got, file) {
		t.Fatal("version 1 after reopening differs")
	}
	if err := p2.RecallPaper(pp.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := p2.OpenPaper(pp.ID, 0); !errors.Is(err, papers.ErrRecalled) {
		t.Fatalf("open recalled: %v", err)
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// assertNoPlaintext: paperSecret appears in no file under dir.
func assertNoPlaintext(t *testing.T, dirs ...string) {
	t.Helper()
	for _, dir := range dirs {
		filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err == nil && bytes.Contains(b, []byte(paperSecret)) {
				t.Errorf("plaintext of a paper found in %s", path)
			}
			return nil
		})
	}
}

func TestAddPaper_BadInput(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	m, it := meetingWithItem(t, p)
	pdf := testPDF(t, 1, "")
	p.SetPaperLimit(int64(len(pdf)) - 1)
	for _, tc := range []struct {
		name, file string
		data       []byte
		in         core.PaperInput
		code       string
	}{
		{"text named .pdf", "bao-cao.pdf", []byte("chỉ là văn bản thường, không phải PDF"), core.PaperInput{}, "err.paper.mislabelled"},
		{"pdf named .png", "anh.png", pdf, core.PaperInput{}, "err.paper.mislabelled"},
		{"empty", "a.pdf", nil, core.PaperInput{}, "err.paper.file_empty"},
		{"over the limit", "big.pdf", pdf, core.PaperInput{}, "err.paper.too_large"},
		{"no such item", "a.txt", []byte("hello"), core.PaperInput{ItemID: "nope"}, "err.not_found"},
		{"unknown member", "a.txt", []byte("hello"), core.PaperInput{To: []string{"ghost"}}, "err.paper.member_invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.MeetingID, in.FileName = m.ID, tc.file
			if in.ItemID == "" {
				in.ItemID = it.ID
			}
			_, err := p.AddPaper(in, bytes.NewReader(tc.data))
			if got := core.ErrorKey(err); got != tc.code {
				t.Fatalf("error %v (key %q), want %q", err, got, tc.code)
			}
		})
	}
	if list, _ := p.Papers(core.PaperFilter{}); len(list) != 0 {
		t.Fatalf("refused imports left %d papers", len(list))
	}
	bs, _ := p.Blobs()
	if n, _, _ := bs.Sweep(nil); n != 0 {
		t.Fatalf("refused imports left %d chunks behind", n)
	}
}

func TestBallotAnswer_RecordsPaperVersions(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua?", Deadline: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	pp, err := p.AddPaper(core.PaperInput{BallotID: b.ID, FileName: "to-trinh.txt"}, strings.NewReader("Tờ trình phiên bản một"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReplacePaper(pp.ID, "to-trinh.txt", strings.NewReader("Tờ trình phiên bản hai")); err != nil {
		t.Fatal(err)
	}
	a, err := p.RecordAnswerFor(b.ID, ms[1].ID, ballots.ChoiceAgree, "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Papers[pp.ID] != 2 {
		t.Fatalf("answer names paper versions %v, want version 2 of %s", a.Papers, pp.ID)
	}
}
