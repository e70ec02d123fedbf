package app

import (
	"bytes"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

func TestExport_SignedJSONBesideTheCSV(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	var closed ballots.Ballot
	for _, b := range p.Ballots() {
		if b.Status == ballots.StatusClosed {
			closed = b
		}
	}
	s := e.open(p)
	bs := openBallot(t, s, closed.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) > 0 })
	if e.button("Xuất kết quả") == nil || e.button("Xuất JSON có chữ ký") == nil {
		t.Fatal("a closed ballot should offer the CSV and the signed JSON export side by side")
	}
	saveShot(t, "export-buttons-vi.png", e.shot())
	// the button asks where to save (a file dialog)
	test.Tap(e.button("Xuất JSON có chữ ký"))
	if len(e.w.Canvas().Overlays().List()) == 0 {
		t.Error("no file dialog")
	}
	closeOverlays(e)
	// and what it writes is the command line's signed export
	var buf bytes.Buffer
	if err := p.WriteBallotJSON(closed.ID, &buf); err != nil {
		t.Fatal(err)
	}
	if payload, err := core.VerifyExport(buf.Bytes()); err != nil || payload.Ballot.ID != closed.ID {
		t.Fatalf("export does not verify: %v", err)
	}
	open := fixtureOpenBallot(t, p)
	bs = openBallot(t, s, open.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) == len(open.Eligible) })
	if e.button("Xuất JSON có chữ ký") != nil {
		t.Error("signed export offered on an open ballot")
	}
}
