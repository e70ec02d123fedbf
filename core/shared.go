package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/hublog"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The scaled-out hub (SCALE.md, issue 14). Several hub processes share one
// ordered log (hublog: PostgreSQL's pglog in production), which is the one
// authority for order. Each process keeps a local cache: an ordinary hub
// Profile in its own encrypted Badger directory, derived entirely from the
// shared log, so that it can be deleted and rebuilt at any time.
//
// Every hub write in shared mode (a push's HubAccept, HubImport*, closing
// ballots, signing results, the reveals a membership change owes, anything
// submit makes on the hub) is one critical section (hubWrite):
//
//  1. l.Update, whose first Head locks the log's end: every other process
//     that writes waits here;
//  2. the cache replays the entries it lacks up to that head (replay), so
//     that every state-dependent decision (is this ballot closed? its
//     result signed? this (device, dev_seq) logged?) is made on the state
//     every process agrees on, under one lock: exactly once however many
//     processes run;
//  3. the hub's Badger transaction runs as it always did (apply.go's rules,
//     appendLog) but is only prepared, not committed;
//  4. every log entry it made is appended to the shared log, at the very
//     positions the cache gave them;
//  5. the shared log commits; only then does the cache commit. If the
//     cache's commit fails now, the cache is merely behind: the next
//     catch-up replays those entries from the log.
//
// Signature checks (preverify) happen before the lock, so they run in
// parallel across processes.
//
// Replay applies another process's entries with the same rules and writes
// the same derived state the originating process wrote: the log entry with
// its audience (taken from the shared entry, not recomputed), the index and
// hangs-from keys, the audit chain, the pushed verdict with its receipt
// (Ed25519 is deterministic, so the receipt is byte-identical), the reveal
// queue's bookkeeping. It makes no hub op of its own: the ops the
// originating process made inside the same transaction (a ballot's
// progress, withdrawals, reveals) are later entries of the log and are
// replayed as such. The hub device's sequence counter advances from the
// replayed hub-made entries, so the next hub-made op takes the next number
// whichever process makes it.
//
// The reveal queue (reveal.go) is derived state too. A membership change
// queues what it owes under its own position when it is applied (made or
// replayed alike). The queue is then only ever advanced by applying a
// reveal that names its item (ops.RecordReveal's Queue and Done): so
// applying the log, in whatever process, advances the queue exactly as
// making the reveals did, and a reveal made by one process is never made
// again by another. A change whose reveals were not all made (its process
// died in between) leaves its item in every cache, and whichever process
// writes next makes them (hubRevealPending runs after every hub write, and
// at ShareLog). A queue item settled without a reveal (the member is gone,
// or none of its records is still theirs to see) is settled in shared mode
// by a reveal addressed to nobody, so that this too is in the log.

// metaHubShared marks a cache of a shared log: it is written only through
// that log (ShareLog), never on its own.
const metaHubShared = "hub_shared"

// replayPage bounds one replayed Badger transaction: in entries, and in op
// bytes (each op is kept twice, in the log and where it applies, well
// inside Badger's limit on a transaction).
const (
	replayPage      = 256
	replayPageBytes = 1 << 20
)

// sharedLog is a hub profile's attachment to a shared log (guarded by mu).
type sharedLog struct {
	log hublog.Log
}

// errShareFirst: a write on a shared cache that is not attached to its log.
var errShareFirst = errors.New("hub: this cache belongs to a shared log: attach it (ShareLog) before writing")

// hubFault, set by tests only (shared_export_test.go), fails a shared write
// at a stage: "before" the shared log commits (everything rolls back), or
// "after" it (the cache's commit is dropped, as if Badger had failed).
var hubFault func(stage string) error

