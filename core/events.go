package core

import (
	"sync"

	"github.com/ecabinet/ecabinet/fanout"
)

// Topic says what changed.
type Topic string

// Topics of events.
const (
	TopicMembers  Topic = "members"
	TopicBodies   Topic = "bodies"
	TopicMeetings Topic = "meetings"
	TopicBallots  Topic = "ballots"
	// TopicPapers: a paper was added, edited, replaced, recalled or opened
	// (ID is the paper), or papers' files came to or left this computer
	// (ID "": PapersStored).
	TopicPapers  Topic = "papers"
	TopicAnswers Topic = "answers"
	// TopicSync: the hub answered (a verdict, a page of the log) or the
	// connection changed.
	TopicSync Topic = "sync"
	// TopicReminders: the secretariat reminded members about a ballot.
	TopicReminders Topic = "reminders"
	// TopicNotes: one of the member's private notes (ID), or their note
	// key (ID ""), changed.
	TopicNotes Topic = "notes"
)

// Event tells subscribers that something changed; they re-read what they
// show from the core (which serves it from memory).
type Event struct {
	Topic Topic
	ID    string // the record that changed
}

// TopicAll is the marker a subscriber receives when it fell behind: events
// were replaced by this one, so it must re-read everything it shows.
const TopicAll Topic = "all"

// RefreshAll reports whether e is the marker that stands for missed events.
func (e Event) RefreshAll() bool { return e.Topic == TopicAll }

// busBuffer is how many events a subscriber may have queued before it is
// behind and gets the TopicAll marker instead.
const busBuffer = 64

// bus fans events out to subscribers without ever blocking the publisher:
// a subscriber that falls behind gets one TopicAll marker in place of the
// events it could not take (fanout), never a silent gap. The zero bus is
// ready to use.
type bus struct {
	once sync.Once
	f    *fanout.Fanout[Event]
}

func (b *bus) fan() *fanout.Fanout[Event] {
	b.once.Do(func() {
		b.f = fanout.New(busBuffer, func(Event) Event { return Event{Topic: TopicAll} })
	})
	return b.f
}

func (b *bus) subscribe() (<-chan Event, func()) { return b.fan().Subscribe() }

func (b *bus) publish(e Event) { b.fan().Publish(e) }

func (b *bus) closeAll() { b.fan().Close() }
