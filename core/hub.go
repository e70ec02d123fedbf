package core

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The hub is a replica like any other, opened on the hub's data directory,
// whose member is the organisation's system member. It applies pushed
// operations with the very same rules as every device (apply.go) and, when
// they pass, gives them the next position in one log. Devices apply the log
// in that order, so every replica reaches the same state.

const metaIsHub = "is_hub"
const metaHubHead = "hub_head"

// LogEntry is one accepted operation in the hub's log.
type LogEntry struct {
	Op []byte `cbor:"1,keyasint"`
	// Member is, for a ballot answer, the member it belongs to: other
	// members' devices do not receive it.
	Member string `cbor:"2,keyasint,omitempty"`
	// At is when the hub accepted it: what deadlines are judged by.
	At time.Time `cbor:"3,keyasint,omitempty"`
}

// Snapshot is the hub's current copy of one record, sent with a refusal so
// that the device can replace its diverged copy. Value is nil when the
// record does not exist on the hub.
type Snapshot struct {
	Entity string `cbor:"1,keyasint"` // store key, e.g. "meeting/<id>"
	Value  []byte `cbor:"2,keyasint,omitempty"`
	HubSeq uint64 `cbor:"3,keyasint"`
}

// Verdict is the hub's answer for one pushed operation: accepted at HubSeq,
// or refused with a Code (a translation key) and a Reason.
type Verdict struct {
	DevSeq   uint64    `cbor:"1,keyasint"`
	HubSeq   uint64    `cbor:"2,keyasint,omitempty"`
	Code     string    `cbor:"3,keyasint,omitempty"`
	Reason   string    `cbor:"4,keyasint,omitempty"`
	Snapshot *Snapshot `cbor:"5,keyasint,omitempty"`
	// At is when the hub accepted the operation.
	At time.Time `cbor:"6,keyasint,omitempty"`
	// Receipt is the hub's signature over Receipt{…} of an accepted
	// operation: the member's proof that the hub took it, and when.
	Receipt []byte `cbor:"7,keyasint,omitempty"`
}

// Receipt is what the hub signs when it accepts an operation.
type Receipt struct {
	Device string    `cbor:"1,keyasint"`
	DevSeq uint64    `cbor:"2,keyasint"`
	HubSeq uint64    `cbor:"3,keyasint"`
	At     time.Time `cbor:"4,keyasint"`
	OpHash []byte    `cbor:"5,keyasint"` // SHA-256 of the signed operation
}

func receiptBytes(op ops.Op, raw []byte, hubSeq uint64, at time.Time) ([]byte, error) {
	h := sha256.Sum256(raw)
	return codec.Marshal(Receipt{Device: op.Device, DevSeq: op.DevSeq, HubSeq: hubSeq, At: at, OpHash: h[:]})
}

// Accepted reports whether the hub took the operation.
func (v Verdict) Accepted() bool { return v.HubSeq > 0 }

// Pulled is one log entry as a device receives it.
type Pulled struct {
	HubSeq uint64    `cbor:"1,keyasint"`
	Op     []byte    `cbor:"2,keyasint"`
	At     time.Time `cbor:"3,keyasint,omitempty"`
}

// CreateHub makes the hub's replica for the organisation org. Its first log
// entry introduces the hub's system member and device to every replica.
func CreateHub(dir string, pass []byte, org string) (*Profile, error) {
	p, err := Create(dir, pass, meetings.Member{Name: org, Role: meetings.RoleSystem})
	if err != nil {
		return nil, err
	}
	err = p.st.Update(func(tx *store.Tx) error {
		if err := tx.PutMeta(metaIsHub, true); err != nil {
			return err
		}
		raw, err := tx.GetRaw(store.Key(store.PrefixOp, p.dev.ID, "1"))
		if err != nil {
			return err
		}
		_, err = appendLog(tx, raw, "", time.Now())
		return err
	})
	if err != nil {
		p.Close()
		return nil, err
	}
	p.hub = true
	return p, nil
}

// IsHub reports whether this replica is a hub.
func (p *Profile) IsHub() bool { return p.hub }

