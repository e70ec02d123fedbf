package app

import (
	"bytes"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// A member's laptop enrolled after a paper was added lists it but has no
// key for it yet: the row and the screen's subtitle say it waits for the
// key (not "not for this computer"), until a device that holds the key —
// here the member's first one — has synced and handed it on.
func TestPapers_NewDeviceSaysItAwaitsTheKey(t *testing.T) {
	c := memberCommittee(t)
	replicatest.Sync(t, c.sec) // learns the member's first device
	pp, err := c.sec.AddPaper(core.PaperInput{BallotID: c.ballot.ID, Title: "Đề án số hóa hồ sơ thủ tục hành chính", FileName: "de-an.pdf"},
		bytes.NewReader(makeReaderPDF(t, readerPaper{pages: 1})))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)
	laptop := c.hub.EnrollMember(t, c.member.Self().ID)
	replicatest.Sync(t, laptop)

	e := newEnv(t, langVI, "")
	s := e.open(laptop)
	ps := showPapers(t, e, s)
	if len(ps.rows) != 2 || ps.rows[1].e == nil || ps.rows[1].e.v.ID != pp.ID || ps.rows[1].e.v.Readable {
		t.Fatalf("rows %v, want the ballot's paper, not readable here yet", rowTitles(ps))
	}
	e.shot()
	for _, want := range []string{"Đang chờ khóa từ thư ký", "1 tài liệu đang chờ khóa từ thư ký; sẽ tải sau lần đồng bộ tới của thư ký"} {
		if !e.hasText(want) {
			t.Errorf("the Papers screen does not say %q", want)
		}
	}

	// The member's first device syncs and hands the key on.
	replicatest.Sync(t, c.member)
	replicatest.Sync(t, laptop)
	ps.load()
	e.l.waitFor(t, "the key", func() bool { return len(ps.rows) == 2 && ps.rows[1].e.v.Readable })
	e.shot()
	if e.hasText("đang chờ khóa") || e.hasText("Đang chờ khóa") {
		t.Error("the Papers screen still says it waits for the key")
	}
}

// TestOfflineText_UnsentPaperSaysSo: the secretariat's own paper not yet
// on the hub says so, before "on this computer", in each language.
func TestOfflineText_UnsentPaperSaysSo(t *testing.T) {
	for _, tc := range []struct{ code, want string }{{langVI, "Chưa gửi lên máy chủ"}, {langEN, "Not on the hub yet"}} {
		t.Run(tc.code, func(t *testing.T) {
			newEnv(t, tc.code, "")
			e := &paperEntry{v: core.PaperView{Readable: true, Offline: true, Unsent: true}}
			if got, kind := offlineText(e); got != tc.want || kind != chipWarning {
				t.Errorf("offlineText: %q, %v; want %q, a warning", got, kind, tc.want)
			}
			e.v.Unsent = false
			if got, _ := offlineText(e); got == tc.want {
				t.Errorf("a sent paper still reads %q", got)
			}
		})
	}
}
