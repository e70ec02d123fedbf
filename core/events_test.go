package core

import (
	"fmt"
	"testing"
)

// A subscriber that stops reading while changes go on is told it missed
// some: its queue becomes one TopicAll marker, and what came after follows.
func TestBus_GivenASubscriberThatFellBehind_ThenItGetsTheRefreshAllMarker(t *testing.T) {
	tests := []struct {
		name      string
		published int
		wantFirst Topic
		wantN     int
	}{
		{"given room for every event then the events themselves", busBuffer, TopicMeetings, busBuffer},
		{"given one event too many then one marker", busBuffer + 1, TopicAll, 1},
		{"given more after the marker then the marker and those", busBuffer + 3, TopicAll, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bus
			ch, stop := b.subscribe()
			defer stop()
			for i := range tt.published {
				b.publish(Event{Topic: TopicMeetings, ID: fmt.Sprint(i)})
			}
			var got []Event
			for len(ch) > 0 {
				got = append(got, <-ch)
			}
			if len(got) != tt.wantN || got[0].Topic != tt.wantFirst {
				t.Fatalf("received %d events starting with %v, want %d starting with %s", len(got), got[0], tt.wantN, tt.wantFirst)
			}
			if got[0].RefreshAll() != (tt.wantFirst == TopicAll) {
				t.Errorf("RefreshAll() = %v on %v", got[0].RefreshAll(), got[0])
			}
			if n := len(got); tt.wantFirst == TopicAll && n > 1 && got[n-1].ID != fmt.Sprint(tt.published-1) {
				t.Errorf("last event = %v, want the newest after the marker", got[n-1])
			}
		})
	}
}
