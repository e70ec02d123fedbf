package replica_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

var pass = []byte("hub test passphrase")

// startHub serves a hub for the test; init is its first secretary.
func startHub(t *testing.T) (*replicatest.Hub, replica.InitResult) {
	t.Helper()
	h := replicatest.Start(t, pass, replicatest.Options{Secretary: "Thư ký Chính phủ"})
	return h, h.Init
}

func TestSync_SecretaryMemberRoundTrip(t *testing.T) {
	hub, init := startHub(t)
	sec := hub.Enroll(t, init.Invite)
	if sec.Self().Role != meetings.RoleSecretary || sec.Self().ID != init.SecretaryID {
		t.Fatalf("enrolled as %+v, want the secretary %s", sec.Self(), init.SecretaryID)
	}
	replicatest.Sync(t, sec)
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
	// A draft reaches only the secretariat: published, it reaches everyone.
	if err := sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if rep := replicatest.Sync(t, sec); rep.Accepted != 5 {
		t.Fatalf("secretary push: %+v, want 5 accepted", rep)
	}
	// the hub now knows the members: invite them
	codeA, _, err := replica.CreateInvite(hub.P, a.ID, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	devA := hub.Enroll(t, codeA)
	replicatest.Sync(t, devA)
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
	replicatest.Sync(t, devA)
	replicatest.Sync(t, sec)
	res, answers, err := sec.Tally(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1 || answers[0].ID != ans.ID || res.Counts[ballots.ChoiceAgree] != 1 {
		t.Fatalf("secretary sees %d answers, %+v", len(answers), res)
	}
	// a used invite is refused
	_, err = replica.Enroll(context.Background(), hub.URL, codeA, filepath.Join(t.TempDir(), "again"), pass)
	var he *replica.Error
	if !errors.As(err, &he) || he.Code != replica.CodeInviteUsed {
		t.Fatalf("reused invite: %v, want %s", err, replica.CodeInviteUsed)
	}
	// a revoked device is refused on its next connection
	if err := replica.Revoke(hub.P, devA.DeviceID()); err != nil {
		t.Fatal(err)
	}
	c, _ := replica.NewClient(devA)
	defer c.Close()
	if _, err := c.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("revoked device synced")
	}
	_ = chair
}
