package app

import (
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
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

// committee is the member's committee through a real hub: the hub, the
// secretariat's device and the member's, both synced.
type committee struct {
	hub    *replicatest.Hub
	sec    *core.Profile
	member *core.Profile
	ballot ballots.Ballot
}

// startHub serves a hub on 127.0.0.1 with the member's clock.
func startHub(t *testing.T) *replicatest.Hub {
	t.Helper()
	return replicatest.Start(t, testPass, replicatest.Options{Clock: func() time.Time { return memberNow }})
}

// memberCommittee builds the committee through a real hub.
func memberCommittee(t *testing.T) *committee {
	t.Helper()
	h := startHub(t)
	sync := func(p *core.Profile) { t.Helper(); replicatest.Sync(t, p) }

	sec := h.Enroll(t, h.Init.Invite)
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

	member := h.EnrollMember(t, thanh.ID)
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
