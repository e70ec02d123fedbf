package store

import (
	"errors"

	badger "github.com/dgraph-io/badger/v4"
)

// Prepared is a read-write transaction whose writes are made but not yet
// committed: the scaled-out hub (core/shared.go) makes its changes in its
// cache, appends the log entries they hold to the shared log, and commits
// the cache only once that log has committed, so that the cache is never
// ahead of the authority. It is admitted like any operation: Close waits
// until Commit or Discard has been called, which the caller must do.
type Prepared struct {
	s    *Store
	tx   *Tx
	done bool
}

// Prepare runs fn in a read-write transaction and keeps the transaction
// open for Commit or Discard. An error from fn discards it and is returned.
func (s *Store) Prepare(fn func(*Tx) error) (*Prepared, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	txn := s.db.NewTransaction(true)
	p := &Prepared{s: s, tx: &Tx{txn: txn, reads: &s.reads}}
	if err := fn(p.tx); err != nil {
		p.Discard()
		return nil, err
	}
	return p, nil
}

// Tx is the prepared transaction, to read what it wrote (or write more)
// before it commits.
func (p *Prepared) Tx() *Tx { return p.tx }

// Commit commits the transaction durably, as Update does: it returns once
// the commit is on disk. A conflict with a transaction committed since
// Prepare began is reported as badger reports it, and nothing is written.
func (p *Prepared) Commit() error {
	if p.done {
		return errPreparedDone
	}
	p.done = true
	defer p.s.leave()
	defer p.tx.txn.Discard()
	if err := p.tx.txn.Commit(); err != nil {
		return err
	}
	return p.s.db.Sync()
}

// Discard drops the transaction's writes. It is safe after Commit, and
// twice.
func (p *Prepared) Discard() {
	if p.done {
		return
	}
	p.done = true
	p.tx.txn.Discard()
	p.s.leave()
}

// ErrConflict reports a prepared transaction that read keys another
// transaction changed before it could commit.
var ErrConflict = badger.ErrConflict

// errPreparedDone: Commit after Commit or Discard.
var errPreparedDone = errors.New("store: prepared transaction already committed or discarded")
