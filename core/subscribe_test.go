package core_test

import (
	"fmt"
	"testing"

	"github.com/ecabinet/ecabinet/core"
)

// A real profile's changes reach a subscriber that did not read in time as
// the TopicAll marker, not as a silent gap.
func TestSubscribe_GivenManyChangesUnread_ThenTheMarkerArrives(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	events, stop := p.Subscribe()
	defer stop()
	for i := range 100 { // more than a subscriber's queue holds
		if _, err := p.AddMember(memberNamed(fmt.Sprintf("Thành viên %d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if first := <-events; !first.RefreshAll() || first.Topic != core.TopicAll {
		t.Errorf("first event = %+v, want the TopicAll marker", first)
	}
}

// Papers' files arriving or leaving (the downloader's chunks, which no
// operation announces) reach subscribers as a papers event with no ID, so
// that what is made of them (the meeting book, the Papers screen) looks
// again.
func TestPapersStored_ReachesSubscribers(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	events, stop := p.Subscribe()
	defer stop()
	p.PapersStored()
	if e := <-events; e.Topic != core.TopicPapers || e.ID != "" {
		t.Errorf("event = %+v, want papers with no ID", e)
	}
}
