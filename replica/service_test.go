package replica_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// A device's background service hears of another device's change through
// its long poll, not at its next Poll: with Poll an hour away, a meeting
// the secretary publishes reaches the member's running service anyway.
func TestService_GivenAnHourToTheNextPoll_ThenTheLongPollBringsNewsNow(t *testing.T) {
	c := newPaperCommittee(t)
	member := c.devs[0]
	s := replica.NewService(member)
	s.Poll = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	// The first round runs at once; wait until it is over, so that what
	// follows can only come through the long poll.
	statuses, stop := s.Subscribe()
	defer stop()
	for st := range statuses {
		if !st.Syncing && !st.LastSync.IsZero() {
			break
		}
	}
	m, err := c.sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ tháng 1", Start: time.Now().Add(96 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	// Bounded so that a broken long poll fails the test instead of
	// hanging it; an hour's Poll could not deliver within it.
	limit := time.After(2 * time.Minute)
	for {
		if _, err := member.Meeting(m.ID); err == nil {
			return
		}
		select {
		case <-limit:
			t.Fatal("the member's service did not receive the published meeting before its next poll")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
