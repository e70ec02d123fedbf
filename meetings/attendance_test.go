package meetings_test

import (
	"reflect"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
)

func TestSetPresent(t *testing.T) {
	t.Run("given a session in progress when members arrive then recorded once each", func(t *testing.T) {
		m := meetings.Meeting{Status: meetings.StatusInSession}
		for _, id := range []string{"a", "b", "a"} {
			if err := m.SetPresent(id, true); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(m.Present, []string{"b", "a"}) && !reflect.DeepEqual(m.Present, []string{"a", "b"}) {
			t.Fatalf("present = %v", m.Present)
		}
		if !m.IsPresent("a") || m.IsPresent("c") {
			t.Fatal("IsPresent disagrees with Present")
		}
	})
	t.Run("given a present member when marked absent then removed", func(t *testing.T) {
		m := meetings.Meeting{Status: meetings.StatusInSession, Present: []string{"a", "b"}}
		if err := m.SetPresent("a", false); err != nil {
			t.Fatal(err)
		}
		if err := m.SetPresent("z", false); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(m.Present, []string{"b"}) {
			t.Fatalf("present = %v", m.Present)
		}
	})
	for _, s := range []meetings.Status{meetings.StatusDraft, meetings.StatusPublished, meetings.StatusClosed} {
		t.Run("given a "+string(s)+" meeting when attendance recorded then refused", func(t *testing.T) {
			m := meetings.Meeting{Status: s}
			if got := code(t, m.SetPresent("a", true)); got != "err.meeting.not_in_session" {
				t.Fatalf("code = %q", got)
			}
			if len(m.Present) != 0 {
				t.Fatal("attendance recorded")
			}
		})
	}
	t.Run("given an empty member ID when recorded then refused", func(t *testing.T) {
		m := meetings.Meeting{Status: meetings.StatusInSession}
		if got := code(t, m.SetPresent(" ", true)); got != "err.attendance.member_required" {
			t.Fatalf("code = %q", got)
		}
	})
}
