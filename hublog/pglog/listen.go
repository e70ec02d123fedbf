package pglog

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ecabinet/ecabinet/hublog"
)

// listen holds the Log's listening connection until ctx ends, reconnecting
// with a growing pause after any failure. ready gets the first connection's
// outcome, so that Open fails on a database it cannot listen to.
func (l *Log) listen(ctx context.Context, ready chan<- error) {
	defer close(l.listenDone)
	pause := 50 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		c, err := l.connectListener(ctx)
		if first {
			ready <- err
			first = false
			if err != nil {
				return
			}
		}
		if err != nil {
			select {
			case <-ctx.Done():
				return
			case <-time.After(pause):
			}
			pause = min(2*pause, 2*time.Second)
			continue
		}
		pause = 50 * time.Millisecond
		l.serve(ctx, c)
		c.Close(context.Background()) //nolint:errcheck // it is broken or we are stopping
	}
}

// connectListener connects, LISTENs, and only then re-reads the head and
// wakes every waiter: whatever committed while no connection listened is
// below that head, so nothing is missed between the two.
func (l *Log) connectListener(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	l.mu.Lock()
	hook := l.beforeListen
	l.mu.Unlock()
	if hook != nil {
		hook()
	}
	c, err := pgx.ConnectConfig(cctx, l.listenCfg)
	if err != nil {
		return nil, fmt.Errorf("pglog: listen: %w", err)
	}
	if _, err := c.Exec(cctx, "LISTEN "+channel); err != nil {
		c.Close(context.Background()) //nolint:errcheck // failing anyway
		return nil, fmt.Errorf("pglog: listen: %w", err)
	}
	var h int64
	if err := c.QueryRow(cctx, `SELECT seq FROM hublog_head WHERE log_id = $1`, l.id).Scan(&h); err != nil {
		c.Close(context.Background()) //nolint:errcheck // failing anyway
		return nil, fmt.Errorf("pglog: listen: %w", err)
	}
	l.mu.Lock()
	l.reconnects++
	l.mu.Unlock()
	l.advance(uint64(h))
	l.wake()
	return c, nil
}

// serve hands notifications for this log to the waiters until the
// connection fails or ctx ends.
func (l *Log) serve(ctx context.Context, c *pgx.Conn) {
	for {
		n, err := c.WaitForNotification(ctx)
		if err != nil {
			return
		}
		if id, head, ok := parsePayload(n.Payload); ok && id == l.id {
			l.advance(head)
		}
	}
}

// advance records a head and wakes the waiters if it moved.
func (l *Log) advance(h uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if h > l.head {
		l.head = h
		close(l.changed)
		l.changed = make(chan struct{})
	}
}

// wake wakes every waiter to look again.
func (l *Log) wake() {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
}

// Reconnects is how many times the listening connection has connected,
// the first time included (for tests and metrics).
func (l *Log) Reconnects() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reconnects
}

// Wait returns the head as soon as it is past after. It is woken by
// notifications (any process's appends) and by this process's own; every
// Resync it also reads the head itself, in case a notification went
// astray.
func (l *Log) Wait(ctx context.Context, after uint64) (uint64, error) {
	for {
		l.mu.Lock()
		h, ch := l.head, l.changed
		l.mu.Unlock()
		if h > after {
			return h, nil
		}
		t := time.NewTimer(l.resync)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		case <-l.closed:
			t.Stop()
			return 0, hublog.ErrClosed
		case <-ch:
			t.Stop()
		case <-t.C:
			h, err := l.Head(ctx)
			if err != nil {
				return 0, err
			}
			l.advance(h)
		}
	}
}
