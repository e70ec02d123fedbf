package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/pdfrender"
	"github.com/ecabinet/ecabinet/report"
)

// memPapers is an in-memory BookPapers: papers by member, then by agenda
// item, as the paper store will answer.
type memPapers map[string]map[string][]report.BookPaper

func (m memPapers) BookPapers(_, member string) (map[string][]report.BookPaper, error) {
	return m[member], nil
}

// bookPaper is a generated paper of n pages that says its name on each.
func bookPaper(t *testing.T, name string, n int) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("Noto", "", assets.NotoSansRegular)
	pdf.SetFont("Noto", "", 12)
	for i := 1; i <= n; i++ {
		pdf.AddPage()
		pdf.Cell(0, 10, fmt.Sprintf("%s, trang %d", name, i))
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// damaged breaks every cross-reference offset: pdfcpu gives up, PDFium
// rebuilds the table.
func damaged(b []byte) []byte {
	i := bytes.LastIndex(b, []byte("\nxref"))
	tail := regexp.MustCompile(`(?m)^\d{10} 00000 n`).ReplaceAll(b[i:], []byte("0000000007 00000 n"))
	return append(append([]byte{}, b[:i]...), tail...)
}

func asPaper(title string, b []byte) report.BookPaper {
	return report.BookPaper{Title: title, MediaType: "application/pdf", Data: bytes.NewReader(b), Size: int64(len(b))}
}

// TestSaveBook_ForTheProfilesMember: the book holds the papers the source
// gives for the profile's member (not another member's), in agenda order,
// numbered, with the member's name on every page; a damaged paper is
// repaired through PDFium; without repair it is named in a translated
// error and nothing is written.
func TestSaveBook_ForTheProfilesMember(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	start := time.Date(2023, 7, 19, 1, 0, 0, 0, time.UTC)
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: start, Place: "Trụ sở Chính phủ"})
	if err != nil {
		t.Fatal(err)
	}
	open, _ := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Phát biểu khai mạc", Minutes: 10})
	rep, _ := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Báo cáo cải cách hành chính 6 tháng", Minutes: 25})
	self := p.Self()
	papers := memPapers{
		self.ID: {
			rep.ID:  {asPaper("Báo cáo số 3412/BC-BNV", bookPaper(t, "Báo cáo 3412", 3)), asPaper("Phụ lục hỏng", damaged(bookPaper(t, "Phụ lục", 2)))},
			open.ID: {asPaper("Diễn văn khai mạc", bookPaper(t, "Diễn văn", 1))},
		},
		"someone-else": {rep.ID: {asPaper("Tài liệu mật của người khác", bookPaper(t, "Không được thấy", 1))}},
	}
	dir := t.TempDir()
	path := filepath.Join(dir, p.ReportFileName(report.KindBook, m.ID, report.Vietnamese))
	if got := filepath.Base(path); got != "tap-tai-lieu-hop-phien-hop-thu-nam-2023-07-19.pdf" {
		t.Errorf("file name %q", got)
	}

	// Without repair the damaged paper stops the book, by name, and an
	// existing book is left as it was.
	os.WriteFile(path, []byte("the old book"), 0o644)
	err = p.SaveBook(context.Background(), m.ID, core.BookOptions{Lang: report.Vietnamese, Papers: papers}, path)
	var me *meetings.Error
	if core.ErrorKey(err) != "err.report.book_unreadable" || !errors.As(err, &me) || me.Args["paper"] != "Phụ lục hỏng" {
		t.Fatalf("err = %v (key %q), want the damaged paper named", err, core.ErrorKey(err))
	}
	if b, _ := os.ReadFile(path); string(b) != "the old book" {
		t.Errorf("the existing book became %d bytes", len(b))
	}

	var last report.BookProgress
	opt := core.BookOptions{Lang: report.Vietnamese, Papers: papers, Progress: func(bp report.BookProgress) { last = bp },
		Repair: pdfrender.Repair(pdfrender.Options{CacheDir: filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache"), Instances: 1})}
	if err := p.SaveBook(context.Background(), m.ID, opt, path); err != nil {
		t.Fatal(err)
	}
	if last != (report.BookProgress{Stage: report.StageWrite, Done: 9, Total: 9}) {
		t.Errorf("last progress %+v, want 9/9 written (3 front + 1 + 3 + 2)", last)
	}
	text := reportText(t, path)
	for _, w := range []string{"TẬP TÀI LIỆU HỌP", "Nguyễn Thư Ký", "Diễn văn, trang 1", "Báo cáo 3412, trang 3", "Phụ lục, trang 2",
		"Tài liệu họp của Nguyễn Thư Ký", "Trang 9/9"} {
		if !strings.Contains(text, w) {
			t.Errorf("the book lacks %q", w)
		}
	}
	if strings.Contains(text, "Không được thấy") {
		t.Error("the book holds another member's paper")
	}
	if i, j := strings.Index(text, "Diễn văn, trang 1"), strings.Index(text, "Báo cáo 3412, trang 1"); i < 0 || j < i {
		t.Error("the papers are not in agenda order")
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("files in the folder: %v, want just the book", left)
	}
}

// TestSaveBook_FromThePapersOnThisComputer: with no source given, the book
// binds the papers the profile holds, read through the chunk store without
// counting as the member reading them; a paper's text is in the book.
func TestSaveBook_FromThePapersOnThisComputer(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	m, it := meetingWithItem(t, p)
	pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.pdf", Title: "Dự thảo Nghị định"}, bytes.NewReader(testPDF(t, 2, "sach")))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "book.pdf")
	if err := p.SaveBook(context.Background(), m.ID, core.BookOptions{Lang: report.Vietnamese}, path); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), paperSecret+" page 2 sach") || !strings.Contains(string(out), "Dự thảo Nghị định") {
		t.Errorf("the book lacks the paper's text:\n%.600s", out)
	}
	v, err := p.PaperView(pp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Read != papers.ReadUnread {
		t.Error("making the book counted as reading the paper")
	}
	if err := p.SaveBook(context.Background(), m.ID, core.BookOptions{Lang: report.Vietnamese, Papers: core.NoBookPapers{}}, path); err != nil {
		t.Fatal(err)
	}
	if out, _ := exec.Command("pdftotext", path, "-").Output(); strings.Contains(string(out), paperSecret) {
		t.Error("NoBookPapers still bound the paper")
	}
}
