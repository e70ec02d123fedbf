package core_test

import (
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

var supersedePass = []byte("supersede test passphrase")

// twoDevices is a member enrolled on two devices (a laptop and a tablet)
// at a real hub served in this process, with an open ballot, all synced.
type twoDevices struct {
	sec            *core.Profile
	laptop, tablet *core.Profile
	ballotID       string
}

func newTwoDevices(t *testing.T) *twoDevices {
	t.Helper()
	hub := replicatest.Start(t, supersedePass, replicatest.Options{Secretary: "Thư ký Chính phủ"})
	d := &twoDevices{}
	d.sec = hub.Enroll(t, hub.Init.Invite)
	syncDone(t, d.sec)
	if _, err := d.sec.AddMember(meetings.Member{Name: "Phạm Minh Chính", Title: "Thủ tướng Chính phủ", Role: meetings.RoleChair}); err != nil {
		t.Fatal(err)
	}
	m, err := d.sec.AddMember(meetings.Member{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.sec.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến về Kế hoạch CCHC", Question: "Đồng chí có đồng ý thông qua dự thảo Kế hoạch không?", Deadline: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	d.ballotID = b.ID
	syncDone(t, d.sec)
	for _, name := range []string{"laptop", "tablet"} {
		// Each device of the member needs its own one-time invite.
		p := hub.EnrollMember(t, m.ID)
		syncDone(t, p)
		if name == "laptop" {
			d.laptop = p
		} else {
			d.tablet = p
		}
	}
	if d.laptop.Self().ID != d.tablet.Self().ID || d.laptop.DeviceID() == d.tablet.DeviceID() {
		t.Fatal("the two devices should be one member's, with two device keys")
	}
	return d
}

func syncDone(t *testing.T, p *core.Profile) {
	t.Helper()
	replicatest.Sync(t, p)
}

func TestSuperseded_TwoDevicesOfflineThenSyncInEitherOrder(t *testing.T) {
	for _, tc := range []struct {
		name string
		// first syncs first; its answer comes first in hub order, so the
		// other device's answer counts and first is the one to be told.
		firstIsLaptop bool
	}{
		{"laptop first", true},
		{"tablet first", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newTwoDevices(t)
			// given the member answers on both devices while offline
			onLaptop, err := d.laptop.AnswerBallot(d.ballotID, ballots.ChoiceAgree, "Nhất trí.")
			if err != nil {
				t.Fatal(err)
			}
			onTablet, err := d.tablet.AnswerBallot(d.ballotID, ballots.ChoiceDisagree, "Cần bổ sung đánh giá tác động.")
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range []*core.Profile{d.laptop, d.tablet} {
				if _, ok := p.Superseded(d.ballotID); ok {
					t.Fatalf("%s: superseded before any sync", p.DeviceID())
				}
			}
			first, second := d.laptop, d.tablet
			firstAns, secondAns := onLaptop, onTablet
			if !tc.firstIsLaptop {
				first, second, firstAns, secondAns = d.tablet, d.laptop, onTablet, onLaptop
			}
			// when one syncs, then the other, then the first again
			syncDone(t, first)
			syncDone(t, second)
			if _, ok := second.Superseded(d.ballotID); ok {
				t.Error("the device whose answer came later in hub order should not be told anything")
			}
			if a, _ := second.MyAnswer(d.ballotID); a.ID != secondAns.ID {
				t.Errorf("second device shows answer %s (%s), want its own later one %s", a.ID, a.Choice, secondAns.ID)
			}
			syncDone(t, first)
			// then the first device is told its answer was replaced
			s, ok := first.Superseded(d.ballotID)
			if !ok {
				t.Fatal("the device whose answer came first in hub order was not told")
			}
			if s.Mine.ID != firstAns.ID || s.Mine.Choice != firstAns.Choice {
				t.Errorf("replaced answer %+v, want %s", s.Mine, firstAns.ID)
			}
			if s.By.ID != secondAns.ID || s.By.Choice != secondAns.Choice || s.ByDevice != second.DeviceID() || s.By.Paper {
				t.Errorf("counting answer %+v from %s, want %s from %s", s.By, s.ByDevice, secondAns.ID, second.DeviceID())
			}
			if s.By.ReceivedAt.IsZero() || s.By.Seq <= s.Mine.Seq {
				t.Errorf("counting answer should carry its later hub position: %+v vs %+v", s.By, s.Mine)
			}
			if a, _ := first.MyAnswer(d.ballotID); a.ID != secondAns.ID {
				t.Errorf("first device shows %s as the member's answer, want the counting %s", a.ID, secondAns.ID)
			}
			if all := first.Supersessions(); len(all) != 1 || all[0].BallotID != d.ballotID {
				t.Errorf("Supersessions() = %+v, want the one ballot", all)
			}
			if all := second.Supersessions(); len(all) != 0 {
				t.Errorf("second device Supersessions() = %+v, want none", all)
			}
			// and every replica counts the same answer
			syncDone(t, d.sec)
			for _, p := range []*core.Profile{d.sec, d.laptop, d.tablet} {
				res, _, err := p.Tally(d.ballotID)
				if err != nil {
					t.Fatal(err)
				}
				if res.Counts[secondAns.Choice] != 1 || res.Counts[firstAns.Choice] != 0 {
					t.Errorf("%s counts %v, want only %s", p.DeviceID(), res.Counts, secondAns.Choice)
				}
			}
			// when the member answers again on the first device, the notice
			// no longer holds there
			if _, err := first.AnswerBallot(d.ballotID, ballots.ChoiceOther, "Ý kiến khác."); err != nil {
				t.Fatal(err)
			}
			if _, ok := first.Superseded(d.ballotID); ok {
				t.Error("a new answer on this device should end the notice")
			}
			syncDone(t, first)
			if _, ok := first.Superseded(d.ballotID); ok {
				t.Error("a new answer on this device, accepted, should end the notice")
			}
			syncDone(t, second)
			if s, ok := second.Superseded(d.ballotID); !ok || s.Mine.ID != secondAns.ID {
				t.Errorf("now the other device's answer is replaced: %+v, %v", s, ok)
			}
		})
	}
}

func TestSuperseded_NotWhenOnlyOneDeviceAnswered(t *testing.T) {
	d := newTwoDevices(t)
	if _, err := d.tablet.AnswerBallot(d.ballotID, ballots.ChoiceAgree, ""); err != nil {
		t.Fatal(err)
	}
	syncDone(t, d.tablet)
	syncDone(t, d.laptop)
	// the laptop never answered: it shows the tablet's answer, nothing replaced
	if a, ok := d.laptop.MyAnswer(d.ballotID); !ok || a.Choice != ballots.ChoiceAgree {
		t.Fatalf("laptop shows %+v, %v", a, ok)
	}
	if _, ok := d.laptop.Superseded(d.ballotID); ok {
		t.Error("nothing to tell: the laptop gave no answer")
	}
	if got := d.laptop.Supersessions(); len(got) != 0 {
		t.Errorf("Supersessions() = %+v", got)
	}
}
