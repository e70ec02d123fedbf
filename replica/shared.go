package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// A scaled-out hub (SCALE.md; the design of issue 14): several processes
// behind one address share one log in PostgreSQL (hublog/pglog), one
// state (hubstate.Postgres) and one bucket (s3chunks). Each process keeps
// a cache, an ordinary hub profile derived entirely from the shared log:
// core's ShareLog makes every hub write one critical section under the
// log's lock, so that each decision is made once whatever process makes
// it, and HubCatchUp replays what the other processes appended. Pulls are
// answered from the cache after a catch-up; a follower goroutine waits on
// the log (LISTEN/NOTIFY) and catches the cache up between pulls, and
// wakes the pulls that long-poll.

// Shared is what the processes of a scaled-out hub share.
type Shared struct {
	// Log is the shared log (pglog).
	Log hublog.Log
	// State is the shared state (hubstate.Postgres), unlocked with the
	// hub's master key.
	State hubstate.Store
	// Chunks is the shared bucket (s3chunks).
	Chunks blob.ChunkStore
}

// IdentitySetting is the name under which a scaled-out hub's shared state
// keeps core.HubIdentity (sealed, like every setting there).
const IdentitySetting = "hub/identity"

// NewSharedHub prepares one process of a scaled-out hub on its cache p (a
// hub profile, made by core.CreateHubReplica the first time): it attaches
// the shared log, replaying what the cache lacks, and serves the shared
// state and chunks.
func NewSharedHub(ctx context.Context, p *core.Profile, sh Shared, log *slog.Logger) (*Hub, error) {
	if sh.Log == nil || sh.State == nil || sh.Chunks == nil {
		return nil, errors.New("replica: a shared hub needs its log, its state and its chunk store")
	}
	h, err := newHub(p, sh.State, log)
	if err != nil {
		return nil, err
	}
	// The chunk store first: replaying a paper's op checks its chunks.
	h.UseChunkStore(sh.Chunks)
	l := &timedLog{Log: sh.Log, m: h.m}
	if err := p.ShareLog(ctx, l); err != nil {
		return nil, fmt.Errorf("attach the shared log: %w", err)
	}
	h.shared = l
	h.catchUp = func(ctx context.Context) error {
		_, err := p.HubCatchUp(ctx)
		return err
	}
	h.checks = []readiness{
		{"database", func(ctx context.Context) error { _, err := sh.Log.Head(ctx); return err }},
		{"bucket", func(ctx context.Context) error {
			if p, ok := sh.Chunks.(interface{ Ping(context.Context) error }); ok {
				return p.Ping(ctx) // s3chunks: HeadBucket
			}
			// A chunk nobody has: a reachable store answers "no such
			// chunk", an unreachable one an error.
			_, err := sh.Chunks.Has(ctx, papers.ChunkID{})
			return err
		}},
	}
	return h, nil
}

// follow keeps the cache caught up with the shared log until ctx ends:
// it waits for the log's head to pass the cache's (any process's append
// wakes it), replays, and wakes the long-polling pulls. A failure (the
// database restarting) is logged and retried with a growing pause; the
// pulls catch up themselves meanwhile.
func (h *Hub) follow(ctx context.Context) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		mine, err := h.p.HubHead()
		if err == nil {
			var head uint64
			head, err = h.shared.Wait(ctx, mine)
			if err == nil {
				h.m.replayLag.Set(float64(head - min(head, mine)))
				var now uint64
				now, err = h.p.HubCatchUp(ctx)
				if err == nil {
					if mine, err = h.p.HubHead(); err == nil {
						h.m.replayLag.Set(float64(now - min(now, mine)))
					}
				}
				h.changed.wake()
			}
		}
		if err == nil {
			pause = 100 * time.Millisecond
			continue
		}
		if ctx.Err() != nil || errors.Is(err, hublog.ErrClosed) {
			return
		}
		h.log.Warn("following the shared log failed; retrying", "err", err, "pause", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// timedLog is the shared log with each call's time recorded in the
// database latency histogram (Wait excluded: it waits on purpose).
type timedLog struct {
	hublog.Log
	m *metrics
}

func (t *timedLog) observe(start time.Time) { t.m.dbLatency.Observe(time.Since(start).Seconds()) }

func (t *timedLog) Update(ctx context.Context, fn func(hublog.Tx) error) error {
	defer t.observe(time.Now())
	return t.Log.Update(ctx, fn)
}

func (t *timedLog) Append(ctx context.Context, entries ...hublog.Entry) ([]hublog.Appended, error) {
	defer t.observe(time.Now())
	return t.Log.Append(ctx, entries...)
}

func (t *timedLog) Read(ctx context.Context, since uint64, q hublog.Query) (hublog.Page, error) {
	defer t.observe(time.Now())
	return t.Log.Read(ctx, since, q)
}

func (t *timedLog) Head(ctx context.Context) (uint64, error) {
	defer t.observe(time.Now())
	return t.Log.Head(ctx)
}

func (t *timedLog) Lookup(ctx context.Context, device string, devSeq uint64) (hublog.Entry, bool, error) {
	defer t.observe(time.Now())
	return t.Log.Lookup(ctx, device, devSeq)
}
