// Package badgerlog keeps a hublog.Log in the embedded, encrypted Badger
// store (store.Store) of a single-machine hub: the default, where one
// process owns the log. It shows that the interface fits the embedded
// store as well as PostgreSQL, and is the floor the PostgreSQL log is
// measured against.
//
// One process owns a store (its directory lock), so one mutex orders the
// appends: the head is read, advanced and written in one transaction under
// it, numbers follow commit order with no gap, and a failed transaction
// writes nothing. Waiters are woken in memory after each commit.
//
// Keys (beside whatever else the store holds; core's own log is under
// store.PrefixHubLog, which this does not touch):
//
//	ordlog/<seq>               entry (CBOR), big-endian seq so keys sort in order
//	ordlogkey/<device>/<dev>   → seq, the idempotency index
//	meta/ordlog_head           the head
package badgerlog

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/store"
)

const (
	prefixEntry = "ordlog"
	prefixKey   = "ordlogkey"
	metaHead    = "ordlog_head"
)

// record is an entry as stored.
type record struct {
	Device   string   `cbor:"1,keyasint"`
	DevSeq   uint64   `cbor:"2,keyasint"`
	Op       []byte   `cbor:"3,keyasint"`
	Audience []string `cbor:"4,keyasint,omitempty"`
	AtNs     int64    `cbor:"5,keyasint"` // nanoseconds: the receipt signs them
}

// Log is a hublog.Log in a store.Store.
type Log struct {
	st *store.Store

	write sync.Mutex // orders Updates

	mu      sync.Mutex
	head    uint64
	changed chan struct{}
	closed  bool
}

var _ hublog.Log = (*Log)(nil)

// New returns the log kept in st, which stays the caller's to close.
func New(st *store.Store) (*Log, error) {
	l := &Log{st: st, changed: make(chan struct{})}
	var h uint64
	err := st.View(func(tx *store.Tx) error { return tx.GetMeta(metaHead, &h) })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("badgerlog: %w", err)
	}
	l.head = h
	return l, nil
}

// Close wakes the waiters with hublog.ErrClosed; the store stays open.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.changed)
	}
	return nil
}

func (l *Log) state() (head uint64, changed chan struct{}, closed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.head, l.changed, l.closed
}

// Head is the position of the newest committed entry.
func (l *Log) Head(context.Context) (uint64, error) {
	h, _, closed := l.state()
	if closed {
		return 0, hublog.ErrClosed
	}
	return h, nil
}

