package ballots_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

func TestOpen(t *testing.T) {
	t.Run("given a valid draft when opened then open", func(t *testing.T) {
		b := newBallot(3, policy(ballots.PresetVNGovernment))
		b.Status = ballots.StatusDraft
		if err := b.Open(); err != nil || b.Status != ballots.StatusOpen {
			t.Fatalf("err = %v, status = %q", err, b.Status)
		}
	})
	t.Run("given an invalid draft when opened then refused with the validation error", func(t *testing.T) {
		b := newBallot(3, policy(ballots.PresetVNGovernment))
		b.Status = ballots.StatusDraft
		b.Question = ""
		if got := code(t, b.Open()); got != "err.ballot.question_required" || b.Status != ballots.StatusDraft {
			t.Fatalf("code = %q, status = %q", got, b.Status)
		}
	})
	for _, s := range []ballots.Status{ballots.StatusOpen, ballots.StatusClosed, ""} {
		t.Run("given a "+string(s)+" ballot when opened then invalid transition", func(t *testing.T) {
			b := newBallot(3, policy(ballots.PresetVNGovernment))
			b.Status = s
			if err := b.Open(); !errors.Is(err, meetings.ErrInvalidTransition) || b.Status != s {
				t.Fatalf("err = %v, status = %q", err, b.Status)
			}
		})
	}
}

func TestClose(t *testing.T) {
	at := t0.Add(time.Hour)
	t.Run("given an open ballot when closed then closed at that moment", func(t *testing.T) {
		b := newBallot(3, policy(ballots.PresetVNGovernment))
		if err := b.Close(at); err != nil || b.Status != ballots.StatusClosed || !b.ClosedAt.Equal(at) {
			t.Fatalf("err = %v, %+v", err, b)
		}
	})
	t.Run("given an open ballot when closed at the zero time then refused", func(t *testing.T) {
		b := newBallot(3, policy(ballots.PresetVNGovernment))
		if got := code(t, b.Close(time.Time{})); got != "err.ballot.closed_at_required" || b.Status != ballots.StatusOpen {
			t.Fatalf("code = %q, status %q", got, b.Status)
		}
	})
	for _, s := range []ballots.Status{ballots.StatusDraft, ballots.StatusClosed} {
		t.Run("given a "+string(s)+" ballot when closed then invalid transition", func(t *testing.T) {
			b := newBallot(3, policy(ballots.PresetVNGovernment))
			b.Status = s
			if err := b.Close(at); !errors.Is(err, meetings.ErrInvalidTransition) || b.Status != s || !b.ClosedAt.IsZero() {
				t.Fatalf("err = %v, %+v", err, b)
			}
		})
	}
}

func TestExtendDeadline(t *testing.T) {
	t.Run("given an open ballot when extended later then moved", func(t *testing.T) {
		b := newBallot(3, policy(ballots.PresetVNGovernment))
		later := b.Deadline.Add(24 * time.Hour)
		if err := b.ExtendDeadline(later); err != nil || !b.Deadline.Equal(later) {
			t.Fatalf("err = %v, deadline = %v", err, b.Deadline)
		}
	})
	for _, d := range []time.Duration{0, -time.Hour} {
		t.Run("given an open ballot when 'extended' by "+d.String()+" then refused", func(t *testing.T) {
			b := newBallot(3, policy(ballots.PresetVNGovernment))
			old := b.Deadline
			if got := code(t, b.ExtendDeadline(old.Add(d))); got != "err.ballot.deadline_not_later" || !b.Deadline.Equal(old) {
				t.Fatalf("code = %q, deadline = %v", got, b.Deadline)
			}
		})
	}
	for _, s := range []ballots.Status{ballots.StatusDraft, ballots.StatusClosed} {
		t.Run("given a "+string(s)+" ballot when extended then invalid transition", func(t *testing.T) {
			b := newBallot(3, policy(ballots.PresetVNGovernment))
			b.Status = s
			if err := b.ExtendDeadline(b.Deadline.Add(time.Hour)); !errors.Is(err, meetings.ErrInvalidTransition) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestStatusValid(t *testing.T) {
	for _, s := range []ballots.Status{ballots.StatusDraft, ballots.StatusOpen, ballots.StatusClosed} {
		if !s.Valid() {
			t.Errorf("given %q then want valid", s)
		}
	}
	if ballots.Status("in_session").Valid() || ballots.Status("").Valid() {
		t.Error("given an unknown status then want invalid")
	}
}
