package app

import (
	"bytes"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// overlayText is the text of the labels in a window's top overlay (a
// dialog), "" when none is shown.
func overlayText(w fyne.Window) string {
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	var b strings.Builder
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// A member opening a paper through a real hub: the reader tells them once
// what is recorded; the receipt reaches the secretariat, whose Read panel
// lists them as having read it and the others on the list as not opened.
func TestReceipts_MemberToldOnce_SecretariatSeesWhoHasRead(t *testing.T) {
	c := memberCommittee(t)
	replicatest.Sync(t, c.sec) // learns the member's device, to give it the key
	pp, err := c.sec.AddPaper(core.PaperInput{BallotID: c.ballot.ID, Title: "Đề án số hóa hồ sơ thủ tục hành chính", FileName: "de-an.pdf"},
		bytes.NewReader(makeReaderPDF(t, readerPaper{pages: 1})))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)
	memberDownload(t, c.member)

	t.Run("member", func(t *testing.T) {
		e := newEnv(t, langVI, "")
		s := e.open(c.member)
		var win fyne.Window
		openPaper(s, pp.ID, func(r *reader) { win = r.opt.Win })
		e.l.waitFor(t, "the reader window", func() bool { return win != nil })
		if got := overlayText(win); !strings.Contains(got, "Văn phòng") || !strings.Contains(got, "không ghi") {
			t.Fatalf("the first opening shows %q, want the notice of what is recorded", got)
		}
		e.l.waitFor(t, "the notice remembered", c.member.ReadNoticeSeen)
		win.Close()
		win = nil
		openPaper(s, pp.ID, func(r *reader) { win = r.opt.Win })
		e.l.waitFor(t, "the reader window again", func() bool { return win != nil })
		if got := overlayText(win); got != "" {
			t.Fatalf("the second opening shows %q again", got)
		}
		win.Close()
	})
	replicatest.Sync(t, c.member)
	replicatest.Sync(t, c.sec)

	for _, code := range []string{langVI, langEN} {
		t.Run("secretariat/"+code, func(t *testing.T) {
			e := newEnv(t, code, "")
			s := e.open(c.sec)
			showPaperReads(s, pp)
			e.l.waitFor(t, "the Read panel", func() bool { return e.w.Canvas().Overlays().Top() != nil })
			name := c.member.Self().Name
			want := map[string]string{langVI: "Đã đọc", langEN: "Read"}[code]
			notOpened := map[string]string{langVI: "Chưa mở", langEN: "Not opened"}[code]
			if !e.hasText(name) || !e.hasText(want) || !e.hasText(notOpened) {
				t.Fatalf("the Read panel does not list %s as %q and the others as %q", name, want, notOpened)
			}
			test.AssertImageMatches(t, code+"/paper_reads.png", e.dialogShot())
		})
	}
	// A member has no Read panel: the core refuses them.
	if _, err := c.member.PaperReads(pp.ID); !core.IsForbidden(err) {
		t.Fatalf("a member asks who has read a paper: %v", err)
	}
}