// Update runs fn in one synced store transaction; see hublog.Log.
func (l *Log) Update(ctx context.Context, fn func(hublog.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.write.Lock()
	defer l.write.Unlock()
	start, _, closed := l.state()
	if closed {
		return hublog.ErrClosed
	}
	var t *Tx
	err := l.st.Update(func(stx *store.Tx) error {
		t = &Tx{tx: stx, head: start, batch: map[hublog.Key]hublog.Appended{}}
		if err := fn(t); err != nil {
			return err
		}
		if t.head == start {
			return nil
		}
		return stx.PutMeta(metaHead, t.head)
	})
	if err != nil {
		return err
	}
	if t.head != start {
		l.mu.Lock()
		l.head = t.head
		if !l.closed {
			close(l.changed)
			l.changed = make(chan struct{})
		}
		l.mu.Unlock()
	}
	return nil
}

// Append adds entries in one transaction.
func (l *Log) Append(ctx context.Context, entries ...hublog.Entry) ([]hublog.Appended, error) {
	var out []hublog.Appended
	err := l.Update(ctx, func(t hublog.Tx) error {
		var err error
		out, err = t.Append(entries...)
		return err
	})
	return out, err
}

// Tx is one Update's transaction, the hublog.Tx that fn receives. The hub
// may put its own records in the same store transaction through Store.
type Tx struct {
	tx    *store.Tx
	head  uint64
	batch map[hublog.Key]hublog.Appended // this transaction's appends, which Lookup cannot see yet
}

// Store is the store transaction under t.
func (t *Tx) Store() *store.Tx { return t.tx }

// Head is the position of the newest entry, this transaction's appends
// included.
func (t *Tx) Head() (uint64, error) { return t.head, nil }

// Append numbers and adds entries after the head, or reports those already
// in the log; see hublog.Tx.
func (t *Tx) Append(entries ...hublog.Entry) ([]hublog.Appended, error) {
	for _, e := range entries {
		if err := hublog.Check(e); err != nil {
			return nil, err
		}
	}
	out := make([]hublog.Appended, len(entries))
	for i, e := range entries {
		k := hublog.KeyOf(e)
		if a, ok := t.batch[k]; ok {
			out[i] = a
			continue
		}
		old, ok, err := lookup(t.tx, e.Device, e.DevSeq)
		if err != nil {
			return nil, fmt.Errorf("badgerlog: append: %w", err)
		}
		if ok {
			out[i] = hublog.Appended{Seq: old.Seq, At: old.At, Existed: true}
			continue
		}
		t.head++
		at := e.At.UTC()
		r := record{Device: e.Device, DevSeq: e.DevSeq, Op: e.Op, Audience: e.Audience, AtNs: at.UnixNano()}
		if err := t.tx.Put(store.SeqKey(prefixEntry, t.head), r); err != nil {
			return nil, fmt.Errorf("badgerlog: append: %w", err)
		}
		if err := t.tx.Put(idKey(e.Device, e.DevSeq), t.head); err != nil {
			return nil, fmt.Errorf("badgerlog: append: %w", err)
		}
		out[i] = hublog.Appended{Seq: t.head, At: at}
		t.batch[k] = hublog.Appended{Seq: t.head, At: at, Existed: true}
	}
	return out, nil
}

func idKey(device string, devSeq uint64) []byte {
	return store.Key(prefixKey, device, strconv.FormatUint(devSeq, 10))
}

func lookup(tx *store.Tx, device string, devSeq uint64) (hublog.Entry, bool, error) {
	var seq uint64
	err := tx.Get(idKey(device, devSeq), &seq)
	if errors.Is(err, store.ErrNotFound) {
		return hublog.Entry{}, false, nil
	}
	if err != nil {
		return hublog.Entry{}, false, err
	}
	var r record
	if err := tx.Get(store.SeqKey(prefixEntry, seq), &r); err != nil {
		return hublog.Entry{}, false, fmt.Errorf("entry %d of %s #%d: %w", seq, device, devSeq, err)
	}
	return r.entry(seq), true, nil
}

func (r record) entry(seq uint64) hublog.Entry {
	return hublog.Entry{Seq: seq, Device: r.Device, DevSeq: r.DevSeq, Op: r.Op, Audience: r.Audience, At: time.Unix(0, r.AtNs).UTC()}
}

// Lookup finds the entry a device numbered devSeq.
func (l *Log) Lookup(_ context.Context, device string, devSeq uint64) (e hublog.Entry, ok bool, err error) {
	if _, _, closed := l.state(); closed {
		return e, false, hublog.ErrClosed
	}
	err = l.st.View(func(tx *store.Tx) error {
		e, ok, err = lookup(tx, device, devSeq)
		return err
	})
	if err != nil {
		err = fmt.Errorf("badgerlog: lookup: %w", err)
	}
	return e, ok, err
}

// Read returns a page after since from one read transaction, bounded by
// the head that transaction sees.
func (l *Log) Read(_ context.Context, since uint64, q hublog.Query) (hublog.Page, error) {
	if _, _, closed := l.state(); closed {
		return hublog.Page{}, hublog.ErrClosed
	}
	limit := max(q.Limit, 1)
	var p hublog.Page
	full := false
	err := l.st.View(func(tx *store.Tx) error {
		if err := tx.GetMeta(metaHead, &p.Head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if since >= p.Head {
			return nil
		}
		size := 0
		prefix := []byte(prefixEntry + "/")
		return tx.EachFrom(prefix, store.SeqKey(prefixEntry, since+1), func(k, v []byte) (bool, error) {
			seq := seqOf(k)
			if seq > p.Head {
				return false, nil
			}
			var r record
			if err := codec.Unmarshal(v, &r); err != nil {
				return false, fmt.Errorf("entry %d: %w", seq, err)
			}
			if !q.Sees(r.Audience) {
				return true, nil
			}
			if q.MaxBytes > 0 && len(p.Entries) > 0 && size+len(r.Op) > q.MaxBytes {
				full = true
				return false, nil
			}
			size += len(r.Op)
			p.Entries = append(p.Entries, r.entry(seq))
			return len(p.Entries) < limit, nil
		})
	})
	if err != nil {
		return hublog.Page{}, fmt.Errorf("badgerlog: read: %w", err)
	}
	switch {
	case full || len(p.Entries) == limit:
		p.Next = p.Entries[len(p.Entries)-1].Seq
	case p.Head > since:
		p.Next = p.Head
	default:
		p.Next = since
	}
	return p, nil
}

// seqOf reads the position out of an entry's key: its last 8 bytes,
// big-endian (store.SeqKey).
func seqOf(k []byte) uint64 { return binary.BigEndian.Uint64(k[len(k)-8:]) }

// Wait returns the head as soon as it is past after.
func (l *Log) Wait(ctx context.Context, after uint64) (uint64, error) {
	for {
		h, ch, closed := l.state()
		if closed {
			return 0, hublog.ErrClosed
		}
		if h > after {
			return h, nil
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-ch:
		}
	}
}
