package replica_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/pdfrender"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// noteSecret is the text of the private note; made at run time so the test
// binary does not hold it.
var noteSecret = strings.ToUpper("ghi-chu-rieng-de-nghi-hoan-bieu-quyet")

// notesPDF makes a PDF with one page per string (a core font, so the text
// is plain ASCII: the folding of diacritics is papers' own tests' business).
func notesPDF(t *testing.T, pages ...string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetFont("Helvetica", "", 12)
	for _, p := range pages {
		f.AddPage()
		f.MultiCell(0, 7, p, "", "L", false)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pageTexts reads the current version of a paper on a device, through the
// chunk store's reader, and extracts the text of its pages with PDFium.
func pageTexts(t *testing.T, eng *pdfrender.Engine, p *core.Profile, id string) []papers.PageText {
	t.Helper()
	r, _, err := p.OpenPaper(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx := context.Background()
	doc, err := eng.Open(ctx, r, r.Size())
	if err != nil {
		t.Fatal(err)
	}
	defer doc.Close()
	var out []papers.PageText
	for i := range doc.PageCount() {
		pt, err := doc.PageText(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pt.Notes())
	}
	return out
}

// on anchors a selection of quote on page p.
func on(t *testing.T, pages []papers.PageText, p int, quote string) papers.Anchor {
	t.Helper()
	s := []rune(pages[p].String())
	i := strings.Index(string(s), quote)
	if i < 0 {
		t.Fatalf("%q is not on page %d: %q", quote, p, string(s))
	}
	from := len([]rune(string(s)[:i]))
	a, ok := papers.AnchorText(p, pages[p], from, from+len([]rune(quote)))
	if !ok {
		t.Fatal("empty anchor")
	}
	return a
}

func noteKinds(t *testing.T, hub *core.Profile, dev *core.Profile) (notes int, secret bool) {
	t.Helper()
	var since uint64
	for {
		es, next, head, err := hub.HubPull(dev.DeviceID(), since, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			_, op, err := ops.Decode(e.Op)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(string(op.Kind), "note.") {
				notes++
			}
			if bytes.Contains(e.Op, []byte(noteSecret)) {
				secret = true
			}
		}
		if next >= head || next == since {
			return notes, secret
		}
		since = next
	}
}

func TestNotes_ReachOnlyTheAuthorsDevicesSealedAndFollowANewVersion(t *testing.T) {
	eng, err := pdfrender.NewEngine(context.Background(), pdfrender.Options{
		CacheDir: filepath.Join(os.TempDir(), "ecabinet-pdfrender-test-wasm-cache"), Instances: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	c := newPaperCommittee(t)
	author, other := c.devs[0], c.devs[1]
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ", Start: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := c.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự án Luật Đất đai (sửa đổi)", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	v1 := notesPDF(t, "To trinh du an Luat Dat dai (sua doi)",
		"Dieu 5. Nguyen tac su dung dat. Dung muc dich su dung dat.",
		"Dieu 9. Phan loai dat theo muc dich su dung.")
	pp, err := c.sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "to-trinh.pdf", Title: "Tờ trình", To: []string{c.members[0].ID, c.members[1].ID}}, bytes.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, author)
	ctx := context.Background()
	dl := downloader(t, author)
	if _, err := dl.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// On the author's first device: a highlight on article 5, a note on
	// article 9.
	pages := pageTexts(t, eng, author, pp.ID)
	hl, err := author.PutNote(papers.Note{PaperID: pp.ID, Version: 1, Kind: papers.NoteHighlight, Anchor: on(t, pages, 1, "Nguyen tac su dung dat")})
	if err != nil {
		t.Fatal(err)
	}
	gone, err := author.PutNote(papers.Note{PaperID: pp.ID, Version: 1, Kind: papers.NoteText, Text: noteSecret, Anchor: on(t, pages, 2, "Phan loai dat")})
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, author)

	// A second device of the author's, enrolled after the notes were made:
	// it receives them sealed, and can read them once the first device has
	// shared the key with it.
	second := c.hub.EnrollMember(t, c.members[0].ID)
	replicatest.Sync(t, second)
	if got, err := second.MyNotes(pp.ID); err != nil || len(got.Notes) != 0 || got.Locked != 2 {
		t.Fatalf("the new device before the key is shared: %+v, %v; want 2 locked", got, err)
	}
	replicatest.Sync(t, author) // sees the new device, wraps the key for it and pushes the wrap
	replicatest.Sync(t, second)
	got, err := second.MyNotes(pp.ID)
	if err != nil || got.Locked != 0 || len(got.Notes) != 2 {
		t.Fatalf("the author's second device: %+v, %v", got, err)
	}
	if got.Notes[0].ID != hl.ID || got.Notes[1].Text != noteSecret {
		t.Fatalf("the second device reads %+v", got.Notes)
	}

	// Nobody else: another member, the secretary (who reads the rest of the
	// log) and the hub, which holds the notes sealed only.
	replicatest.Sync(t, other)
	replicatest.Sync(t, c.sec)
	for _, d := range []*core.Profile{other, c.sec} {
		if n, err := d.MyNotes(""); err != nil || len(n.Notes) != 0 || n.Locked != 0 {
			t.Fatalf("%s holds notes: %+v, %v", d.Self().Name, n, err)
		}
		if n, _ := noteKinds(t, c.hub.P, d); n != 0 {
			t.Fatalf("the hub sends %d note ops to %s", n, d.Self().Name)
		}
	}
	n, secret := noteKinds(t, c.hub.P, author)
	if n < 3 || secret {
		t.Fatalf("the author's devices receive %d note ops (want the key and two notes), readable: %v", n, secret)
	}
	dirs := []string{c.hub.P.Dir(), other.Dir(), c.sec.Dir(), author.Dir(), second.Dir()}
	for _, dir := range dirs {
		filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
			if err != nil || !info.Mode().IsRegular() {
				return nil
			}
			if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(noteSecret)) {
				t.Errorf("the note's text in clear in %s", path)
			}
			return nil
		})
	}

	// Version 2 moves article 5 to the next page and drops article 9.
	v2 := notesPDF(t, "To trinh du an Luat Dat dai (sua doi)",
		"Y kien cua cac bo, nganh ve du an Luat.",
		"Dieu 5. Nguyen tac su dung dat. Dung muc dich su dung dat.")
	if _, err := c.sec.ReplacePaper(pp.ID, "to-trinh.pdf", bytes.NewReader(v2)); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, author)
	if _, err := dl.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	placed, unplaced, err := author.CarryNotes(pp.ID, 2, pageTexts(t, eng, author, pp.ID))
	if err != nil || placed != 1 || unplaced != 1 {
		t.Fatalf("carried: %d placed, %d not, %v", placed, unplaced, err)
	}
	replicatest.Sync(t, author)
	replicatest.Sync(t, second)
	after, err := second.MyNotes(pp.ID)
	if err != nil || len(after.Notes) != 2 {
		t.Fatalf("after the new version: %+v, %v", after, err)
	}
	for _, n := range after.Notes {
		switch n.ID {
		case hl.ID:
			if n.Version != 2 || n.Unplaced || n.Anchor.Page != 2 {
				t.Errorf("the highlight is on page %d of version %d (unplaced %v), want page 3 of version 2", n.Anchor.Page+1, n.Version, n.Unplaced)
			}
		case gone.ID:
			if n.Version != 2 || !n.Unplaced || n.Anchor.Page != 2 || n.Text != noteSecret {
				t.Errorf("the note on the removed article: %+v, want not placed, original page 3", n)
			}
		default:
			t.Errorf("an unknown note %s", n.ID)
		}
	}
}
