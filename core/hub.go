package core

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
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

// metaHubIndexed: the hub's log is indexed by audience (audience.go);
// a hub made before that is indexed when it is next opened.
const metaHubIndexed = "hub_indexed"

// LogEntry is one accepted operation in the hub's log.
type LogEntry struct {
	Op []byte `cbor:"1,keyasint"`
	// Member is how entries logged before audiences were written down
	// named a private record's member (entryGroups reads it); new entries
	// leave it empty and say Groups.
	Member string `cbor:"2,keyasint,omitempty"`
	// At is when the hub accepted it: what deadlines are judged by.
	At time.Time `cbor:"3,keyasint,omitempty"`
	// Groups is who may receive it (core/audience.go), decided when it was
	// logged from the hub's state after it applied.
	Groups []string `cbor:"4,keyasint,omitempty"`
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
		if err := tx.PutMeta(metaHubIndexed, true); err != nil {
			return err
		}
		raw, err := tx.GetRaw(store.Key(store.PrefixOp, p.dev.ID, "1"))
		if err != nil {
			return err
		}
		_, err = appendLog(tx, raw, []string{groupEveryone}, "", time.Now())
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

// appendLog gives an op the next place in the log, addressed to groups,
// with an index key per group (what pulling reads) and, for an op hanging
// from a record (hangs, the record's store key), one under that record
// (what a reveal re-sends).
func appendLog(tx *store.Tx, raw []byte, groups []string, hangs string, at time.Time) (uint64, error) {
	var head uint64
	if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	head++
	if err := tx.Put(store.SeqKey(store.PrefixHubLog, head), LogEntry{Op: raw, At: at.UTC(), Groups: groups}); err != nil {
		return 0, err
	}
	if err := indexEntry(tx, head, groups, hangs); err != nil {
		return 0, err
	}
	if err := appendAudit(tx, head, raw, at); err != nil {
		return 0, err
	}
	return head, tx.PutMeta(metaHubHead, head)
}

func indexEntry(tx *store.Tx, seq uint64, groups []string, hangs string) error {
	for _, g := range groups {
		if err := tx.PutRaw(groupKey(g, seq), nil); err != nil {
			return err
		}
	}
	if hangs != "" {
		return tx.PutRaw(store.SeqKey(store.PrefixHubRec+"/"+hangs, seq), nil)
	}
	return nil
}

// groupKey is the index key of the entry seq in a group's stream.
func groupKey(group string, seq uint64) []byte {
	return store.SeqKey(store.PrefixHubIdx+"/"+group, seq)
}

// hangsFrom names the record an op hangs from without changing it as a
// whole (an answer, a mark, a reminder, a result), "" for others.
func hangsFrom(op ops.Op) string {
	spec, rec, ok := ops.RecordOf(op)
	if !ok || spec.Repair || spec.Creates || !ownAudience(rec.Type) {
		return ""
	}
	return entityKey(rec)
}

// hubLog logs an op the hub has just applied: addressed to the audience
// its kind's rule gives (audience.go), followed by what the members who
// joined or left a record's audience because of it must receive
// (reveal.go). was is who could see what before the op applied.
func (p *Profile) hubLog(tx *txn, op ops.Op, raw []byte, at time.Time, was audienceBefore) (uint64, error) {
	return p.hubLogAs(tx, op, raw, at, was, nil)
}

// hubLogAs is hubLog with the audience given (groups non-nil): a replayed
// entry keeps the audience its originating process decided (shared.go).
func (p *Profile) hubLogAs(tx *txn, op ops.Op, raw []byte, at time.Time, was audienceBefore, groups []string) (uint64, error) {
	if groups == nil {
		var err error
		if groups, err = logGroups(tx, op); err != nil {
			return 0, err
		}
	}
	hangs := hangsFrom(op)
	if owner, err := paperOpOwner(tx, op); err != nil {
		return 0, err
	} else if owner != "" {
		// A paper's ops hang from its meeting or ballot: a reveal of that
		// record re-sends them to those who join it (papers_audience.go).
		hangs = owner
	}
	seq, err := appendLog(tx.Tx, raw, groups, hangs, at)
	if err != nil {
		return 0, err
	}
	if op.Kind == ops.KindBallotAnswer {
		if _, rec, ok := ops.RecordOf(op); ok {
			if err := p.hubProgress(tx, rec.ID); err != nil {
				return 0, err
			}
		}
	}
	return seq, p.tellAudience(tx, op, was)
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
	return p.hubAcceptPage(page, func(ops.Op) string { return peer }, p.st.Update)
}

// HubImport orders operations already signed by enrolled devices as if each
// device had pushed its own: for migrations and load tests.
func (p *Profile) HubImport(page [][]byte) ([]Verdict, error) {
	return p.hubAcceptPage(page, func(op ops.Op) string { return op.Device }, p.st.Update)
}

// HubImportUnsynced is HubImport for a bulk load (a migration, a load
// test's hub of several years): every op is checked, applied and logged
// exactly as HubImport does, but a page's commit does not wait for the
// disk, so a load is bound by the work and not by one flush per page.
// Call HubSync when the load is done. A crash before that may lose the
// latest pages, each whole, never part of one; running the import again
// then gives the ops already taken the verdicts they got.
func (p *Profile) HubImportUnsynced(page [][]byte) ([]Verdict, error) {
	return p.hubAcceptPage(page, func(op ops.Op) string { return op.Device }, p.st.UpdateUnsynced)
}

// HubSync makes every commit so far durable (after HubImportUnsynced).
func (p *Profile) HubSync() error { return p.st.Sync() }

// HubSettle compacts the hub's store after a bulk load (store.Settle).
func (p *Profile) HubSettle() error { return p.st.Settle() }

// hubAcceptPage checks and orders a page in one transaction, committed by
// commit; peerOf names the device each op is taken to come from.
func (p *Profile) hubAcceptPage(page [][]byte, peerOf func(ops.Op) string, commit func(func(*store.Tx) error) error) ([]Verdict, error) {
	if !p.hub {
		return nil, errors.New("not a hub")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.writable(); err != nil {
		return nil, err
	}
	if p.shared != nil {
		// Every process's writes in one order (shared.go); the shared log
		// makes them durable, so an unsynced import is synced here too.
		commit = p.hubWrite
	}
	var verdicts []Verdict
	var afters []func()
	var events []Event
	pre := p.preverify(page)
	err := commit(func(tx *store.Tx) error {
		// Each attempt starts afresh.
		verdicts, afters, events = make([]Verdict, len(page)), nil, nil
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
	// What a membership change owes beyond its own transaction (reveal.go).
	// Failing here, the verdicts are on disk and a repeated push gets them
	// again; the reveals are still written down and made at the next try.
	if err := p.hubRevealPending(); err != nil {
		return nil, err
	}
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
	was, err := p.audienceBefore(tx, op)
	if err != nil {
		return v, applied{}, err
	}
	res, aerr := p.apply(tx, op, raw, source{hubSeq: head + 1, hubAt: now})
	if aerr != nil {
		v.Code, v.Reason = ErrorKey(aerr), aerr.Error()
		if v.Code == "err.unexpected" {
			v.Code = "err.sync.refused"
		}
		snap, err := snapshotFor(tx, peer, entityOf(op), head)
		if err != nil {
			return v, applied{}, err
		}
		v.Snapshot = snap
		return v, applied{}, keepRefusal(tx, pushedKey, op.Device, &v)
	}
	seq, err := p.hubLog(tx, op, raw, now, was)
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
// and the position to continue from. The organisation's secretariat reads
// the log itself; any other member reads the index streams of their
// groups (audience.go) merged in log order, so that the entries they may
// not see are never read: the cost is their share, not the log. next moves
// past what they may not see without reading it, up to the head when
// nothing more is theirs.
func (p *Profile) HubPull(device string, since uint64, limit int) (entries []Pulled, next, head uint64, err error) {
	member, err := p.DeviceMember(device)
	if err != nil {
		return nil, 0, 0, err
	}
	v := viewerOf(member)
	limit = max(limit, 1)
	err = p.st.View(func(tx *store.Tx) error {
		if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if v.all {
			entries, next, err = pullLog(tx, since, limit, v)
			return err
		}
		seqs, upTo, err := shareSeqs(tx, v.groups, since, limit, head)
		if err != nil {
			return err
		}
		next = upTo
		size := 0
		for i, seq := range seqs {
			var e LogEntry
			if err := tx.Get(store.SeqKey(store.PrefixHubLog, seq), &e); err != nil {
				return fmt.Errorf("hub log entry %d: %w", seq, err)
			}
			if i > 0 && size+len(e.Op) > PullBytes {
				next = seqs[i-1] // the next page starts here
				break
			}
			entries = append(entries, Pulled{HubSeq: seq, Op: e.Op, At: e.At})
			size += len(e.Op)
		}
		return nil
	})
	return entries, next, head, err
}

// pullLog reads the log itself, for a reader of all of it but what is
// addressed to other members' own devices alone (v.sees: private notes).
func pullLog(tx *store.Tx, since uint64, limit int, v viewer) (entries []Pulled, next uint64, err error) {
	next = since
	size := 0
	start := store.SeqKey(store.PrefixHubLog, since+1)
	prefix := []byte(store.PrefixHubLog + "/")
	err = tx.EachFrom(prefix, start, func(_, val []byte) (bool, error) {
		var e LogEntry
		if err := codec.Unmarshal(val, &e); err != nil {
			return false, err
		}
		if len(entries) > 0 && size+len(e.Op) > PullBytes {
			return false, nil // the next page starts here
		}
		next++
		if !v.sees(e.Groups) {
			return true, nil
		}
		entries = append(entries, Pulled{HubSeq: next, Op: e.Op, At: e.At})
		size += len(e.Op)
		return len(entries) < limit, nil
	})
	return entries, next, err
}

// shareSeqs merges the index streams of groups after since: the first
// limit positions of their union, in order, and the position up to which
// that list is complete (every position not in it up to there is none of
// the viewer's). Each stream is read for at most limit keys: a stream cut
// there bounds how far the merged list is known to be complete.
func shareSeqs(tx *store.Tx, groups []string, since uint64, limit int, head uint64) ([]uint64, uint64, error) {
	upTo := head
	var all []uint64
	for _, g := range groups {
		prefix := []byte(store.PrefixHubIdx + "/" + g + "/")
		n := 0
		err := tx.EachFrom(prefix, groupKey(g, since+1), func(k, _ []byte) (bool, error) {
			seq := binary.BigEndian.Uint64(k[len(prefix):])
			all = append(all, seq)
			n++
			if n == limit {
				upTo = min(upTo, seq)
				return false, nil
			}
			return true, nil
		})
		if err != nil {
			return nil, 0, err
		}
	}
	slices.Sort(all)
	all = slices.Compact(all)
	cut := len(all)
	for i, seq := range all {
		if seq > upTo {
			cut = i
			break
		}
	}
	all = all[:cut]
	if len(all) > limit {
		all = all[:limit]
		upTo = all[limit-1]
	}
	return all, upTo, nil
}

// HubSnapshot returns the hub's current copy of a record for device: a
// record its member may not see is answered as one that does not exist.
func (p *Profile) HubSnapshot(device, entity string) (Snapshot, error) {
	var snap *Snapshot
	err := p.st.View(func(tx *store.Tx) error {
		var head uint64
		if err := tx.GetMeta(metaHubHead, &head); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		var err error
		snap, err = snapshotFor(plainTxn(tx), device, entity, head)
		return err
	})
	if err != nil || snap == nil {
		return Snapshot{}, errors.Join(err, ErrNotFound)
	}
	return *snap, nil
}

// snapshotFor is snapshotIn for the device a snapshot goes to: it never
// carries a record outside the device member's audience (Value nil, as
// for a record that does not exist).
func snapshotFor(tx *txn, device, entity string, head uint64) (*Snapshot, error) {
	snap, err := snapshotIn(tx, entity, head)
	if err != nil || snap == nil || snap.Value == nil {
		return snap, err
	}
	ok, err := deviceMaySee(tx, device, entity)
	if err != nil {
		return nil, err
	}
	if !ok {
		snap.Value = nil
	}
	return snap, nil
}

// deviceMaySee reports whether a device's member may see a record now.
func deviceMaySee(tx *txn, device, entity string) (bool, error) {
	id, err := tx.GetRaw(store.Key(store.PrefixDeviceMember, device))
	if err != nil {
		return false, notFoundIsNone(err)
	}
	var m meetings.Member
	if err := tx.Get(store.Key(store.PrefixMember, string(id)), &m); err != nil {
		return false, notFoundIsNone(err)
	}
	kind, rid, _ := strings.Cut(entity, "/")
	for t, prefix := range recordPrefix {
		if prefix == kind {
			a, err := audienceOf(tx, t, rid)
			return err == nil && viewerOf(m).sees(a.groups), err
		}
	}
	return false, nil
}

// ensureHubIndex writes the index keys of a hub's log made before the log
// was indexed by audience, once, when such a hub is opened.
func (p *Profile) ensureHubIndex() error {
	var done bool
	if err := p.st.View(func(tx *store.Tx) error { return tx.GetMeta(metaHubIndexed, &done) }); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if done {
		return nil
	}
	const page = 2000
	var since uint64
	for {
		type ent struct {
			groups []string
			hangs  string
		}
		var ents []ent
		err := p.st.View(func(tx *store.Tx) error {
			prefix := []byte(store.PrefixHubLog + "/")
			return tx.EachFrom(prefix, store.SeqKey(store.PrefixHubLog, since+1), func(_, val []byte) (bool, error) {
				var e LogEntry
				if err := codec.Unmarshal(val, &e); err != nil {
					return false, err
				}
				_, op, err := ops.Decode(e.Op)
				if err != nil {
					return false, err
				}
				ents = append(ents, ent{entryGroups(e), hangsFrom(op)})
				return len(ents) < page, nil
			})
		})
		if err != nil {
			return err
		}
		err = p.st.Update(func(tx *store.Tx) error {
			for i, e := range ents {
				if err := indexEntry(tx, since+uint64(i)+1, e.groups, e.hangs); err != nil {
					return err
				}
			}
			if len(ents) == 0 {
				return tx.PutMeta(metaHubIndexed, true)
			}
			return nil
		})
		if err != nil || len(ents) == 0 {
			return err
		}
		since += uint64(len(ents))
	}
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
