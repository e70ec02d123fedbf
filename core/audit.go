package core

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The audit log: every ballot action, in hub order, in an append-only
// chain where each entry's hash covers the one before it. The hub writes it
// as it orders operations; every replica that receives the log writes the
// same chain as it applies it, so the secretariat holds a copy whose head
// must equal the hub's, and a changed or removed entry breaks the chain at
// that entry.

const metaAuditHead = "audit_head"

// AuditEntry is one ballot action.
type AuditEntry struct {
	N      uint64    `cbor:"1,keyasint" json:"n"`
	HubSeq uint64    `cbor:"2,keyasint" json:"hub_seq"`
	Kind   ops.Kind  `cbor:"3,keyasint" json:"kind"`
	Device string    `cbor:"4,keyasint" json:"device"`
	Member string    `cbor:"5,keyasint" json:"member"`
	Ballot string    `cbor:"6,keyasint,omitempty" json:"ballot,omitempty"`
	OpHash []byte    `cbor:"7,keyasint" json:"op_hash"`
	At     time.Time `cbor:"8,keyasint" json:"at"`
	Prev   []byte    `cbor:"9,keyasint" json:"prev"`
	Hash   []byte    `cbor:"10,keyasint,omitempty" json:"hash"`
}

type auditHead struct {
	N    uint64 `cbor:"1,keyasint"`
	Hash []byte `cbor:"2,keyasint"`
}

// entryHash is the hash of an entry with its Hash field empty.
func entryHash(e AuditEntry) ([]byte, error) {
	e.Hash = nil
	b, err := codec.Marshal(e)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(b)
	return h[:], nil
}

// appendAudit adds the op at hubSeq to the chain if it is a ballot action.
func appendAudit(tx *store.Tx, hubSeq uint64, raw []byte, at time.Time) error {
	_, op, err := ops.Decode(raw)
	if err != nil {
		return err
	}
	return appendAuditOp(plainTxn(tx), hubSeq, raw, op, at)
}

// auditHeadKey is where the chain's head is kept (with the store's meta).
var auditHeadKey = store.Key("meta", metaAuditHead)

// appendAuditOp is appendAudit for an op already decoded from raw, in a
// transaction that may cache the head between consecutive entries.
func appendAuditOp(tx *txn, hubSeq uint64, raw []byte, op ops.Op, at time.Time) error {
	var err error
	ballot := auditedBallot(op)
	if ballot == "" {
		return nil
	}
	var head auditHead
	if err := tx.Get(auditHeadKey, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if head.Hash == nil {
		head.Hash = make([]byte, sha256.Size)
	}
	h := sha256.Sum256(raw)
	e := AuditEntry{N: head.N + 1, HubSeq: hubSeq, Kind: op.Kind, Device: op.Device, Member: op.Member,
		Ballot: ballot, OpHash: h[:], At: at.UTC(), Prev: head.Hash}
	if e.Hash, err = entryHash(e); err != nil {
		return err
	}
	if err := tx.Put(store.SeqKey(store.PrefixAudit, e.N), e); err != nil {
		return err
	}
	return tx.Put(auditHeadKey, auditHead{N: e.N, Hash: e.Hash})
}

// AuditEntries returns the audit log in order.
func (p *Profile) AuditEntries() ([]AuditEntry, error) {
	var out []AuditEntry
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(store.PrefixAudit+"/"), func(_, v []byte) error {
			var e AuditEntry
			if err := codec.Unmarshal(v, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// AuditProblem says where and how the audit chain is broken.
type AuditProblem struct {
	N      uint64 // the first entry that does not verify
	Reason string
}

func (a *AuditProblem) Error() string { return fmt.Sprintf("audit entry %d: %s", a.N, a.Reason) }

// AuditVerify checks the whole chain: numbering without gaps, each entry's
// hash, each link to the entry before, and the stored head. It returns the
// number of entries and, if the chain is broken, an *AuditProblem naming the
// first bad entry.
func (p *Profile) AuditVerify() (int, error) {
	var head auditHead
	err := p.st.View(func(tx *store.Tx) error { return tx.GetMeta(metaAuditHead, &head) })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	var n int
	prev := make([]byte, sha256.Size)
	var problem *AuditProblem
	err = p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(store.PrefixAudit+"/"), func(_, v []byte) error {
			if problem != nil {
				return nil
			}
			n++
			var e AuditEntry
			if err := codec.Unmarshal(v, &e); err != nil {
				problem = &AuditProblem{N: uint64(n), Reason: "entry cannot be read"}
				return nil
			}
			want, err := entryHash(e)
			switch {
			case e.N != uint64(n):
				problem = &AuditProblem{N: uint64(n), Reason: fmt.Sprintf("entry numbered %d where %d was expected (an entry is missing)", e.N, n)}
			case err != nil || !bytes.Equal(want, e.Hash):
				problem = &AuditProblem{N: e.N, Reason: "the entry was changed after it was written (its hash does not match)"}
			case !bytes.Equal(e.Prev, prev):
				problem = &AuditProblem{N: e.N, Reason: "the entry does not follow the one before it (the chain was altered)"}
			}
			prev = e.Hash
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	if problem != nil {
		return n, problem
	}
	if uint64(n) != head.N || (n > 0 && !bytes.Equal(prev, head.Hash)) {
		return n, &AuditProblem{N: uint64(n), Reason: "the log ends before its recorded head (entries were removed)"}
	}
	return n, nil
}

// AuditHead is the number of entries and the hash of the last one.
func (p *Profile) AuditHead() (uint64, []byte) {
	var head auditHead
	_ = p.st.View(func(tx *store.Tx) error { return tx.GetMeta(metaAuditHead, &head) })
	return head.N, head.Hash
}
