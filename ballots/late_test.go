package ballots_test

import (
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

func TestIsLate_FollowsThePolicy(t *testing.T) {
	deadline := time.Date(2023, 7, 25, 17, 0, 0, 0, time.UTC)
	before, after := deadline.Add(-time.Hour), deadline.Add(time.Hour)
	tests := []struct {
		name       string
		lateness   ballots.Lateness
		grace      time.Duration
		signed     time.Time
		received   time.Time
		wantIsLate bool
	}{
		{"reception: received in time", ballots.LatenessReception, 0, before, before, false},
		{"reception: signed in time, received after the deadline", ballots.LatenessReception, 0, before, after, true},
		{"reception (default): not yet received, signed after", "", 0, after, time.Time{}, true},
		{"device time: signed in time, received within the grace", ballots.LatenessDeviceTime, 2 * time.Hour, before, after, false},
		{"device time: signed in time, received after the grace", ballots.LatenessDeviceTime, 30 * time.Minute, before, after, true},
		{"device time: signed after the deadline", ballots.LatenessDeviceTime, 24 * time.Hour, after, after, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := ballots.Ballot{Deadline: deadline, Policy: ballots.Policy{Lateness: tt.lateness, Grace: tt.grace}}
			got := b.IsLate(ballots.Answer{At: tt.signed, ReceivedAt: tt.received})
			if got != tt.wantIsLate {
				t.Fatalf("IsLate = %v, want %v", got, tt.wantIsLate)
			}
		})
	}
}

func TestTally_LateAnswersAreKeptButNotCounted(t *testing.T) {
	deadline := time.Date(2023, 7, 25, 17, 0, 0, 0, time.UTC)
	b := ballots.Ballot{ID: "b", Options: ballots.VietnameseOptions(), Deadline: deadline, Eligible: []string{"c", "m1", "m2"},
		ChairID: "c", Policy: ballots.VNGovernment(), Status: ballots.StatusClosed}
	answers := []ballots.Answer{
		{ID: "1", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceAgree, At: deadline.Add(-time.Hour), ReceivedAt: deadline.Add(-time.Hour), Seq: 1},
		// m1 changes their mind after the deadline: the on-time answer still counts
		{ID: "2", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceDisagree, At: deadline.Add(time.Hour), ReceivedAt: deadline.Add(time.Hour), Seq: 2},
		// m2 only answered late: not counted
		{ID: "3", BallotID: "b", MemberID: "m2", Choice: ballots.ChoiceAgree, At: deadline.Add(-time.Minute), ReceivedAt: deadline.Add(time.Minute), Seq: 3},
	}
	res := ballots.Tally(b, answers)
	if res.Answered != 1 || res.Counts[ballots.ChoiceAgree] != 1 || res.Counts[ballots.ChoiceDisagree] != 0 {
		t.Fatalf("reception policy: %+v, want only m1's on-time agree", res)
	}
	// under device time with a grace, m2's answer signed in time counts
	b.Policy.Lateness, b.Policy.Grace = ballots.LatenessDeviceTime, time.Hour
	res = ballots.Tally(b, answers)
	if res.Answered != 2 || res.Counts[ballots.ChoiceAgree] != 2 || res.Standing != ballots.StandingPassed {
		t.Fatalf("device-time policy: %+v, want 2 agree, passed", res)
	}
}

// Counted lists exactly the answers Tally counts: a member's on-time answer
// still counts after a late change of mind; a member whose only answer is
// late, an ineligible member and an unoffered choice are not counted.
func TestCounted_IsWhatTallyCounts(t *testing.T) {
	deadline := time.Date(2023, 7, 25, 17, 0, 0, 0, time.UTC)
	before, after := deadline.Add(-time.Hour), deadline.Add(time.Hour)
	b := ballots.Ballot{ID: "b", Deadline: deadline, Eligible: []string{"m1", "m2", "m3"}, Options: ballots.VietnameseOptions()}
	answers := []ballots.Answer{
		{ID: "a1", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceAgree, At: before, ReceivedAt: before, Seq: 1},
		{ID: "a2", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceDisagree, At: after, ReceivedAt: after, Seq: 2},
		{ID: "a3", BallotID: "b", MemberID: "m2", Choice: ballots.ChoiceAgree, At: after, ReceivedAt: after, Seq: 3},
		{ID: "a4", BallotID: "b", MemberID: "outsider", Choice: ballots.ChoiceAgree, At: before, ReceivedAt: before, Seq: 4},
		{ID: "a5", BallotID: "b", MemberID: "m3", Choice: "blank", At: before, ReceivedAt: before, Seq: 5},
		{ID: "a6", BallotID: "other", MemberID: "m3", Choice: ballots.ChoiceAgree, At: before, ReceivedAt: before, Seq: 6},
	}
	got := ballots.Counted(b, answers)
	if len(got) != 1 || got["m1"].ID != "a1" {
		t.Fatalf("Counted = %v, want only m1's on-time a1", got)
	}
	res := ballots.Tally(b, answers)
	if res.Answered != len(got) || res.Counts[ballots.ChoiceAgree] != 1 {
		t.Fatalf("Tally answered %d, agree %d; Counted has %d", res.Answered, res.Counts[ballots.ChoiceAgree], len(got))
	}
}