func appendLog(tx *store.Tx, raw []byte, member string, at time.Time) (uint64, error) {
	var head uint64
	if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	head++
	if err := tx.Put(store.SeqKey(store.PrefixHubLog, head), LogEntry{Op: raw, Member: member, At: at.UTC()}); err != nil {
		return 0, err
	}
	if err := appendAudit(tx, head, raw, at); err != nil {
		return 0, err
	}
	return head, tx.PutMeta(metaHubHead, head)
}

// HubHead is the position of the newest log entry.
func (p *Profile) HubHead() (uint64, error) {
	var head uint64
	err := p.st.View(func(tx *store.Tx) error { return tx.GetMeta(metaHubHead, &head) })
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	return head, err
}

// DeviceMember returns the member a device is enrolled for.
func (p *Profile) DeviceMember(device string) (meetings.Member, error) {
	var m meetings.Member
	err := p.st.View(func(tx *store.Tx) error {
		id, err := tx.GetRaw(store.Key(store.PrefixDeviceMember, device))
		if err != nil {
			return err
		}
		return tx.Get(store.Key(store.PrefixMember, string(id)), &m)
	})
	if errors.Is(err, store.ErrNotFound) {
		return m, ErrNotFound
	}
	return m, err
}

// HubAccept checks and orders operations pushed by the device peer (the
// identity its TLS certificate proves), in one transaction that is synced
// before it returns: a verdict is only ever sent for what is on disk. A
// repeated push of the same (device, sequence) gets the verdict it got the
// first time, so pushing is idempotent.
func (p *Profile) HubAccept(peer string, page [][]byte) ([]Verdict, error) {
	return p.hubAcceptPage(page, func(ops.Op) string { return peer })
}

// HubImport orders operations already signed by enrolled devices as if each
// device had pushed its own: for migrations and load tests.
func (p *Profile) HubImport(page [][]byte) ([]Verdict, error) {
	return p.hubAcceptPage(page, func(op ops.Op) string { return op.Device })
}

