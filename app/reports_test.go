package app

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
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
	fifthSession(t, s)
	e.l.settle(e.u)
	if e.button("Giấy mời (PDF)") == nil || e.button("Biên bản (PDF)") == nil {
		t.Fatal("the fifth session (closed) should offer the invitation and the minutes")
	}
	test.Tap(e.button("Giấy mời (PDF)"))
	if len(e.w.Canvas().Overlays().List()) == 0 {
		t.Error("no file dialog for the invitation")
	}
	closeOverlays(e)
	sixthSession(t, s)
	e.l.settle(e.u)
	if e.button("Giấy mời (PDF)") == nil || e.button("Biên bản (PDF)") != nil {
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
