package ballots

import (
	"time"

	"github.com/ecabinet/ecabinet/meetings"
)

// Valid reports whether s is one of the known ballot statuses.
func (s Status) Valid() bool {
	return s == StatusDraft || s == StatusOpen || s == StatusClosed
}

// Open issues a draft ballot to its members. The ballot must be valid first:
// once open, members answer it and sign what they saw, so it must not be
// malformed. Opening anything but a draft returns an error matching
// meetings.ErrInvalidTransition. Like every lifecycle method it leaves Rev to
// whoever applies the edit.
func (b *Ballot) Open() error {
	if b.Status != StatusDraft {
		return invalidTransition(b.Status, "open")
	}
	if err := b.Validate(); err != nil {
		return err
	}
	b.Status = StatusOpen
	return nil
}

// Close ends an open ballot at the given moment; the answers accepted before
// it are the ones that count. The secretariat may close before the deadline
// (the outcome may be decided already) or after it (late answers are chased),
// so the deadline is not checked. A zero time is refused
// ("err.ballot.closed_at_required"); closing anything but an open ballot
// returns an error matching meetings.ErrInvalidTransition.
func (b *Ballot) Close(at time.Time) error {
	if b.Status != StatusOpen {
		return invalidTransition(b.Status, "close")
	}
	if at.IsZero() {
		return meetings.NewError("err.ballot.closed_at_required", "closed_at")
	}
	b.Status = StatusClosed
	b.ClosedAt = at
	return nil
}

// ExtendDeadline moves the deadline of an open ballot later, to give members
// who are travelling more time. Only an open ballot can be extended (an
// error matching meetings.ErrInvalidTransition otherwise), and only to a
// strictly later time ("err.ballot.deadline_not_later"): shortening a
// deadline members were already told of would be unfair.
func (b *Ballot) ExtendDeadline(t time.Time) error {
	if b.Status != StatusOpen {
		return invalidTransition(b.Status, "extend_deadline")
	}
	if !t.After(b.Deadline) {
		return meetings.NewError("err.ballot.deadline_not_later", "deadline")
	}
	b.Deadline = t
	return nil
}

// invalidTransition is the ErrInvalidTransition-matching error for an action
// ("open", "close", "extend_deadline") the ballot's status does not allow.
func invalidTransition(from Status, action string) *meetings.Error {
	return &meetings.Error{
		Code: meetings.ErrInvalidTransition.Code,
		Args: map[string]any{"from": string(from), "action": action},
	}
}