// hubAcceptPage checks and orders a page in one synced transaction; peerOf
// names the device each op is taken to come from.
func (p *Profile) hubAcceptPage(page [][]byte, peerOf func(ops.Op) string) ([]Verdict, error) {
	if !p.hub {
		return nil, errors.New("not a hub")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	verdicts := make([]Verdict, len(page))
	var afters []func()
	var events []Event
	pre := p.preverify(page)
	err := p.st.Update(func(tx *store.Tx) error {
		t := cachedTxn(tx)
		for i, raw := range page {
			peer := ""
			if _, op, err := pre[i].decoded(raw); err == nil {
				peer = peerOf(op)
			}
			v, res, err := p.hubAcceptOne(t, peer, raw, pre[i])
			if err != nil {
				return err
			}
			verdicts[i] = v
			afters = append(afters, res.after)
			events = append(events, res.events...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	p.commitModel(afters, events)
	return verdicts, nil
}

func (p *Profile) hubAcceptOne(tx *txn, peer string, raw []byte, pre verified) (Verdict, applied, error) {
	s, op, err := pre.decoded(raw)
	if err != nil {
		return Verdict{Code: "err.sync.malformed", Reason: err.Error()}, applied{}, nil
	}
	v := Verdict{DevSeq: op.DevSeq}
	if op.Device != peer {
		v.Code, v.Reason = "err.sync.wrong_device", fmt.Sprintf("operation signed by device %s pushed by device %s", op.Device, peer)
		return v, applied{}, nil
	}
	pushedKey := store.Key(store.PrefixPushed, op.Device, fmt.Sprint(op.DevSeq))
	var prev Verdict
	if err := tx.Get(pushedKey, &prev); err == nil {
		return prev, applied{}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return v, applied{}, err
	}
	if old, ok, err := forgottenRefusal(tx, op.Device, op.DevSeq); err != nil || ok {
		return old, applied{}, err
	}
	pub, err := tx.GetRaw(store.Key(store.PrefixDevice, op.Device))
	if err != nil {
		v.Code, v.Reason = "err.sync.unknown_device", "device is not enrolled"
		return v, applied{}, nil
	}
	if err := pre.check(s, op, pub); err != nil {
		// Not recorded: a forgery must not decide what the real device's
		// operation with that number will be told.
		v.Code, v.Reason = "err.bad_signature", err.Error()
		return v, applied{}, nil
	}
	var head uint64
	if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
		return v, applied{}, err
	}
	now := p.now().UTC()
	res, aerr := p.apply(tx, op, raw, source{hubSeq: head + 1, hubAt: now})
	if aerr != nil {
		v.Code, v.Reason = ErrorKey(aerr), aerr.Error()
		if v.Code == "err.unexpected" {
			v.Code = "err.sync.refused"
		}
		snap, err := snapshotIn(tx, entityOf(op), head)
		if err != nil {
			return v, applied{}, err
		}
		v.Snapshot = snap
		return v, applied{}, keepRefusal(tx, pushedKey, op.Device, &v)
	}
	seq, err := appendLog(tx.Tx, raw, audienceMember(op), now)
	if err != nil {
		return v, applied{}, err
	}
	rb, err := receiptBytes(op, raw, seq, now)
	if err != nil {
		return v, applied{}, err
	}
	v.HubSeq, v.At, v.Receipt = seq, now, p.dev.Sign(rb)
	if op.Kind == ops.KindBallotClose {
		p.pendingResults = true
	}
	return v, res, tx.Put(pushedKey, v)
}

// PullBytes bounds the operation bytes of one pulled page, well inside the
// protocol's message size (a signed ballot result carries its answers).
const PullBytes = 1 << 20

// HubPull returns up to limit log entries after since that the device's
// member may see (and at most PullBytes of them, but always at least one),
// and the position to continue from. Answers reach only their own member,
// the chair and the secretariat.
func (p *Profile) HubPull(device string, since uint64, limit int) (entries []Pulled, next, head uint64, err error) {
	viewer, err := p.DeviceMember(device)
	if err != nil {
		return nil, 0, 0, err
	}
	seesAll := viewer.Role == meetings.RoleSecretary || viewer.Role == meetings.RoleChair || viewer.Role == meetings.RoleSystem
	next = since
	size := 0
	err = p.st.View(func(tx *store.Tx) error {
		if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		start := store.SeqKey(store.PrefixHubLog, since+1)
		prefix := []byte(store.PrefixHubLog + "/")
		return tx.EachFrom(prefix, start, func(_, val []byte) (bool, error) {
			var e LogEntry
			if err := codec.Unmarshal(val, &e); err != nil {
				return false, err
			}
			if len(entries) > 0 && size+len(e.Op) > PullBytes {
				return false, nil // the next page starts here
			}
			next++
			if seesAll || e.Member == "" || e.Member == viewer.ID {
				entries = append(entries, Pulled{HubSeq: next, Op: e.Op, At: e.At})
				size += len(e.Op)
			}
			return len(entries) < limit, nil
		})
	})
	return entries, next, head, err
}

// HubSnapshot returns the hub's current copy of a record.
func (p *Profile) HubSnapshot(entity string) (Snapshot, error) {
	var snap *Snapshot
	err := p.st.View(func(tx *store.Tx) error {
		var head uint64
		if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var err error
		snap, err = snapshotIn(tx, entity, head)
		return err
	})
	if err != nil || snap == nil {
		return Snapshot{}, errors.Join(err, ErrNotFound)
	}
	return *snap, nil
}

// snapshotIn reads a record for a Snapshot; entity "" gives nil.
func snapshotIn(tx interface{ GetRaw([]byte) ([]byte, error) }, entity string, head uint64) (*Snapshot, error) {
	if !snapshotable(entity) {
		return nil, nil
	}
	val, err := tx.GetRaw([]byte(entity))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	return &Snapshot{Entity: entity, Value: val, HubSeq: head}, nil
}

// snapshotable: records whose whole state one snapshot carries.
func snapshotable(entity string) bool {
	for _, p := range []string{store.PrefixMember, store.PrefixMeeting, store.PrefixBallot, store.PrefixBody} {
		if strings.HasPrefix(entity, p+"/") && strings.Count(entity, "/") == 1 {
			return true
		}
	}
	return false
}
