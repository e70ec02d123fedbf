package meetings_test

import (
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
)

func TestTransition(t *testing.T) {
	const (
		draft     = meetings.StatusDraft
		published = meetings.StatusPublished
		inSession = meetings.StatusInSession
		closed    = meetings.StatusClosed
	)
	allowed := map[[2]meetings.Status]bool{
		{draft, published}:     true,
		{published, inSession}: true,
		{inSession, closed}:    true,
		{published, draft}:     true,
	}
	all := append(append([]meetings.Status{}, meetings.Statuses...), "", "archived")
	for _, from := range all {
		for _, to := range all {
			name := "given " + string(from) + " when moved to " + string(to) + " then "
			want := allowed[[2]meetings.Status{from, to}]
			if want {
				name += "allowed"
			} else {
				name += "refused"
			}
			t.Run(name, func(t *testing.T) {
				m := meetings.Meeting{Status: from}
				err := m.Transition(to)
				if want {
					if err != nil || m.Status != to {
						t.Fatalf("err = %v, status = %q", err, m.Status)
					}
					return
				}
				if !errors.Is(err, meetings.ErrInvalidTransition) {
					t.Fatalf("err = %v, want ErrInvalidTransition", err)
				}
				if m.Status != from {
					t.Fatalf("status changed to %q on a refused transition", m.Status)
				}
			})
		}
	}
}

func TestTransition_GivenRefusal_ThenArgsNameBothStatuses(t *testing.T) {
	m := meetings.Meeting{Status: meetings.StatusClosed}
	var e *meetings.Error
	if !errors.As(m.Transition(meetings.StatusDraft), &e) {
		t.Fatal("want *meetings.Error")
	}
	if e.Code != "err.invalid_transition" || e.Args["from"] != "closed" || e.Args["to"] != "draft" {
		t.Fatalf("got %+v", e)
	}
}

func TestStatusValid(t *testing.T) {
	for _, s := range meetings.Statuses {
		if !s.Valid() {
			t.Errorf("given %q when checked then want valid", s)
		}
	}
	for _, s := range []meetings.Status{"", "open", "Draft"} {
		if s.Valid() {
			t.Errorf("given %q when checked then want invalid", s)
		}
	}
}
