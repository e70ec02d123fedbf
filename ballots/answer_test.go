package ballots_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

func TestCheckAnswer(t *testing.T) {
	ok := ballots.Answer{ID: "a", BallotID: "b1", MemberID: member(1), Choice: A, At: t0, Seq: 1}
	tests := []struct {
		name   string
		status ballots.Status
		change func(a *ballots.Answer)
		want   string
	}{
		{"given an eligible member's offered choice then accepted", ballots.StatusOpen, func(a *ballots.Answer) {}, ""},
		{"given a comment of 4000 bytes then accepted", ballots.StatusOpen, func(a *ballots.Answer) { a.Comment = strings.Repeat("ý", 2000) }, ""},
		{"given a draft ballot then not open", ballots.StatusDraft, func(a *ballots.Answer) {}, "err.ballot.not_open"},
		{"given a closed ballot then not open", ballots.StatusClosed, func(a *ballots.Answer) {}, "err.ballot.not_open"},
		{"given another ballot's answer then mismatch", ballots.StatusOpen, func(a *ballots.Answer) { a.BallotID = "b2" }, "err.answer.ballot_mismatch"},
		{"given a member not eligible then refused", ballots.StatusOpen, func(a *ballots.Answer) { a.MemberID = "outsider" }, "err.answer.not_eligible"},
		{"given an empty member then refused", ballots.StatusOpen, func(a *ballots.Answer) { a.MemberID = "" }, "err.answer.not_eligible"},
		{"given a choice not offered then refused", ballots.StatusOpen, func(a *ballots.Answer) { a.Choice = ballots.ChoiceBlank }, "err.answer.choice_invalid"},
		{"given a comment of 4001 bytes then too long", ballots.StatusOpen, func(a *ballots.Answer) { a.Comment = strings.Repeat("x", 4001) }, "err.answer.comment_too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBallot(3, policy(ballots.PresetVNGovernment))
			b.Status = tt.status
			a := ok
			tt.change(&a)
			if got := code(t, b.CheckAnswer(a)); got != tt.want {
				t.Fatalf("CheckAnswer code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEffective(t *testing.T) {
	mk := func(id, m string, c ballots.Choice, seq uint64, at time.Duration) ballots.Answer {
		return ballots.Answer{ID: id, BallotID: "b1", MemberID: m, Choice: c, Seq: seq, At: t0.Add(at)}
	}
	tests := []struct {
		name    string
		answers []ballots.Answer
		want    map[string]string // member → answer ID
	}{
		{"given a higher Seq with an earlier At then the higher Seq wins",
			[]ballots.Answer{mk("x", "m1", A, 2, 0), mk("y", "m1", D, 1, time.Hour)}, map[string]string{"m1": "x"}},
		{"given equal Seq then the later At wins",
			[]ballots.Answer{mk("x", "m1", A, 1, time.Hour), mk("y", "m1", D, 1, 0)}, map[string]string{"m1": "x"}},
		{"given equal Seq and At then the greater ID wins",
			[]ballots.Answer{mk("b", "m1", A, 1, 0), mk("a", "m1", D, 1, 0)}, map[string]string{"m1": "b"}},
		{"given two members then one answer each",
			[]ballots.Answer{mk("a", "m1", A, 1, 0), mk("b", "m2", D, 1, 0), mk("c", "m1", O, 3, 0)}, map[string]string{"m1": "c", "m2": "b"}},
		{"given no answers then empty", nil, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 20 { // every order gives the same result
				shuffled := append([]ballots.Answer(nil), tt.answers...)
				rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				got := ballots.Effective(shuffled)
				if len(got) != len(tt.want) {
					t.Fatalf("got %d members, want %d", len(got), len(tt.want))
				}
				for m, id := range tt.want {
					if got[m].ID != id {
						t.Fatalf("member %s: got answer %q, want %q", m, got[m].ID, id)
					}
				}
			}
		})
	}
}
