package replica

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/core"
)

// Status is what the window's status bar shows about sync.
type Status struct {
	Enrolled bool
	Online   bool
	Syncing  bool
	LastSync time.Time
	Pending  int
	// Done and Total describe a long sync's progress.
	Done, Total int
	// Err is the last failure, empty when the last round succeeded.
	Err error
	Org string
	Hub string
}

// Service keeps a device in sync in the background: a round whenever a
// local change is made or every Poll, with exponential backoff while the
// hub cannot be reached. It never blocks its callers.
type Service struct {
	p      *core.Profile
	client *Client
	Poll   time.Duration

	kick chan struct{}
	mu   sync.Mutex
	st   Status
	subs map[chan Status]struct{}
}

// NewService prepares the replicator for a profile (one that is not
// enrolled gets a service that only reports so).
func NewService(p *core.Profile) *Service {
	s := &Service{p: p, Poll: 20 * time.Second, kick: make(chan struct{}, 1), subs: map[chan Status]struct{}{}}
	c, err := NewClient(p)
	if err == nil {
		s.client = c
		s.st = Status{Enrolled: true, Org: c.Org(), Hub: c.HubURL()}
	}
	s.st.Pending = p.Pending()
	return s
}

// Status is the current state.
func (s *Service) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st
}

// Subscribe returns a channel that receives every status change.
func (s *Service) Subscribe() (<-chan Status, func()) {
	ch := make(chan Status, 8)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		if _, ok := s.subs[ch]; ok {
			delete(s.subs, ch)
			close(ch)
		}
		s.mu.Unlock()
	}
}

func (s *Service) update(fn func(*Status)) {
	s.mu.Lock()
	fn(&s.st)
	st := s.st
	for ch := range s.subs {
		select {
		case ch <- st:
		default: // a slow reader misses intermediate states, never the saver
		}
	}
	s.mu.Unlock()
}

// SyncNow asks for a round as soon as possible.
func (s *Service) SyncNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Serve runs until ctx is done.
func (s *Service) Serve(ctx context.Context) error {
	if s.client == nil {
		<-ctx.Done()
		return nil
	}
	defer s.client.Close()
	events, stop := s.p.Subscribe()
	defer stop()
	go func() {
		for e := range events {
			if e.Topic != core.TopicSync {
				s.update(func(st *Status) { st.Pending = s.p.Pending() })
				s.SyncNow()
			}
		}
	}()
	backoff := time.Duration(0)
	for {
		s.update(func(st *Status) { st.Syncing, st.Done, st.Total = true, 0, 0 })
		rep, err := s.client.SyncOnce(ctx, func(done, total int) {
			s.update(func(st *Status) { st.Done, st.Total = done, total })
		})
		if ctx.Err() != nil {
			return nil
		}
		wait := s.Poll
		if err != nil {
			backoff = min(max(2*backoff, 2*time.Second), time.Minute)
			wait = backoff/2 + rand.N(backoff/2+1)
		} else {
			backoff = 0
		}
		s.update(func(st *Status) {
			st.Syncing = false
			st.Pending = s.p.Pending()
			st.Err = err
			var he *Error
			st.Online = err == nil || errors.As(err, &he)
			if err == nil {
				st.LastSync = time.Now()
				st.Pending = rep.Pending
			}
		})
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-s.kick:
			t.Stop()
		case <-t.C:
		}
	}
}
