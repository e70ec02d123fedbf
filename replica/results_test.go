package replica_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

func TestResults_SignedAtCloseAndVerifiedEverywhere(t *testing.T) {
	c := newCommittee(t)
	if _, err := c.a.AnswerBallot(c.ballotID, ballots.ChoiceAgree, "Nhất trí"); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.a)
	if mine, ok := c.a.MyAnswer(c.ballotID); !ok || mine.ReceivedAt.IsZero() || mine.Seq >= 1<<48 {
		t.Fatalf("the member's own answer does not show the hub's confirmation: %+v", mine)
	}
	// the member keeps the hub's signed receipt
	rej, _ := c.a.Rejections()
	if len(rej) != 0 {
		t.Fatalf("unexpected refusals: %+v", rej)
	}
	st, err := c.a.OpState(2) // devseq 1 is the profile's introduction
	if err != nil || st.State != core.StateAccepted || len(st.Receipt) == 0 || st.HubAt.IsZero() {
		t.Fatalf("answer state %+v, %v; want accepted with a receipt", st, err)
	}
	// the secretary closes; the hub signs the result
	if err := c.sec1.CloseBallot(c.ballotID); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec1)
	// (the hub publishes on its own right after the close; doing it again
	// here must be harmless)
	if _, err := c.hub.P.HubPublishResults(); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.hub.P.BallotResult(c.ballotID); !ok {
		t.Fatal("the hub has no signed result after the close")
	}
	// B, not eligible, neither chair nor secretary, never holds the ballot
	replicatest.Sync(t, c.b)
	if _, err := c.b.Ballot(c.ballotID); err == nil {
		t.Fatalf("%s holds a ballot they may not see", c.b.Self().Name)
	}
	if _, ok := c.b.BallotResult(c.ballotID); ok {
		t.Fatalf("%s holds the result of a ballot they may not see", c.b.Self().Name)
	}
	for _, p := range []*core.Profile{c.sec1, c.a} {
		replicatest.Sync(t, p)
		rc, ok := p.BallotResult(c.ballotID)
		if !ok || !rc.Verified {
			t.Fatalf("%s: result %+v, want verified", p.Self().Name, rc)
		}
		// every member now sees the counted answers
		res, answers, _ := p.Tally(c.ballotID)
		if len(answers) != 1 || res.Counts[ballots.ChoiceAgree] != 1 || string(res.Standing) != rc.Result.Standing {
			t.Fatalf("%s: tally %+v over %d answers, hub signed %s", p.Self().Name, res, len(answers), rc.Result.Standing)
		}
	}
	// the audit chains of the hub and the secretariat are the same
	hn, hh := c.hub.P.AuditHead()
	sn, sh := c.sec1.AuditHead()
	if hn == 0 || hn != sn || !bytes.Equal(hh, sh) {
		t.Fatalf("audit heads differ: hub %d %x, secretary %d %x", hn, hh, sn, sh)
	}
	if _, err := c.sec1.AuditVerify(); err != nil {
		t.Fatal(err)
	}
}

func TestDeadline_AutoCloseLateAnswersAndReminders(t *testing.T) {
	c := newCommittee(t)
	// a ballot with a short deadline, judged by reception time
	b, err := c.sec1.IssueBallot(core.BallotInput{Title: "Phiếu gấp", Question: "Thông qua?", Deadline: time.Now().Add(2 * time.Second), Eligible: []string{c.chair.ID, c.mA.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sec1.RemindBallot(b.ID, "Đề nghị các đồng chí cho ý kiến trước hạn."); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec1)
	replicatest.Sync(t, c.a)
	if r, ok := c.a.ReminderFor(b.ID); !ok || r.Message == "" {
		t.Fatalf("member did not receive the reminder: %+v", r)
	}
	// the member answers in time but only syncs after the deadline: the
	// answer is kept and shown late, not counted
	if _, err := c.a.AnswerBallot(b.ID, ballots.ChoiceAgree, ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2500 * time.Millisecond)
	replicatest.Sync(t, c.a)
	_, answers, _ := c.hub.P.Tally(b.ID)
	if len(answers) != 1 {
		t.Fatalf("late answer not kept: %d answers", len(answers))
	}
	hb, _ := c.hub.P.Ballot(b.ID)
	if !hb.IsLate(answers[0]) {
		t.Fatalf("answer received %v after deadline %v not marked late", answers[0].ReceivedAt, hb.Deadline)
	}
	// the hub closes it at the deadline and signs a result that does not count it
	if n, err := c.hub.P.HubCloseDue(time.Now()); err != nil || n != 1 {
		t.Fatalf("closed %d due ballots: %v", n, err)
	}
	if _, err := c.hub.P.HubPublishResults(); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec1)
	rc, ok := c.sec1.BallotResult(b.ID)
	if !ok || !rc.Verified || rc.Result.Counts["agree"] != 0 || len(rc.Result.Answers) != 1 {
		t.Fatalf("result %+v: want verified, the late answer kept but not counted", rc)
	}
}
