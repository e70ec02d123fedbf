// Package fanout hands values from one publisher to many subscribers
// without ever blocking the publisher and without losing news silently: a
// subscriber that falls behind gets, instead of the values it could not
// take, one marker that stands for all of them ("refresh everything"), so it
// can catch up by reading the current state. Core's event bus, the
// replicator's status and, later, the paper downloader's progress all use
// it.
package fanout

import "sync"

// Fanout fans values of type T out to subscribers. The zero value is not
// usable; make one with New.
type Fanout[T any] struct {
	size   int
	behind func(latest T) T

	mu      sync.Mutex
	subs    map[chan T]struct{}
	dropped uint64
	closed  bool
}

// New makes a fan-out whose subscribers each buffer size values (at least
// one). behind makes the marker a subscriber that fell behind receives in
// place of everything still queued for it; it is given the newest value,
// which the marker replaces too. For values that are the whole state (a
// status), behind can return latest itself.
func New[T any](size int, behind func(latest T) T) *Fanout[T] {
	return &Fanout[T]{size: max(size, 1), behind: behind, subs: map[chan T]struct{}{}}
}

// Subscribe returns a channel of the values published from now on and a
// function that stops the subscription and closes the channel (calling it
// again does nothing). After Close, the channel is closed at once.
func (f *Fanout[T]) Subscribe() (<-chan T, func()) {
	ch := make(chan T, f.size)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		close(ch)
		return ch, func() {}
	}
	f.subs[ch] = struct{}{}
	return ch, func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if _, ok := f.subs[ch]; ok {
			delete(f.subs, ch)
			close(ch)
		}
	}
}

// Publish hands v to every subscriber without waiting for any. A subscriber
// whose buffer is full has its queue replaced by one marker (behind(v)):
// it loses the detail of what changed, never the news that something did,
// and it gets the marker even if nothing is published after.
func (f *Fanout[T]) Publish(v T) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- v:
			continue
		default:
		}
		f.dropped++
		// Empty the queue (the reader may take some of it meanwhile: it
		// reads them either way), then the marker fits.
	drain:
		for {
			select {
			case <-ch:
			default:
				break drain
			}
		}
		select {
		case ch <- f.behind(v):
		default: // cannot happen: only Publish sends, under f.mu
		}
	}
}

// Dropped counts the times a subscriber fell behind and got a marker.
func (f *Fanout[T]) Dropped() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dropped
}

// Close closes every subscriber's channel; later subscriptions get a
// closed channel.
func (f *Fanout[T]) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for ch := range f.subs {
		close(ch)
		delete(f.subs, ch)
	}
}
