package meetings

// Statuses lists every meeting status in lifecycle order, for screens and
// filters.
var Statuses = []Status{StatusDraft, StatusPublished, StatusInSession, StatusClosed}

// Valid reports whether s is one of the known statuses, so a value read from
// disk or the network can be refused before it drives the lifecycle.
func (s Status) Valid() bool {
	for _, k := range Statuses {
		if s == k {
			return true
		}
	}
	return false
}

// CanTransition reports whether a meeting may go from one status to another:
// one step forward along draft → published → in_session → closed, or back
// from published to draft (the secretariat unpublishes to correct a meeting
// before it starts). A session that has started cannot be un-started and a
// closed one stays closed, because minutes and attendance refer to them.
func CanTransition(from, to Status) bool {
	switch from {
	case StatusDraft:
		return to == StatusPublished
	case StatusPublished:
		return to == StatusInSession || to == StatusDraft
	case StatusInSession:
		return to == StatusClosed
	}
	return false
}

// Transition moves the meeting to status to, or returns an *Error with Code
// "err.invalid_transition" (matching ErrInvalidTransition under errors.Is)
// and Args "from" and "to" when CanTransition forbids it. It changes only the
// status: Rev is bumped by whoever applies the edit (the application core),
// and checking that a meeting is complete enough to publish is Validate's job.
func (m *Meeting) Transition(to Status) error {
	if !CanTransition(m.Status, to) {
		return &Error{
			Code: ErrInvalidTransition.Code,
			Args: map[string]any{"from": string(m.Status), "to": string(to)},
		}
	}
	m.Status = to
	return nil
}