// HubIdentity is what a new cache needs to act as the hub: the hub
// device's private key and the organisation's system member (its Name is
// the organisation's name). It is CBOR-encodable; whoever keeps it (the
// scaled-out hub seals it in PostgreSQL) must keep it secret.
type HubIdentity struct {
	// DeviceSeed is the hub device's Ed25519 seed.
	DeviceSeed []byte `cbor:"1,keyasint"`
	// Member is the organisation's system member.
	Member meetings.Member `cbor:"2,keyasint"`
	// Org is the organisation's name.
	Org string `cbor:"3,keyasint"`
}

// HubIdentity returns the hub's identity, for another process's cache.
func (p *Profile) HubIdentity() (HubIdentity, error) {
	if !p.hub {
		return HubIdentity{}, errors.New("not a hub")
	}
	self := p.Self()
	return HubIdentity{DeviceSeed: p.dev.Seed(), Member: self, Org: self.Name}, nil
}

// CreateHubReplica makes a new, empty cache in dir for a hub whose log is
// shared: it holds only the hub's identity, and ShareLog then replays the
// log from its first entry (the hub's own introduction).
func CreateHubReplica(dir string, pass []byte, id HubIdentity) (*Profile, error) {
	dev, err := identity.FromSeed(id.DeviceSeed)
	if err != nil {
		return nil, fmt.Errorf("hub identity: %w", err)
	}
	if id.Member.ID == "" {
		return nil, errors.New("hub identity: no system member")
	}
	st, err := store.Create(dir, pass)
	if err != nil {
		return nil, err
	}
	err = st.Update(func(tx *store.Tx) error {
		for name, v := range map[string]any{
			metaDeviceSeed: dev.Seed(), metaSelf: id.Member.ID,
			metaIsHub: true, metaHubIndexed: true, metaHubShared: true,
		} {
			if err := tx.PutMeta(name, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("create hub cache: %w", err)
	}
	p := &Profile{st: st, dev: dev, nextSeq: 1, now: time.Now, m: newModel(), hub: true, sharedCache: true}
	p.m.selfID = id.Member.ID
	return p, nil
}

// ShareLog attaches the shared log l to this hub profile (its cache) and
// replays what the cache lacks; from then on every hub write goes through
// l (see the top of this file). The cache must be l's: a cache ahead of l,
// or whose newest entry differs from l's at that position, is refused (a
// single-machine hub is moved to a shared log by appending its HubEntries
// to the empty log first). The reveals still owed are made before it
// returns.
func (p *Profile) ShareLog(ctx context.Context, l hublog.Log) error {
	if !p.hub {
		return errors.New("not a hub")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shared != nil {
		return errors.New("hub: already attached to a shared log")
	}
	head, err := l.Head(ctx)
	if err != nil {
		return err
	}
	mine, err := p.cacheHead()
	if err != nil {
		return err
	}
	if mine > head {
		return fmt.Errorf("hub: the cache holds %d entries, the shared log only %d: export the hub's log to it first", mine, head)
	}
	if mine > 0 {
		page, err := l.Read(ctx, mine-1, hublog.Query{All: true, Limit: 1})
		if err != nil {
			return err
		}
		own, err := p.HubEntries(mine-1, 1)
		if err != nil {
			return err
		}
		if len(page.Entries) != 1 || len(own) != 1 || page.Entries[0].Seq != mine || !bytes.Equal(page.Entries[0].Op, own[0].Op) {
			return fmt.Errorf("hub: entry %d of the cache is not the shared log's: this cache belongs to another log", mine)
		}
	}
	if err := p.st.Update(func(tx *store.Tx) error { return tx.PutMeta(metaHubShared, true) }); err != nil {
		return err
	}
	p.shared, p.sharedCache = &sharedLog{log: l}, true
	if err := p.replayTo(ctx, head); err != nil {
		return err
	}
	// Reveals a membership change still owed when its process stopped.
	return p.hubRevealPending()
}

// HubCatchUp replays the entries other processes appended to the shared
// log since the cache last caught up, and returns the log's head. It is
// cheap when nothing is new (one look at the head), and makes no hub op.
func (p *Profile) HubCatchUp(ctx context.Context) (head uint64, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shared == nil {
		return 0, errors.New("hub: not attached to a shared log")
	}
	head, err = p.shared.log.Head(ctx)
	if err != nil {
		return 0, err
	}
	return head, p.replayTo(ctx, head)
}

// HubEntries returns up to limit entries of the hub's own log after since,
// as hublog entries: for moving a hub's log to a shared one, and to compare
// caches.
func (p *Profile) HubEntries(since uint64, limit int) ([]hublog.Entry, error) {
	var out []hublog.Entry
	limit = max(limit, 1)
	err := p.st.View(func(tx *store.Tx) error {
		var err error
		out, err = entriesAfter(tx, since, limit)
		return err
	})
	return out, err
}

// entriesAfter reads up to limit log entries after since from tx.
func entriesAfter(tx *store.Tx, since uint64, limit int) ([]hublog.Entry, error) {
	var out []hublog.Entry
	seq := since
	prefix := []byte(store.PrefixHubLog + "/")
	err := tx.EachFrom(prefix, store.SeqKey(store.PrefixHubLog, since+1), func(_, val []byte) (bool, error) {
		seq++
		var e LogEntry
		if err := codec.Unmarshal(val, &e); err != nil {
			return false, fmt.Errorf("hub log entry %d: %w", seq, err)
		}
		_, op, err := ops.Decode(e.Op)
		if err != nil {
			return false, fmt.Errorf("hub log entry %d: %w", seq, err)
		}
		groups := e.Groups
		if len(groups) == 0 && e.Member != "" {
			groups = entryGroups(e) // logged before audiences were written down
		}
		out = append(out, hublog.Entry{Seq: seq, Device: op.Device, DevSeq: op.DevSeq, Op: e.Op, Audience: groups, At: e.At})
		return len(out) < limit, nil
	})
	return out, err
}

// cacheHead is the cache's own head.
func (p *Profile) cacheHead() (uint64, error) { return p.HubHead() }

// writable refuses a hub write on a shared cache not attached to its log
// (a write there would make the cache disagree with the log for ever).
func (p *Profile) writable() error {
	if p.sharedCache && p.shared == nil {
		return errShareFirst
	}
	return nil
}

// hubCommit commits one hub write: through the shared log when there is
// one (hubWrite), durably to the store otherwise. p.mu is held.
func (p *Profile) hubCommit(fn func(*store.Tx) error) error {
	if p.shared != nil {
		return p.hubWrite(fn)
	}
	if err := p.writable(); err != nil {
		return err
	}
	return p.st.Update(fn)
}

// hubWrite is the shared mode's one write path (the top of this file):
// lock the log's end, catch up, prepare fn's transaction, append what it
// logged, commit the log, then the cache. What fn logged is read back from
// its own transaction, past the head it started from: appendLog is the one
// place entries are written, so nothing it logged can be left out of the
// shared log. p.mu is held.
func (p *Profile) hubWrite(fn func(*store.Tx) error) error {
	ctx := context.Background()
	var prep *store.Prepared
	err := p.shared.log.Update(ctx, func(ltx hublog.Tx) error {
		if prep != nil { // never kept from an earlier attempt
			prep.Discard()
			prep = nil
		}
		head, err := ltx.Head()
		if err != nil {
			return err
		}
		if err := p.replayTo(ctx, head); err != nil {
			return err
		}
		if mine, err := p.cacheHead(); err != nil || mine != head {
			return errors.Join(err, fmt.Errorf("hub: the cache is at %d after catching up to %d", mine, head))
		}
		prep, err = p.st.Prepare(fn)
		if err != nil {
			return err
		}
		entries, err := entriesAfter(prep.Tx(), head, 1<<30)
		if err != nil {
			return err
		}
		if len(entries) > 0 {
			got, err := ltx.Append(entries...)
			if err != nil {
				return err
			}
			for i, a := range got {
				if a.Existed || a.Seq != entries[i].Seq {
					// The log already holds it, or numbers it elsewhere:
					// the cache disagrees with the log; nothing commits.
					return fmt.Errorf("hub: the shared log took entry %d (%s #%d) as %d (already there: %v)",
						entries[i].Seq, entries[i].Device, entries[i].DevSeq, a.Seq, a.Existed)
				}
			}
		}
		if hubFault != nil {
			return hubFault("before")
		}
		return nil
	})
	if err != nil {
		if prep != nil {
			prep.Discard()
		}
		return err
	}
	if hubFault != nil {
		if err := hubFault("after"); err != nil {
			prep.Discard()
			return err
		}
	}
	// The log has committed: failing now leaves the cache behind, and the
	// next catch-up replays these entries from the log.
	return prep.Commit()
}

// replayTo replays the shared log's entries after the cache's head up to
// head, a page per transaction. The transactions are not synced: what
// they hold is in the shared log, and a page lost in a crash is replayed
// again. p.mu is held.
func (p *Profile) replayTo(ctx context.Context, head uint64) error {
	for {
		mine, err := p.cacheHead()
		if err != nil || mine >= head {
			return err
		}
		page, err := p.shared.log.Read(ctx, mine, hublog.Query{All: true, Limit: replayPage, MaxBytes: replayPageBytes})
		if err != nil {
			return err
		}
		if len(page.Entries) == 0 {
			return fmt.Errorf("hub: the shared log has no entry after %d (head %d)", mine, head)
		}
		var afters []func()
		var events []Event
		err = p.st.UpdateUnsynced(func(stx *store.Tx) error {
			afters, events = nil, nil
			tx := cachedTxn(stx)
			p.replaying = true
			defer func() { p.replaying = false }()
			for i, e := range page.Entries {
				if e.Seq != mine+uint64(i)+1 {
					return fmt.Errorf("hub: the shared log gave entry %d after %d", e.Seq, mine+uint64(i))
				}
				res, err := p.replayEntry(tx, e)
				if err != nil {
					return fmt.Errorf("hub: replay entry %d (%s #%d): %w", e.Seq, e.Device, e.DevSeq, err)
				}
				afters = append(afters, res.after)
				events = append(events, res.events...)
			}
			return nil
		})
		if err != nil {
			return err
		}
		p.commitModel(afters, events)
	}
}

// replayEntry applies one entry another process logged, writing what that
// process wrote (the top of this file); p.replaying is set, so hubMake
// makes nothing.
func (p *Profile) replayEntry(tx *txn, e hublog.Entry) (applied, error) {
	s, op, err := ops.Decode(e.Op)
	if err != nil {
		return applied{}, err
	}
	if op.Device != e.Device || op.DevSeq != e.DevSeq {
		return applied{}, fmt.Errorf("the entry is %s #%d, its op %s", e.Device, e.DevSeq, op.ID())
	}
	// The log is trusted to be the hub's, but not blindly: every op is
	// still its device's (a forged row would otherwise be served).
	pub := p.dev.Pub
	if op.Device != p.dev.ID {
		if pub, err = tx.GetRaw(store.Key(store.PrefixDevice, op.Device)); err != nil {
			return applied{}, fmt.Errorf("unknown device: %w", ErrBadSignature)
		}
	}
	if err := s.Verify(pub, op); err != nil {
		return applied{}, errors.Join(ErrBadSignature, err)
	}
	at := e.At.UTC()
	was, err := p.audienceBefore(tx, op)
	if err != nil {
		return applied{}, err
	}
	res, err := p.apply(tx, op, e.Op, source{hubSeq: e.Seq, hubAt: at})
	if err != nil {
		return applied{}, fmt.Errorf("the cache refuses what the log took (rebuild it): %w", err)
	}
	if !res.fresh {
		return applied{}, errors.New("the cache applied this op already (rebuild it)")
	}
	groups := e.Audience
	if groups == nil {
		groups = []string{}
	}
	seq, err := p.hubLogAs(tx, op, e.Op, at, was, groups)
	if err != nil {
		return applied{}, err
	}
	if seq != e.Seq {
		return applied{}, fmt.Errorf("logged at %d in the cache", seq)
	}
	if op.Kind == ops.KindBallotClose {
		p.pendingResults = true
	}
	if op.Device == p.dev.ID {
		// The hub's own numbers come from the log: the next op the hub
		// makes, in this process or another, takes the next one.
		p.hubMadeSeq = max(p.hubMadeSeq, op.DevSeq)
		p.nextSeq = max(p.nextSeq, op.DevSeq+1)
		return res, tx.PutMeta(metaHubMade, p.hubMadeSeq)
	}
	// The verdict the originating process stored, so that a re-push
	// through this process gets the same answer and receipt.
	rb, err := receiptBytes(op, e.Op, seq, at)
	if err != nil {
		return applied{}, err
	}
	v := Verdict{DevSeq: op.DevSeq, HubSeq: seq, At: at, Receipt: p.dev.Sign(rb)}
	return res, tx.Put(store.Key(store.PrefixPushed, op.Device, fmt.Sprint(op.DevSeq)), v)
}

// errSkip, from a shared submit's builder: nothing to do on the caught-up
// state (the ballot is closed already, its result signed).
var errSkip = errors.New("nothing to do")

// submitShared is submit on a hub attached to a shared log: the op is
// numbered, built (build reads the caught-up state and may answer
// errSkip), signed, applied and logged inside the critical section, since
// its number and its content depend on what every process has logged.
// There is no journal: the shared log is what makes the op durable, and a
// journal replayed at open would log it a second time. p.mu is held.
func (p *Profile) submitShared(kind ops.Kind, build func(tx *txn) (any, error), base uint64) (ops.Op, error) {
	var op ops.Op
	var res applied
	built := false
	err := p.hubWrite(func(stx *store.Tx) error {
		t := plainTxn(stx)
		body, err := build(t)
		if err != nil {
			return err
		}
		raw, err := codec.Marshal(body)
		if err != nil {
			return err
		}
		seq := max(p.nextSeq, p.hubMadeSeq+1)
		p.nextSeq = seq
		op = ops.Op{Kind: kind, Device: p.dev.ID, DevSeq: seq, Member: p.selfIDForOp(kind, body), At: p.now().UTC(), Base: base, Body: raw}
		if base == autoBase {
			op.Base = p.currentRev(entityOf(op))
		}
		signed, err := ops.Sign(p.dev, op)
		if err != nil {
			return err
		}
		rec, err := signed.Encode()
		if err != nil {
			return err
		}
		built = true
		if res, err = p.apply(t, op, rec, source{}); err != nil {
			return err
		}
		p.hubMadeSeq = max(p.hubMadeSeq, seq)
		return t.PutMeta(metaHubMade, p.hubMadeSeq)
	})
	if built {
		// Past the rules, the number is spent whatever happened.
		p.nextSeq = max(p.nextSeq, op.DevSeq+1)
	}
	if err != nil {
		return ops.Op{}, err
	}
	p.commitModel([]func(){res.after}, res.events)
	if err := p.hubRevealPending(); err != nil {
		return op, fmt.Errorf("reveal to members who joined: %w", err)
	}
	return op, nil
}

// sharedFresh catches a shared cache up before a change that reads the
// model to build its op (a member's record to edit, whether they exist):
// on a stale cache it would be refused, or built from what another process
// has changed since. The op's rules are checked again under the lock. It
// is one look at the log's head when nothing is new.
func (p *Profile) sharedFresh() error {
	p.mu.Lock()
	shared := p.shared != nil
	p.mu.Unlock()
	if !shared {
		return nil
	}
	_, err := p.HubCatchUp(context.Background())
	return err
}
