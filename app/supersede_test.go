package app

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// secondDevice enrolls another device for the committee's member, with a
// clock an hour and five minutes after the member's laptop.
func secondDevice(t *testing.T, c *committee) *core.Profile {
	t.Helper()
	p := c.hub.EnrollMember(t, c.member.Self().ID)
	p.SetClock(func() time.Time { return memberNow.Add(65 * time.Minute) })
	replicatest.Sync(t, p)
	return p
}

func TestSupersede_TheDeviceWhoseAnswerLostIsTold(t *testing.T) {
	for _, tc := range []struct {
		name       string
		thisFirst  bool // this computer's answer reaches the hub first
		wantNotice bool
	}{
		{"this computer first: replaced, told", true, true},
		{"other device first: this one counts, nothing to tell", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := memberCommittee(t)
			tablet := secondDevice(t, c)
			e := newEnv(t, langVI, "")
			s := e.open(c.member)
			bs := openBallot(t, s, c.ballot.ID)
			f := bs.detail.answer
			// given the member answers on this computer and on the tablet,
			// both offline
			f.options.SetSelected("Đồng ý")
			test.Tap(f.submit)
			e.u.lastConfirm.Confirm()
			e.l.waitFor(t, "saved here", func() bool { _, ok := c.member.MyAnswer(c.ballot.ID); return ok })
			if _, err := tablet.AnswerBallot(c.ballot.ID, ballots.ChoiceDisagree, "Đề nghị bổ sung đánh giá tác động."); err != nil {
				t.Fatal(err)
			}
			// when both sync, in the order of the case, and this computer
			// syncs again to learn the other's answer
			if tc.thisFirst {
				replicatest.Sync(t, c.member)
				replicatest.Sync(t, tablet)
			} else {
				replicatest.Sync(t, tablet)
			}
			replicatest.Sync(t, c.member)
			head := "Câu trả lời từ máy khác của bạn (lúc 10:05 ngày 21/07) đã thay thế câu trả lời trên máy này (Đồng ý → Không đồng ý)."
			if !tc.wantNotice {
				e.l.waitFor(t, "the hub's receipt", func() bool {
					return f.saved.Visible() && strings.HasPrefix(f.saved.head.seg.Text, "Máy chủ đã nhận lúc")
				})
				e.l.settle(e.u)
				if f.superseded.Visible() || len(s.notices.Objects) != 0 || e.hasText("đã thay thế câu trả lời") || e.hasText("Máy khác đã thay câu trả lời") {
					t.Fatal("the answer given here counts: no notice is due")
				}
				if a, _ := c.member.MyAnswer(c.ballot.ID); a.Choice != ballots.ChoiceAgree {
					t.Errorf("this computer shows %s, want its own later answer (agree)", a.Choice)
				}
				return
			}
			// then the answer form says which answer replaced which, and
			// which counts
			e.l.waitFor(t, "the notice on the form", func() bool { return f.superseded.Visible() })
			if got := f.superseded.head.seg.Text; got != head {
				t.Errorf("notice %q,\nwant %q", got, head)
			}
			body := "Câu trả lời được tính: Không đồng ý — “Đề nghị bổ sung đánh giá tác động.” Cả hai"
			if got := f.superseded.body.seg.Text; !strings.HasPrefix(got, body) {
				t.Errorf("notice body %q, want it to start %q", got, body)
			}
			if f.options.Selected != "Không đồng ý" {
				t.Errorf("the form shows %q, want the counting opinion", f.options.Selected)
			}
			// and a banner at the top of the window, announced once
			if len(s.notices.Objects) != 1 || !e.hasText(head) {
				t.Errorf("%d banners, want 1 saying the answer was replaced", len(s.notices.Objects))
			}
			if got := e.test.Preferences().StringList(prefSuperseded); len(got) != 1 {
				t.Errorf("announced %v, want one", got)
			}
			// and the inbox row says it too
			bs.list.Refresh()
			e.l.waitFor(t, "the inbox chip", func() bool { return e.hasText("Máy khác đã thay câu trả lời") })
			bs.detail.root.Refresh()
			saveShot(t, "supersede-vi.png", e.shot())
			s.noteSupersessions()
			if len(s.notices.Objects) != 1 {
				t.Error("the same replacement was announced twice")
			}
			// when the member answers again here, the notice ends
			f.options.SetSelected("Ý kiến khác")
			test.Tap(f.submit)
			e.u.lastConfirm.Confirm()
			e.l.waitFor(t, "the notice gone", func() bool { return !f.superseded.Visible() })
		})
	}
}

func TestSupersede_PaperAnswerSaysTheOfficeRecordedIt(t *testing.T) {
	b := ballots.Ballot{Options: ballots.VietnameseOptions()}
	at := time.Date(2026, 11, 25, 14, 5, 0, 0, vnTime)
	s := core.Supersession{
		Mine: ballots.Answer{Choice: ballots.ChoiceAgree},
		By:   ballots.Answer{Choice: ballots.ChoiceDisagree, At: at, Paper: true},
	}
	setLanguage(langVI)
	head, body := supersedeText(b, s)
	if want := "Văn phòng đã ghi nhận ý kiến trên giấy của bạn (lúc 14:05 ngày 25/11), thay thế câu trả lời trên máy này (Đồng ý → Không đồng ý)."; head != want {
		t.Errorf("head %q, want %q", head, want)
	}
	if !strings.HasPrefix(body, "Câu trả lời được tính: Không đồng ý.") {
		t.Errorf("body %q", body)
	}
	s.By.Paper = false
	if head, _ := supersedeText(b, s); !strings.HasPrefix(head, "Câu trả lời từ máy khác của bạn (lúc 14:05 ngày 25/11)") {
		t.Errorf("head %q", head)
	}
	setLanguage(langEN)
	defer setLanguage(langVI)
	b.Options = ballots.EnglishOptions()
	if head, _ := supersedeText(b, s); head != "An answer from your other device (14:05 on 25/11) replaced the answer on this computer (Agree → Disagree)." {
		t.Errorf("English head %q", head)
	}
}

// saveShot writes a capture to $ECABINET_SHOTS/name when that is set, for
// a person to look at; golden images stay the tests' check.
func saveShot(t *testing.T, name string, img image.Image) {
	t.Helper()
	dir := os.Getenv("ECABINET_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// An answer given only on another device is not described as saved here.
func TestAnswer_GivenOnlyOnAnotherDeviceIsSaidSo(t *testing.T) {
	c := memberCommittee(t)
	tablet := secondDevice(t, c)
	e := newEnv(t, langVI, "")
	s := e.open(c.member)
	bs := openBallot(t, s, c.ballot.ID)
	f := bs.detail.answer
	if _, err := tablet.AnswerBallot(c.ballot.ID, ballots.ChoiceDisagree, ""); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, tablet)
	replicatest.Sync(t, c.member)
	e.l.waitFor(t, "the hub's receipt", func() bool {
		return f.saved.Visible() && strings.HasPrefix(f.saved.head.seg.Text, "Máy chủ đã nhận")
	})
	if got := f.saved.body.seg.Text; !strings.Contains(got, "Đưa ra trên máy khác lúc") || strings.Contains(got, "Đã lưu trên máy này") {
		t.Errorf("the form says %q, want it given on another device", got)
	}
	if f.superseded.Visible() {
		t.Error("nothing on this computer was replaced: no notice is due")
	}
}
