package replica_test

import (
	"context"
	"crypto"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// committee enrolls a secretary on two devices and two members, with a
// published meeting and an open ballot, all synced.
type committee struct {
	hub          *replicatest.Hub
	sec1, sec2   *core.Profile
	a, b         *core.Profile
	chair, mA    meetings.Member
	meetingID    string
	ballotID     string
	ineligibleID string
}

func newCommittee(t *testing.T) *committee {
	t.Helper()
	hub, init := startHub(t)
	c := &committee{hub: hub}
	c.sec1 = hub.Enroll(t, init.Invite)
	replicatest.Sync(t, c.sec1)
	var err error
	c.chair, _ = c.sec1.AddMember(meetings.Member{Name: "Phạm Minh Chính", Role: meetings.RoleChair})
	c.mA, _ = c.sec1.AddMember(meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember})
	mB, _ := c.sec1.AddMember(meetings.Member{Name: "Phạm Thị Thanh Trà", Role: meetings.RoleMember})
	m, err := c.sec1.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: time.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	c.meetingID = m.ID
	// Published, so that the members receive it (a draft is the
	// secretariat's).
	if err := c.sec1.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	// B is not eligible for this ballot
	bl, err := c.sec1.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour), Eligible: []string{c.chair.ID, c.mA.ID}})
	if err != nil {
		t.Fatal(err)
	}
	c.ballotID, c.ineligibleID = bl.ID, mB.ID
	replicatest.Sync(t, c.sec1)
	invite := func(member string) string {
		code, _, err := replica.CreateInvite(hub.P, member, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	c.sec2 = hub.Enroll(t, invite(init.SecretaryID))
	c.a = hub.Enroll(t, invite(c.mA.ID))
	c.b = hub.Enroll(t, invite(mB.ID))
	for _, p := range []*core.Profile{c.sec2, c.a, c.b} {
		replicatest.Sync(t, p)
	}
	return c
}

func TestSync_StaleEditIsRefusedWithTheCurrentValue(t *testing.T) {
	c := newCommittee(t)
	// given both secretary devices edit the same meeting while offline
	if err := c.sec1.UpdateMeeting(c.meetingID, 0, core.MeetingInput{Title: "Phiên họp thứ năm (sửa lần 1)", Start: time.Now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := c.sec2.UpdateMeeting(c.meetingID, 0, core.MeetingInput{Title: "Phiên họp thứ năm (sửa lần 2)", Start: time.Now().Add(48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// when the first syncs, then the second
	replicatest.Sync(t, c.sec1)
	c2, _ := replica.NewClient(c.sec2)
	defer c2.Close()
	rep, err := c2.SyncOnce(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// then the second edit is refused as stale, and the device holds the hub's value
	if len(rep.Rejected) != 1 || rep.Rejected[0].Code != "err.stale" {
		t.Fatalf("second edit: %+v, want one err.stale refusal", rep.Rejected)
	}
	m, _ := c.sec2.Meeting(c.meetingID)
	if m.Title != "Phiên họp thứ năm (sửa lần 1)" {
		t.Fatalf("after refusal the device shows %q, want the hub's title", m.Title)
	}
	rej, err := c.sec2.Rejections()
	if err != nil || len(rej) != 1 || rej[0].Code != "err.stale" {
		t.Fatalf("rejections shown to the secretary: %+v, %v", rej, err)
	}
	// and every replica converges
	replicatest.Sync(t, c.sec1)
	replicatest.Sync(t, c.a)
	for _, p := range []*core.Profile{c.sec1, c.a} {
		got, _ := p.Meeting(c.meetingID)
		if got.Title != m.Title || got.Rev != m.Rev {
			t.Fatalf("%s: meeting %q rev %d, want %q rev %d", p.Self().Name, got.Title, got.Rev, m.Title, m.Rev)
		}
	}
}

func TestSync_AnswersAreCheckedByTheHub(t *testing.T) {
	c := newCommittee(t)
	// an ineligible member's answer is refused and the member is told why
	if _, err := c.b.AnswerBallot(c.ballotID, ballots.ChoiceAgree, ""); err == nil {
		t.Fatal("ineligible answer accepted locally")
	}
	// a member signing as another member: B's device forges A's answer
	forged := forgeAnswer(t, c.b, c.ballotID, c.mA.ID)
	vs, err := c.hub.P.HubAccept(c.b.DeviceID(), [][]byte{forged})
	if err != nil {
		t.Fatal(err)
	}
	if vs[0].Accepted() || vs[0].Code != "err.forbidden" {
		t.Fatalf("forged answer: %+v, want refused err.forbidden", vs[0])
	}
	// an op signed by another device than the one pushing is refused
	vs, _ = c.hub.P.HubAccept(c.a.DeviceID(), [][]byte{forged})
	if vs[0].Accepted() || vs[0].Code != "err.sync.wrong_device" {
		t.Fatalf("op pushed by another device: %+v", vs[0])
	}
	// a tampered op fails its signature
	_, op, _ := ops.Decode(forged)
	op.DevSeq = 999
	raw, _ := codec.Marshal(op)
	s, _, _ := ops.Decode(forged)
	tampered, _ := ops.Signed{Op: raw, Sig: s.Sig}.Encode()
	vs, _ = c.hub.P.HubAccept(c.b.DeviceID(), [][]byte{tampered})
	if vs[0].Accepted() || vs[0].Code != "err.bad_signature" {
		t.Fatalf("tampered op: %+v", vs[0])
	}
	// an answer arriving after close is refused; its sender is told, and the
	// answer disappears from the sender's device
	if _, err := c.a.AnswerBallot(c.ballotID, ballots.ChoiceDisagree, "Không đồng ý"); err != nil {
		t.Fatal(err)
	}
	if err := c.sec1.CloseBallot(c.ballotID); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec1)
	ca, _ := replica.NewClient(c.a)
	defer ca.Close()
	rep, err := ca.SyncOnce(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Rejected) != 1 || rep.Rejected[0].Code != "err.ballot.not_open" {
		t.Fatalf("late answer: %+v, want err.ballot.not_open", rep.Rejected)
	}
	if _, ok := c.a.MyAnswer(c.ballotID); ok {
		t.Fatal("refused answer still shown as the member's answer")
	}
	b, _ := c.a.Ballot(c.ballotID)
	if b.Status != ballots.StatusClosed {
		t.Fatalf("member's copy of the ballot: %s, want closed", b.Status)
	}
	// nothing refused was stored on the hub
	_, answers, _ := c.hub.P.Tally(c.ballotID)
	if len(answers) != 0 {
		t.Fatalf("hub stored %d answers, want 0", len(answers))
	}
}

func TestSync_DuplicatePushStoresOneAnswer(t *testing.T) {
	c := newCommittee(t)
	if _, err := c.a.AnswerBallot(c.ballotID, ballots.ChoiceAgree, "Nhất trí"); err != nil {
		t.Fatal(err)
	}
	items, err := c.a.Outbox(10)
	if err != nil || len(items) != 1 {
		t.Fatalf("outbox: %d items, %v", len(items), err)
	}
	v1, _ := c.hub.P.HubAccept(c.a.DeviceID(), [][]byte{items[0].Op})
	v2, _ := c.hub.P.HubAccept(c.a.DeviceID(), [][]byte{items[0].Op, items[0].Op})
	if !v1[0].Accepted() || !reflect.DeepEqual(v2[0], v1[0]) || !reflect.DeepEqual(v2[1], v1[0]) {
		t.Fatalf("verdicts differ for the same push: %+v then %+v", v1, v2)
	}
	replicatest.Sync(t, c.a) // the device's own push is a third copy
	_, answers, _ := c.hub.P.Tally(c.ballotID)
	if len(answers) != 1 {
		t.Fatalf("hub stored %d answers for one pushed three times", len(answers))
	}
	st, _ := c.a.OpState(items[0].DevSeq)
	if st.State != core.StateAccepted || st.HubSeq != v1[0].HubSeq {
		t.Fatalf("device op state %+v, want accepted at %d", st, v1[0].HubSeq)
	}
}

func TestSync_MembersDoNotReceiveOthersAnswers(t *testing.T) {
	c := newCommittee(t)
	if _, err := c.a.AnswerBallot(c.ballotID, ballots.ChoiceAgree, "riêng tư"); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.a)
	replicatest.Sync(t, c.b)
	replicatest.Sync(t, c.sec2)
	if _, answers, _ := c.b.Tally(c.ballotID); len(answers) != 0 {
		t.Fatalf("member B received %d answers of others", len(answers))
	}
	if _, answers, _ := c.sec2.Tally(c.ballotID); len(answers) != 1 {
		t.Fatalf("secretariat received %d answers, want 1", len(answers))
	}
}

// forgeAnswer makes, on dev's key, an answer op claiming to be member's.
func forgeAnswer(t *testing.T, p *core.Profile, ballotID, member string) []byte {
	t.Helper()
	body, _ := codec.Marshal(ops.BallotAnswer{Answer: ballots.Answer{ID: identity.NewID(), BallotID: ballotID, MemberID: member, Choice: ballots.ChoiceAgree, At: time.Now().UTC()}})
	op := ops.Op{Kind: ops.KindBallotAnswer, Device: p.DeviceID(), DevSeq: 500, Member: member, At: time.Now().UTC(), Body: body}
	raw, _ := codec.Marshal(op)
	signer := p.DeviceSigner()
	sig, err := signer.Sign(nil, raw, cryptoNoHash{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ops.Signed{Op: raw, Sig: sig}.Encode()
	return b
}

type cryptoNoHash struct{}

func (cryptoNoHash) HashFunc() crypto.Hash { return 0 }

var _ = errors.New

func replicaInvite(c *committee, member string) (string, time.Time, error) {
	return replica.CreateInvite(c.hub.P, member, time.Minute)
}
