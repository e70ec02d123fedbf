// Package hublog describes the hub's ordered log as the hub needs it,
// whatever keeps it: the embedded Badger store of a single-machine hub
// (hublog/badgerlog) or PostgreSQL shared by several hub processes
// (hublog/pglog). It holds no storage itself: the types, the interface and
// the promises every implementation keeps, which hublog/hublogtest checks.
//
// The promises, and why the hub needs each:
//
//   - Gap-free commit order. Entries are numbered 1, 2, 3… (hub_seq) and a
//     reader never sees entry n+1 without entry n: a puller advances its
//     checkpoint to the last entry it saw, so an entry that committed after
//     a higher one would be skipped for ever (SCALE.md §2: a bare database
//     sequence commits out of order). The number is allocated in the same
//     transaction as the insert, so a rolled-back append burns nothing.
//   - Idempotent append. An entry whose (Device, DevSeq) is already in the
//     log is not added again; the append reports the first one's Seq and At,
//     across processes, so a device that retries after a lost
//     acknowledgement, or pushes through another hub process, gets the same
//     answer.
//   - Read from a checkpoint: the entries after since, in order, that a
//     viewer may see, a page at a time, with the position to continue from
//     (past the entries it may not see, so its next read does not scan them
//     again).
//   - Wait: a long-poll wakes when the head moves past the caller's
//     checkpoint, whichever process appended. A wake-up is only a hint: the
//     caller always re-reads from its checkpoint.
//
// Op bytes are stored and returned untouched: they carry the device's
// signature. At is kept to the nanosecond, because the hub's signed receipt
// covers it.
package hublog

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Entry is one accepted operation in the log.
type Entry struct {
	// Seq is the entry's position, hub_seq: set by Append, from 1, no gaps.
	Seq uint64
	// Device and DevSeq name the operation: the device that signed it and
	// its own sequence number. They are the idempotency key.
	Device string
	DevSeq uint64
	// Op is the signed operation, byte for byte.
	Op []byte
	// Audience lists who may receive the entry, in the hub's own labels
	// (a member's ID, a body's); empty means every device.
	Audience []string
	// At is when the hub accepted the operation: deadlines are judged by
	// it and the receipt signs it.
	At time.Time
}

// Appended is Append's answer for one entry.
type Appended struct {
	Seq uint64
	At  time.Time
	// Existed: the log already held this (Device, DevSeq); Seq and At are
	// the first append's, and nothing was added.
	Existed bool
}

// Query selects what Read returns.
type Query struct {
	// Limit bounds the entries returned (at least 1 is used).
	Limit int
	// MaxBytes bounds their op bytes, but a page holds at least one entry
	// whatever its size; 0 means no bound.
	MaxBytes int
	// All returns every entry (the secretariat's, the chair's, the hub's
	// own view); otherwise only entries with an empty Audience or one that
	// shares a label with Labels.
	All    bool
	Labels []string
}

// Page is one Read.
type Page struct {
	Entries []Entry
	// Next is where the following Read starts: past every entry this one
	// looked at, including those the query left out.
	Next uint64
	// Head is the log's last position when the page was read.
	Head uint64
}

// Log is the hub's ordered log.
type Log interface {
	// Update runs fn in one transaction and commits it when fn returns
	// nil; an error rolls everything back and numbers nothing. The first
	// Head or Append in the transaction holds the log's end until it
	// commits, so that the numbers it sees are the numbers it gets.
	Update(ctx context.Context, fn func(Tx) error) error
	// Append adds entries in one transaction (Update with Tx.Append).
	Append(ctx context.Context, entries ...Entry) ([]Appended, error)
	// Read returns the entries after since that q selects, in order.
	Read(ctx context.Context, since uint64, q Query) (Page, error)
	// Head is the position of the newest entry, 0 for an empty log.
	Head(ctx context.Context) (uint64, error)
	// Lookup finds the entry a device numbered devSeq.
	Lookup(ctx context.Context, device string, devSeq uint64) (Entry, bool, error)
	// Wait returns the head as soon as it is past after, or ctx's error.
	Wait(ctx context.Context, after uint64) (uint64, error)
	// Close releases the log; the store under it is the caller's.
	Close() error
}

// Tx is one transaction of Update.
type Tx interface {
	// Head is the position of the newest entry, this transaction's
	// appends included.
	Head() (uint64, error)
	// Append numbers and adds entries after the head (their Seq is
	// ignored), or reports the ones already in the log (Existed).
	Append(entries ...Entry) ([]Appended, error)
}

// ErrInvalid is returned for an entry the log refuses whatever it holds: no
// device, no device sequence number, no op.
var ErrInvalid = errors.New("hublog: invalid entry")

// Check returns an error matching ErrInvalid when e cannot be appended.
func Check(e Entry) error {
	switch {
	case e.Device == "":
		return fmt.Errorf("%w: no device", ErrInvalid)
	case e.DevSeq == 0:
		return fmt.Errorf("%w: device %s: no device sequence number", ErrInvalid, e.Device)
	case e.DevSeq > 1<<63-1:
		return fmt.Errorf("%w: device %s: sequence number %d out of range", ErrInvalid, e.Device, e.DevSeq)
	case len(e.Op) == 0:
		return fmt.Errorf("%w: device %s #%d: no operation", ErrInvalid, e.Device, e.DevSeq)
	}
	return nil
}

// Sees reports whether a query admits an entry with this audience.
func (q Query) Sees(audience []string) bool {
	if q.All || len(audience) == 0 {
		return true
	}
	for _, a := range audience {
		for _, l := range q.Labels {
			if a == l {
				return true
			}
		}
	}
	return false
}

// Key is an entry's idempotency key.
type Key struct {
	Device string
	DevSeq uint64
}

// KeyOf returns e's idempotency key.
func KeyOf(e Entry) Key { return Key{e.Device, e.DevSeq} }

// ErrClosed is returned by a Log's methods after Close.
var ErrClosed = errors.New("hublog: log closed")
