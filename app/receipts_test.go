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
	// The Papers screen (Tài liệu) offers the same panel on each paper's
	// row to the secretariat, and not to the member.
	t.Run("papers screen", func(t *testing.T) {
		e := newEnv(t, langVI, "")
		s := e.open(c.sec)
		showPapers(t, e, s)
		b := e.button("Đã đọc…")
		if b == nil {
			t.Fatal("the secretariat's Papers screen has no «Đã đọc…» on the paper")
		}
		test.Tap(b)
		e.l.waitFor(t, "the Read panel", func() bool { return e.w.Canvas().Overlays().Top() != nil })
		got := overlayText(e.w)
		if !strings.Contains(got, pp.Title) || !e.hasText(c.member.Self().Name) {
			t.Fatalf("the Read panel from the Papers screen shows:\n%s", got)
		}
		if !e.hasText("thành viên trong danh sách đã đọc phiên bản 1") || !e.hasText("Chưa mở") {
			t.Fatal("the Read panel from the Papers screen does not count the member's reading")
		}

		m := newEnv(t, langVI, "")
		ms := m.open(c.member)
		mps := showPapers(t, m, ms)
		if len(mps.rows) == 0 {
			t.Fatal("the member's Papers screen lists nothing")
		}
		if m.button("Đã đọc…") != nil {
			t.Fatal("a member's Papers screen offers who has read a paper")
		}
	})

	// A member has no Read panel: the core refuses them.
	if _, err := c.member.PaperReads(pp.ID); !core.IsForbidden(err) {
		t.Fatalf("a member asks who has read a paper: %v", err)
	}
}
