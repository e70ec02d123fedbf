package replica

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/fanout"
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
// local change is made, whenever the hub has news for it (a long poll
// between rounds), or every Poll, with exponential backoff while the hub
// cannot be reached. It never blocks its callers.
type Service struct {
	p      *core.Profile
	client *Client
	Poll   time.Duration

	kick chan struct{}
	mu   sync.Mutex
	st   Status
	// subs fans status changes out. A status is the whole state, so a
	// subscriber that fell behind gets the newest one in place of those
	// it missed: it may skip intermediate states, never the last.
	subs *fanout.Fanout[Status]
	// dl fetches papers after each round, apart from it (download.go).
	dl *Downloader
}

// statusBuffer is how many status changes a subscriber may have queued.
const statusBuffer = 8

// NewService prepares the replicator for a profile (one that is not
// enrolled gets a service that only reports so).
func NewService(p *core.Profile) *Service {
	s := &Service{p: p, Poll: 20 * time.Second, kick: make(chan struct{}, 1),
		subs: fanout.New(statusBuffer, func(latest Status) Status { return latest })}
	c, err := NewClient(p)
	if err == nil {
		s.client = c
		s.dl = NewDownloader(p, c)
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

// Subscribe returns a channel that receives status changes: every one, or,
// for a reader that fell behind, the newest in place of those it missed.
func (s *Service) Subscribe() (<-chan Status, func()) { return s.subs.Subscribe() }

// update changes the status and publishes it. Publishing under s.mu keeps
// the order of the changes: the last a subscriber receives is the current.
func (s *Service) update(fn func(*Status)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(&s.st)
	s.subs.Publish(s.st)
}

// Downloads is the service's paper downloader (nil for a profile that is
// not enrolled): its Subscribe gives the progress per paper and overall.
func (s *Service) Downloads() *Downloader { return s.dl }

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
	go s.dl.Serve(ctx)
	events, stop := s.p.Subscribe()
	defer stop()
	go func() {
		for e := range events {
			// Any change but the hub's own news may be a local one to
			// push; so may the events a TopicAll marker stands for.
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
		var held *UploadHeldError
		if err == nil || errors.As(err, &held) { // a held paper stops no pull
			s.dl.Kick() // papers the pull brought, or recalled
		}
		t := time.NewTimer(wait)
		// Between rounds the hub is long-polled, so that what another
		// device sends arrives now and not at the next Poll; an Await that
		// fails (an older hub, the network) leaves the timer to it.
		news := make(chan struct{}, 1)
		actx, stopAwait := context.WithCancel(ctx)
		if err == nil {
			go func() {
				if ok, _ := s.client.Await(actx, s.p.Checkpoint()); ok {
					news <- struct{}{}
				}
			}()
		}
		select {
		case <-ctx.Done():
			t.Stop()
			stopAwait()
			return nil
		case <-s.kick:
			t.Stop()
		case <-news:
			t.Stop()
		case <-t.C:
		}
		stopAwait()
	}
}
