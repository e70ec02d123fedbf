package app

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// TestBookPanel_States: the book's line on the meeting, ready, being made
// (with its bar and stop button) and waiting for papers.
func TestBookPanel_States(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	bp := sixthSession(t, s).detail.book
	// The line as a member's header shows it, in a window of its own.
	w := test.NewTempWindow(t, bp.root)
	w.SetPadded(false)
	w.Resize(fyne.NewSize(640, 80))
	made := time.Date(2026, 12, 3, 3, 42, 0, 0, time.UTC) // 10:42 in Hà Nội
	for _, c := range []struct {
		name string
		st   core.BookState
		text string
	}{
		{"ready", core.BookState{Status: core.BookReady, Papers: 20, Stored: &core.StoredBook{Pages: 512, Papers: 20, Made: made}},
			"Tập tài liệu: sẵn sàng · 512 trang · cập nhật 10:42"},
		{"building", core.BookState{Status: core.BookBuilding, Papers: 20, Fraction: 0.4}, "Tập tài liệu: đang tạo 40%"},
		{"missing", core.BookState{Status: core.BookMissing, Papers: 20, Missing: 2}, "Tập tài liệu: thiếu 2 tài liệu chưa tải về"},
	} {
		t.Run(c.name, func(t *testing.T) {
			bp.apply(c.st)
			if got := bp.state.seg.Text; got != c.text {
				t.Errorf("line %q, want %q", got, c.text)
			}
			building := c.st.Status == core.BookBuilding
			if bp.bar.Visible() != building || bp.stop.Visible() != building || bp.save.Visible() != (c.st.Status == core.BookReady) {
				t.Errorf("bar %v, stop %v, save %v", bp.bar.Visible(), bp.stop.Visible(), bp.save.Visible())
			}
			test.AssertImageMatches(t, "vi/book_"+c.name+".png", w.Canvas().Capture())
		})
	}
}

// waitReady waits, draining the UI queue, until the panel shows a ready
// book that satisfies ok; the deadline only catches a hang.
func waitReady(t *testing.T, e *env, bp *bookPanel, ok func(core.BookState) bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		e.l.drain()
		if bp.shown.Status == core.BookReady && bp.shown.Stored != nil && ok(bp.shown) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the book was never ready: %+v (%s)", bp.shown, bp.state.seg.Text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func bookTestPDF(t *testing.T, marker string, pages int) *bytes.Buffer {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 12)
	for i := range pages {
		f.AddPage()
		f.Cell(40, 10, marker+" "+string(rune('A'+i)))
	}
	var pdf bytes.Buffer
	if err := f.Output(&pdf); err != nil {
		t.Fatal(err)
	}
	return &pdf
}

// TestBookPanel_MadeInTheBackground: with the papers on this computer the
// book is made without being asked and the meeting says so; saving it
// through the dialog's file gives the book; it opens in the reader; a new
// version of the paper makes it again; and no file of the profile holds
// the paper's text in the clear.
func TestBookPanel_MadeInTheBackground(t *testing.T) {
	e := newEnv(t, langVI, "")
	e.u.booksOff = false
	p := secretaryProfile(t)
	var m meetings.Meeting
	for _, x := range p.Meetings() {
		if strings.Contains(x.Title, "thứ sáu") {
			m = x
		}
	}
	const marker = "BOOK-BG-TEXT-51E2"
	pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: m.Agenda[0].ID, FileName: "to-trinh.pdf", Title: "Tờ trình"}, bookTestPDF(t, marker, 2))
	if err != nil {
		t.Fatal(err)
	}
	s := e.open(p)
	d := sixthSession(t, s).detail
	bp := d.book
	waitReady(t, e, bp, func(core.BookState) bool { return true })
	pages := bp.shown.Stored.Pages
	// The secretariat's header has the compact button (or its entry in
	// the header's More menu), which says it too.
	if d.actions.offers("Tập tài liệu · "+strconv.Itoa(pages)+" trang") == nil {
		t.Error("the header's book button does not give the pages")
	}
	if !strings.Contains(bp.state.seg.Text, "sẵn sàng") || !bp.save.Visible() || !bp.open.Visible() {
		t.Errorf("a ready book shows %q", bp.state.seg.Text)
	}

	path := filepath.Join(t.TempDir(), "tap.pdf")
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := saveStoredBook(p, m.ID, wc); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), marker+" B") {
		t.Errorf("the saved book reads %.600q", out)
	}

	windows := len(e.test.Driver().AllWindows())
	test.Tap(bp.open)
	e.l.waitFor(t, "the reader's window", func() bool { return len(e.test.Driver().AllWindows()) > windows })

	if _, err := p.ReplacePaper(pp.ID, "to-trinh-2.pdf", bookTestPDF(t, marker+"-V2", 5)); err != nil {
		t.Fatal(err)
	}
	waitReady(t, e, bp, func(st core.BookState) bool { return st.Stored.Pages == pages+3 })

	s.stopBooks()
	err = filepath.WalkDir(p.Dir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(marker)) || bytes.Contains(data, []byte("%PDF-")) {
			t.Errorf("%s holds the paper or a PDF in the clear", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
