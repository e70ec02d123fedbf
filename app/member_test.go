package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// memberYears shifts the member's committee a century ahead. The hub closes
// ballots whose deadline has passed by the real clock (replica.Hub has no
// clock a test can set), so the member's timeline must lie in the future;
// a fixed future keeps the golden images still.
const memberYears = 100

// memberNow is the member's clock.
var memberNow = fixedNow.AddDate(memberYears, 0, 0)

// memberProfile is the tests' committee seen by a voting member, Nguyễn
// Văn Thành, with an open ballot to answer. A member's device only learns
// the committee through sync, so this is done as in real life: a hub on a
// local port, the secretariat's device enrolled and filling the committee,
// then the member's device enrolled with an invite and synced.
func memberProfile(t *testing.T) (*core.Profile, ballots.Ballot) {
	t.Helper()
	c := memberCommittee(t)
	return c.member, c.ballot
}

// testHub is a hub serving on a local port.
type testHub struct {
	p      *core.Profile
	url    string
	invite string // the secretariat's first invite
	stop   func()
}

// committee is the member's committee through a real hub: the hub, the
// secretariat's device and the member's, both synced.
type committee struct {
	hub    *testHub
	sec    *core.Profile
	member *core.Profile
	ballot ballots.Ballot
}

// syncProfile runs one sync round for p.
func syncProfile(t *testing.T, p *core.Profile) replica.Report {
	t.Helper()
	c, err := replica.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	rep, err := c.SyncOnce(context.Background(), nil)
	if err != nil || !rep.Done() {
		t.Fatalf("sync of %s: %+v, %v", p.Self().Name, rep, err)
	}
	return rep
}

// startHub initialises a hub and serves it on 127.0.0.1.
func startHub(t *testing.T) *testHub {
	t.Helper()
	hubP, init, err := replica.InitHub(filepath.Join(t.TempDir(), "hub"), testPass,
		"Văn phòng Chính phủ", "Thư ký Ban Chỉ đạo", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	hubP.SetClock(func() time.Time { return memberNow })
	hub, err := replica.NewHub(hubP, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- hub.Serve(sctx, ln) }()
	var once gosync.Once
	stop := func() { once.Do(func() { cancel(); <-served }) }
	t.Cleanup(func() { stop(); hubP.Close() })
	return &testHub{p: hubP, url: "https://" + ln.Addr().String(), invite: init.Invite, stop: stop}
}

// memberCommittee builds the committee through a real hub.
func memberCommittee(t *testing.T) *committee {
	t.Helper()
	ctx := context.Background()
	h := startHub(t)
	hubP, url := h.p, h.url

	enroll := func(code, name string) *core.Profile {
		t.Helper()
		res, err := replica.Enroll(ctx, url, code, filepath.Join(t.TempDir(), name), testPass)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Profile.Close() })
		return res.Profile
	}
	sync := func(p *core.Profile) { t.Helper(); syncProfile(t, p) }

	sec := enroll(h.invite, "secretary")
	sync(sec)
	buildCommittee(t, sec, memberYears)
	thanh, err := sec.AddMember(meetings.Member{Name: "Nguyễn Văn Thành", Title: "Thứ trưởng Bộ Nội vụ", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sec.IssueBallot(core.BallotInput{
		Title:    "Phiếu lấy ý kiến về Đề án số hóa hồ sơ thủ tục hành chính",
		Question: "Đề nghị đồng chí cho biết ý kiến: đồng chí có đồng ý thông qua Đề án số hóa hồ sơ, kết quả giải quyết thủ tục hành chính không?",
		Deadline: memberNow.Add(50 * time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	sync(sec)

	code, _, err := replica.CreateInvite(hubP, thanh.ID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	member := enroll(code, "member")
	member.SetClock(func() time.Time { return memberNow })
	sync(member)
	if member.IsSecretary() || !b.IsEligible(member.Self().ID) {
		t.Fatalf("member profile: %+v, eligible %v", member.Self(), b.IsEligible(member.Self().ID))
	}
	if _, err := member.Ballot(b.ID); err != nil {
		t.Fatalf("the ballot did not reach the member: %v", err)
	}
	return &committee{hub: h, sec: sec, member: member, ballot: b}
}
