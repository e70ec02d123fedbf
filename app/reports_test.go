package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/report"
)

// TestReports_OfferedWhereTheSecretaryNeedsThem: the meeting detail offers
// the invitation and, for a session held, the minutes; a closed ballot
// offers its summary of opinions beside the other exports. Each asks where
// to save.
func TestReports_OfferedWhereTheSecretaryNeedsThem(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	// Offered as buttons, or from the header's More menu where the pane is
	// too narrow for all of them (overflow.go).
	d := fifthSession(t, s).detail
	e.l.settle(e.u)
	if d.actions.offers("Giấy mời (PDF)") == nil || d.actions.offers("Biên bản (PDF)") == nil {
		t.Fatal("the fifth session (closed) should offer the invitation and the minutes")
	}
	d.actions.offers("Giấy mời (PDF)").OnTapped()
	if len(e.w.Canvas().Overlays().List()) == 0 {
		t.Error("no file dialog for the invitation")
	}
	closeOverlays(e)
	d = sixthSession(t, s).detail
	e.l.settle(e.u)
	if d.actions.offers("Giấy mời (PDF)") == nil || d.actions.offers("Biên bản (PDF)") != nil {
		t.Error("a published session should offer the invitation and not yet the minutes")
	}

	var closed ballots.Ballot
	for _, b := range p.Ballots() {
		if b.Status == ballots.StatusClosed {
			closed = b
		}
	}
	bs := openBallot(t, s, closed.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) > 0 })
	if e.button("Tổng hợp ý kiến (PDF)") == nil {
		t.Fatal("a closed ballot should offer its summary of opinions")
	}
}

// TestSaveReport_ThroughTheDialogsFile: what the dialog's file receives is
// the complete document, and a document that cannot be made leaves no
// empty file behind.
func TestSaveReport_ThroughTheDialogsFile(t *testing.T) {
	p := secretaryProfile(t)
	var b ballots.Ballot
	for _, x := range p.Ballots() {
		if x.Status == ballots.StatusClosed {
			b = x
		}
	}
	path := filepath.Join(t.TempDir(), p.ReportFileName(report.KindSummary, b.ID, report.Vietnamese))
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := saveReport(p, report.KindSummary, b.ID, report.Vietnamese, wc); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(text, "BÁO CÁO") || !strings.Contains(text, b.Question) {
		t.Errorf("the saved summary reads %q", text)
	}

	bad := filepath.Join(t.TempDir(), "bien-ban.pdf")
	wc, err = storage.Writer(storage.NewFileURI(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := saveReport(p, report.KindMinutes, "no-such-meeting", report.Vietnamese, wc); core.ErrorKey(err) != "err.not_found" {
		t.Fatalf("err = %v, want not found", err)
	}
	if _, err := os.Stat(bad); !os.IsNotExist(err) {
		t.Errorf("an empty file was left at %s (%v)", bad, err)
	}
}

// TestConclusions_WrittenFromTheMeetingDetail: on a closed session the
// secretary writes an item's conclusion, the row then says it is
// concluded, and once the minutes are finalised the row offers no more
// editing.
func TestConclusions_WrittenFromTheMeetingDetail(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	d := fifthSession(t, s).detail
	e.l.settle(e.u)
	if e.button("Chốt biên bản") == nil {
		t.Fatal("a closed session should offer to finalise its minutes")
	}
	item := d.m.Agenda[0]
	d.editConclusion(item.ID)
	entry, ok := e.find(func(o fyne.CanvasObject) bool {
		en, ok := o.(*widget.Entry)
		return ok && en.MultiLine && en.PlaceHolder != "" && strings.HasPrefix(en.PlaceHolder, "Ví dụ: Các bộ")
	}).(*widget.Entry)
	if !ok {
		t.Fatal("no conclusion entry in the dialog")
	}
	const text = "Các bộ, ngành hoàn thành số hóa hồ sơ trong năm 2023."
	test.Type(entry, text)
	test.Tap(e.button("Lưu"))
	e.l.waitFor(t, "the conclusion saved", func() bool {
		m, _ := p.Meeting(d.id)
		return m.Agenda[0].Conclusion == text
	})
	e.l.settle(e.u)
	if e.button("Đã kết luận") == nil {
		t.Error("the row does not say the item is concluded")
	}
	saveShot(t, "vi-conclusions.png", e.shot())
	if err := p.FinaliseMinutes(d.id); err != nil {
		t.Fatal(err)
	}
	e.l.settle(e.u)
	if e.button("Đã kết luận") != nil || e.button("Kết luận") != nil || e.button("Chốt biên bản") != nil {
		t.Error("finalised minutes still offer to edit conclusions")
	}
}

// TestSaveBook_ThroughTheDialogsFile: the meeting book button is offered
// to the secretariat, and the file the dialog receives is the book: the
// session's agenda and the text of its paper attached from this computer.
func TestSaveBook_ThroughTheDialogsFile(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	d := sixthSession(t, s).detail
	e.l.settle(e.u)
	if d.actions.offers("Tập tài liệu") == nil {
		t.Fatal("the session offers no meeting book")
	}
	var m meetings.Meeting
	for _, x := range p.Meetings() {
		if strings.Contains(x.Title, "thứ sáu") {
			m = x
		}
	}
	if len(m.Agenda) == 0 {
		t.Fatal("the sixth session has no agenda")
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 12)
	f.AddPage()
	f.Cell(40, 10, "BOOK-PAPER-TEXT-4C1D")
	var pdf bytes.Buffer
	if err := f.Output(&pdf); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: m.Agenda[0].ID, FileName: "to-trinh.pdf", Title: "Tờ trình"}, &pdf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), p.ReportFileName(report.KindBook, m.ID, report.Vietnamese))
	wc, err := storage.Writer(storage.NewFileURI(path))
	if err != nil {
		t.Fatal(err)
	}
	if err := saveReport(p, report.KindBook, m.ID, report.Vietnamese, wc); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if text := string(out); !strings.Contains(text, "BOOK-PAPER-TEXT-4C1D") || !strings.Contains(text, m.Agenda[0].Title[:20]) {
		t.Errorf("the saved book reads %.800q", text)
	}
}
