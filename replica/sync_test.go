package replica_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

var pass = []byte("hub test passphrase")

type testHub struct {
	p    *core.Profile
	url  string
	stop func()
}

func startHub(t *testing.T) (*testHub, replica.InitResult) {
	t.Helper()
	p, res, err := replica.InitHub(filepath.Join(t.TempDir(), "hub"), pass, "Văn phòng Chính phủ", "Thư ký Chính phủ", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	h, err := replica.NewHub(p, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Serve(ctx, ln) }()
	th := &testHub{p: p, url: "https://" + ln.Addr().String()}
	th.stop = func() { cancel(); <-done; p.Close() }
	t.Cleanup(th.stop)
	return th, res
}

func enroll(t *testing.T, hubURL, code string) *core.Profile {
	t.Helper()
	res, err := replica.Enroll(context.Background(), hubURL, code, filepath.Join(t.TempDir(), "dev"), pass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Profile.Close() })
	return res.Profile
}

func syncOK(t *testing.T, p *core.Profile) replica.Report {
	t.Helper()
	c, err := replica.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rep, err := c.SyncOnce(context.Background(), nil)
	if err != nil {
		t.Fatalf("sync of %s: %v", p.Self().Name, err)
	}
	if !rep.Done() {
		t.Fatalf("sync of %s left work: %+v", p.Self().Name, rep)
	}
	return rep
}

func TestSync_SecretaryMemberRoundTrip(t *testing.T) {
	hub, init := startHub(t)
	sec := enroll(t, hub.url, init.Invite)
	if sec.Self().Role != meetings.RoleSecretary || sec.Self().ID != init.SecretaryID {
		t.Fatalf("enrolled as %+v, want the secretary %s", sec.Self(), init.SecretaryID)
	}
	syncOK(t, sec)
	chair, err := sec.AddMember(meetings.Member{Name: "Phạm Minh Chính", Title: "Thủ tướng", Role: meetings.RoleChair})
	if err != nil {
		t.Fatal(err)
	}
	a, err := sec.AddMember(meetings.Member{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	m, err := sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: time.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sec.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua?", Deadline: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if rep := syncOK(t, sec); rep.Accepted != 4 {
		t.Fatalf("secretary push: %+v, want 4 accepted", rep)
	}
	// the hub now knows the members: invite them
	codeA, _, err := replica.CreateInvite(hub.p, a.ID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	devA := enroll(t, hub.url, codeA)
	syncOK(t, devA)
	if _, err := devA.Meeting(m.ID); err != nil {
		t.Fatalf("member does not see the meeting after sync: %v", err)
	}
	if _, err := devA.Ballot(b.ID); err != nil {
		t.Fatalf("member does not see the ballot after sync: %v", err)
	}
	// the member answers offline, then syncs
	ans, err := devA.AnswerBallot(b.ID, ballots.ChoiceAgree, "Nhất trí")
	if err != nil {
		t.Fatal(err)
	}
	if n := devA.Pending(); n != 1 {
		t.Fatalf("pending after answering offline: %d, want 1", n)
	}
	syncOK(t, devA)
	syncOK(t, sec)
	res, answers, err := sec.Tally(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1 || answers[0].ID != ans.ID || res.Counts[ballots.ChoiceAgree] != 1 {
		t.Fatalf("secretary sees %d answers, %+v", len(answers), res)
	}
	// a used invite is refused
	_, err = replica.Enroll(context.Background(), hub.url, codeA, filepath.Join(t.TempDir(), "again"), pass)
	var he *replica.Error
	if !errors.As(err, &he) || he.Code != replica.CodeInviteUsed {
		t.Fatalf("reused invite: %v, want %s", err, replica.CodeInviteUsed)
	}
	// a revoked device is refused on its next connection
	if err := replica.Revoke(hub.p, devA.DeviceID()); err != nil {
		t.Fatal(err)
	}
	c, _ := replica.NewClient(devA)
	defer c.Close()
	if _, err := c.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("revoked device synced")
	}
	_ = chair
}
