package core

import "sync"

// Topic says what changed.
type Topic string

// Topics of events.
const (
	TopicMembers  Topic = "members"
	TopicMeetings Topic = "meetings"
	TopicBallots  Topic = "ballots"
	TopicAnswers  Topic = "answers"
	// TopicSync: the hub answered (a verdict, a page of the log) or the
	// connection changed.
	TopicSync Topic = "sync"
	// TopicReminders: the secretariat reminded members about a ballot.
	TopicReminders Topic = "reminders"
)

// Event tells subscribers that something changed; they re-read what they
// show from the core (which serves it from memory).
type Event struct {
	Topic Topic
	ID    string // the record that changed
}

// bus fans events out to subscribers without ever blocking the publisher:
// a subscriber that falls behind loses events, not the saver its time.
type bus struct {
	mu   sync.Mutex
	subs map[chan Event]struct{}
}

func (b *bus) subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 64)
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[chan Event]struct{}{}
	}
	b.subs[ch] = struct{}{}
	b.mu.Unlock()
	return ch, func() {
		b.mu.Lock()
		if _, ok := b.subs[ch]; ok {
			delete(b.subs, ch)
			close(ch)
		}
		b.mu.Unlock()
	}
}

func (b *bus) publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

func (b *bus) closeAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for ch := range b.subs {
		close(ch)
		delete(b.subs, ch)
	}
}
