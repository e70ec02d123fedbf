package app

import (
	"testing"

	"github.com/ecabinet/ecabinet/core"
)

// The listener folds events into changes; the TopicAll marker (it fell
// behind and missed events) must make every screen re-read everything, so
// that no missed event leaves a screen stale.
func TestChanges_GivenEvents_ThenScreensRefreshWhatTheyTouch(t *testing.T) {
	topics := []core.Topic{core.TopicMembers, core.TopicMeetings, core.TopicBallots, core.TopicAnswers, core.TopicSync, core.TopicReminders}
	tests := []struct {
		name    string
		events  []core.Event
		has     map[core.Topic]bool
		touches map[string]bool // "b1", "b2" on TopicBallots
	}{
		{"given one ballot event then that ballot only",
			[]core.Event{{Topic: core.TopicBallots, ID: "b1"}},
			map[core.Topic]bool{core.TopicBallots: true}, map[string]bool{"b1": true}},
		{"given the marker then every topic and every record",
			[]core.Event{{Topic: core.TopicAll}},
			map[core.Topic]bool{core.TopicMembers: true, core.TopicMeetings: true, core.TopicBallots: true, core.TopicAnswers: true, core.TopicSync: true, core.TopicReminders: true},
			map[string]bool{"b1": true, "b2": true}},
		{"given the marker in a burst then still everything",
			[]core.Event{{Topic: core.TopicMeetings, ID: "m1"}, {Topic: core.TopicAll}},
			map[core.Topic]bool{core.TopicMembers: true, core.TopicMeetings: true, core.TopicBallots: true, core.TopicAnswers: true, core.TopicSync: true, core.TopicReminders: true},
			map[string]bool{"b1": true, "b2": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newChanges()
			for _, e := range tt.events {
				c.add(e)
			}
			for _, tp := range topics {
				if got := c.has(tp); got != tt.has[tp] {
					t.Errorf("has(%s) = %v, want %v", tp, got, tt.has[tp])
				}
			}
			for _, id := range []string{"b1", "b2"} {
				if got := c.touches(core.TopicBallots, id); got != tt.touches[id] {
					t.Errorf("touches(ballots, %s) = %v, want %v", id, got, tt.touches[id])
				}
			}
		})
	}
}
