package core

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Joining and leaving an audience. A device receives only what its member
// may see (audience.go), so when an op changes who that is (a meeting is
// published or restricted, its participants change, a member joins or
// leaves a body, changes role in one, or is removed), the devices of the
// members concerned cannot learn it from the op itself: one who joins never
// received the record, one who leaves must not receive it any more. In the
// transaction that logs the op, the hub therefore makes and signs, like a
// ballot result, a record.reveal for those who join (the record's current
// state and the signed ops hanging from it that they may see) and a
// record.withdraw for those who leave. Devices apply both on the one write
// path; an op on a record a device does not hold is passed over
// (sync.go), so the order "op, then reveal" is safe.

// A reveal applies the ops it carries through apply, which looks handlers
// up in appliers: entered here, after the table is built, so that Go does
// not see an initialisation cycle.
func init() {
	appliers[ops.KindRecordReveal] = (*Profile).applyReveal
	appliers[ops.KindRecordWithdraw] = (*Profile).applyWithdraw
}

// metaHubMade is the highest device sequence the hub gave an op it made
// inside another op's transaction (no journal record of its own): a
// reopened hub numbers its next op after it.
const metaHubMade = "hub_made_seq"

// withdrawBatch bounds the records one withdrawal names, to keep an op small.
const withdrawBatch = 500

// audienceBefore is who could see what an op touches, read before the hub
// applies it.
type audienceBefore struct {
	record *recordAudience  // a meeting's or ballot's audience (ToRecord ops)
	rec    ops.Record       // that record
	member bool             // a member.put: …
	was    *meetings.Member // … and the member as they were (nil: new)
}

// audienceBefore reads, on the hub, what tellAudience compares with.
func (p *Profile) audienceBefore(tx *txn, op ops.Op) (audienceBefore, error) {
	var b audienceBefore
	if !p.hub {
		return b, nil
	}
	spec, rec, ok := ops.RecordOf(op)
	if !ok {
		return b, nil
	}
	switch {
	case op.Kind == ops.KindMemberPut:
		b.member, b.rec = true, rec
		var m meetings.Member
		if err := tx.Get(store.Key(store.PrefixMember, rec.ID), &m); err == nil {
			b.was = &m
		} else if !errors.Is(err, store.ErrNotFound) {
			return b, err
		}
	case spec.Audience == ops.ToRecord && !spec.Creates && ownAudience(rec.Type):
		a, err := audienceOf(tx, rec.Type, rec.ID)
		if err != nil || !a.exists {
			return b, err
		}
		b.record, b.rec = &a, rec
	}
	return b, nil
}

// tellAudience logs the reveals and withdrawals an op just logged calls for.
func (p *Profile) tellAudience(tx *txn, op ops.Op, b audienceBefore) error {
	switch {
	case b.member:
		var m meetings.Member
		if err := tx.Get(store.Key(store.PrefixMember, b.rec.ID), &m); err != nil {
			return err
		}
		return p.memberMoved(tx, b.was, m)
	case b.record != nil:
		now, err := audienceOf(tx, b.rec.Type, b.rec.ID)
		if err != nil || slices.Equal(now.groups, b.record.groups) {
			return err
		}
		members, err := allMembers(tx)
		if err != nil {
			return err
		}
		entity := entityKey(b.rec)
		var joiners []joiner
		var leavers []string
		for _, m := range members {
			if orgSecretariat(m) {
				continue // reads everything anyway
			}
			v := viewerOf(m)
			was, is := v.sees(b.record.groups), v.sees(now.groups)
			switch {
			case is && !was:
				joiners = append(joiners, joiner{m.ID, v})
			case was && !is:
				leavers = append(leavers, m.ID)
			}
		}
		if len(joiners) > 0 {
			if _, err := p.reveal(tx, entity, joiners, revealQueue{}); err != nil {
				return err
			}
		}
		if len(leavers) > 0 {
			return p.hubMake(tx, ops.KindRecordWithdraw, ops.RecordWithdraw{To: leavers, Entities: []string{entity}})
		}
	}
	return nil
}

type joiner struct {
	id string
	v  viewer
}

// memberMoved reveals and withdraws what a member may see after a change
// of their memberships, roles or removal, record by record.
func (p *Profile) memberMoved(tx *txn, was *meetings.Member, now meetings.Member) error {
	before := viewer{} // a new member saw nothing
	if was != nil {
		before = viewerOf(*was)
	}
	after := viewerOf(now)
	if before.equal(after) || now.Role == meetings.RoleSystem {
		return nil
	}
	var reveal, withdraw []string
	visit := func(entity string, was, is bool) {
		switch {
		case is && !was:
			reveal = append(reveal, entity)
		case was && !is:
			withdraw = append(withdraw, entity)
		}
	}
	err := tx.Each([]byte(store.PrefixMeeting+"/"), func(k, v []byte) error {
		var m meetings.Meeting
		if err := codec.Unmarshal(v, &m); err != nil {
			return err
		}
		// Whether a participant belongs to the body is read as it was
		// before the change for the member who moved, as it is for others.
		others := belongsIn(tx, m.Body)
		in := func(who *meetings.Member) func(string) bool {
			return func(id string) bool {
				if id != now.ID {
					return others(id)
				}
				if who == nil {
					return false
				}
				_, ok := who.RoleIn(m.Body)
				return ok
			}
		}
		visit(string(k), before.sees(meetingAudience(m, in(was)).groups), after.sees(meetingAudience(m, in(&now)).groups))
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Each([]byte(store.PrefixBallot+"/"), func(k, v []byte) error {
		var b ballots.Ballot
		if err := codec.Unmarshal(v, &b); err != nil {
			return err
		}
		a := ballotAudience(b)
		visit(string(k), before.sees(a.groups), after.sees(a.groups))
		return nil
	})
	if err != nil {
		return err
	}
	// A member who joins a body after a year of its work is owed a reveal
	// per record: far more than one transaction may hold (and a pushed
	// page may hold several such changes). They are written down here, in
	// the change's transaction, and made in transactions of bounded size
	// right after it commits (hubRevealPending), or when the hub next
	// opens if it stopped in between.
	if len(reveal) > 0 {
		if err := queueReveal(tx, now.ID, reveal); err != nil {
			return err
		}
	}
	for len(withdraw) > 0 {
		n := min(len(withdraw), withdrawBatch)
		if err := p.hubMake(tx, ops.KindRecordWithdraw, ops.RecordWithdraw{To: []string{now.ID}, Entities: withdraw[:n]}); err != nil {
			return err
		}
		withdraw = withdraw[n:]
	}
	return nil
}

// revealTxnBytes bounds the reveals made in one transaction, in bytes of
// the ops made: each is kept twice (in the log and as the hub's own op),
// with its index keys, well inside Badger's limit on a transaction (a
// seventh of the memtable, store.badgerOptions). A variable only so that
// a test can make every reveal a transaction of its own.
var revealTxnBytes = 256 << 10

// pendingReveal is what a membership change still owes a member.
type pendingReveal struct {
	Member   string   `cbor:"1,keyasint"`
	Entities []string `cbor:"2,keyasint"`
}

// queueReveal writes down the records still to reveal to member, under the
// position of the op being logged (so that they are made in log order).
func queueReveal(tx *txn, member string, entities []string) error {
	var head uint64
	if err := tx.GetMeta(metaHubHead, &head); err != nil {
		return err
	}
	return tx.Put(store.SeqKey(store.PrefixHubReveal, head), pendingReveal{Member: member, Entities: entities})
}

// hubRevealPending makes the reveals membership changes still owe, in
// transactions of at most revealTxnBytes of ops each, synced; p.mu is held.
// Each record is revealed as it is when its turn comes, and only if the
// member may still see it: one who left again meanwhile was sent the
// withdrawal of all of it, revealed or not.
//
// The queue is advanced by applying the reveals made from it (applyReveal:
// each names its item and how many of its records it settles), not by
// this loop: so a hub process replaying another's log (shared.go) keeps
// the same queue, and makes neither again what the other made nor lose
// what it did not get to.
func (p *Profile) hubRevealPending() error {
	if !p.hub {
		return nil
	}
	if err := p.writable(); err != nil {
		return err
	}
	prefix := []byte(store.PrefixHubReveal + "/")
	for {
		// Read first, so that the usual case (nothing owed) costs no
		// write and no flush.
		more := false
		err := p.st.View(func(tx *store.Tx) error {
			return tx.EachFrom(prefix, prefix, func(_, _ []byte) (bool, error) {
				more = true
				return false, nil
			})
		})
		if err != nil || !more {
			return err
		}
		err = p.hubCommit(func(stx *store.Tx) error {
			tx := plainTxn(stx)
			var key []byte
			var pr pendingReveal
			err := tx.EachFrom(prefix, prefix, func(k, v []byte) (bool, error) {
				key = append([]byte(nil), k...)
				return false, codec.Unmarshal(v, &pr)
			})
			if err != nil || key == nil {
				return err // another process made them (shared.go)
			}
			item := seqOf(key, len(prefix))
			// settle ends the item without a reveal: in shared mode by a
			// reveal addressed to nobody, so that the log says so too.
			settle := func() error {
				if p.shared == nil {
					return tx.Delete(key)
				}
				return p.hubMake(tx, ops.KindRecordReveal, ops.RecordReveal{Queue: item, Done: len(pr.Entities)})
			}
			var m meetings.Member
			if err := tx.Get(store.Key(store.PrefixMember, pr.Member), &m); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			} else if err != nil || orgSecretariat(m) {
				return settle() // gone, or reads everything anyway
			}
			v := viewerOf(m)
			// owed is the first of the item's records from i on that the
			// member may still see (len: none).
			owed := func(i int) (int, error) {
				for ; i < len(pr.Entities); i++ {
					kind, id, _ := strings.Cut(pr.Entities[i], "/")
					a, err := audienceOf(tx, typeOfPrefix(kind), id)
					if err != nil {
						return 0, err
					}
					if a.exists && v.sees(a.groups) {
						return i, nil
					}
				}
				return i, nil
			}
			made, pos := 0, 0
			for made < revealTxnBytes {
				j, err := owed(pos)
				if err != nil {
					return err
				}
				if j == len(pr.Entities) {
					break
				}
				// The reveal settles the records skipped before it and,
				// when none after it is still owed, those after it.
				end := j + 1
				if next, err := owed(end); err != nil {
					return err
				} else if next == len(pr.Entities) {
					end = next
				}
				n, err := p.reveal(tx, pr.Entities[j], []joiner{{m.ID, v}}, revealQueue{item: item, done: end - pos})
				if err != nil {
					return err
				}
				made += n
				pos = end
			}
			if pos == 0 {
				return settle() // none of it is still the member's to see
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
}

// revealQueue names the queue item a reveal comes from and how many of
// its records it settles (ops.RecordReveal's Queue and Done).
type revealQueue struct {
	item uint64
	done int
}

// advanceReveal settles the first done records of the queue item (the hub
// applying a reveal made from the queue, made here or replayed).
func advanceReveal(tx *txn, item uint64, done int) error {
	key := store.SeqKey(store.PrefixHubReveal, item)
	var pr pendingReveal
	if err := tx.Get(key, &pr); errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return err
	}
	if done >= len(pr.Entities) {
		return tx.Delete(key)
	}
	pr.Entities = pr.Entities[done:]
	return tx.Put(key, pr)
}

// typeOfPrefix is the record type whose store keys start with prefix.
func typeOfPrefix(prefix string) ops.RecordType {
	for t, p := range recordPrefix {
		if p == prefix {
			return t
		}
	}
	return ""
}

// reveal logs the current state of a record for members who have just
// joined its audience, with the logged ops hanging from it that each may
// see; members who may see the same ops share one reveal. It returns the
// bytes of the ops it made.
func (p *Profile) reveal(tx *txn, entity string, to []joiner, q revealQueue) (int, error) {
	value, err := tx.GetRaw([]byte(entity))
	if err != nil {
		return 0, err
	}
	type hung struct {
		pa     ops.PulledAnswer
		groups []string
	}
	var hanging []hung
	prefix := []byte(store.PrefixHubRec + "/" + entity + "/")
	var seqs []uint64
	err = tx.Each(prefix, func(k, _ []byte) error {
		seqs = append(seqs, seqOf(k, len(prefix)))
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, seq := range seqs {
		var e LogEntry
		if err := tx.Get(store.SeqKey(store.PrefixHubLog, seq), &e); err != nil {
			return 0, err
		}
		hanging = append(hanging, hung{ops.PulledAnswer{HubSeq: seq, Op: e.Op, At: e.At}, entryGroups(e)})
	}
	// Group the joiners by what they may see of the hanging ops.
	type share struct {
		to  []string
		ops []ops.PulledAnswer
	}
	var shares []*share
	byKey := map[string]*share{}
	for _, j := range to {
		var key strings.Builder
		var mine []ops.PulledAnswer
		for _, h := range hanging {
			if j.v.sees(h.groups) {
				mine = append(mine, h.pa)
				fmt.Fprintf(&key, "%d,", h.pa.HubSeq)
			}
		}
		s, ok := byKey[key.String()]
		if !ok {
			s = &share{ops: mine}
			byKey[key.String()] = s
			shares = append(shares, s)
		}
		s.to = append(s.to, j.id)
	}
	made := 0
	for _, s := range shares {
		n, err := p.hubMakeSized(tx, ops.KindRecordReveal, ops.RecordReveal{To: s.to, Entity: entity, Value: value, Hanging: s.ops, Queue: q.item, Done: q.done})
		if err != nil {
			return 0, err
		}
		made += n
	}
	return made, nil
}

func seqOf(k []byte, at int) uint64 {
	var n uint64
	for _, c := range k[at:] {
		n = n<<8 | uint64(c)
	}
	return n
}

func allMembers(tx *txn) ([]meetings.Member, error) {
	var out []meetings.Member
	err := tx.Each([]byte(store.PrefixMember+"/"), func(_, v []byte) error {
		var m meetings.Member
		if err := codec.Unmarshal(v, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

// hubMake makes, signs and applies an op of the hub's own inside the
// transaction of the op that called for it; applying it logs it (apply).
// Its sequence number is kept in the store, since it has no journal
// record, and it never takes the number of an op being submitted around it.
func (p *Profile) hubMake(tx *txn, kind ops.Kind, body any) error {
	_, err := p.hubMakeSized(tx, kind, body)
	return err
}

// hubMakeSized is hubMake, returning the size of the signed op.
func (p *Profile) hubMakeSized(tx *txn, kind ops.Kind, body any) (int, error) {
	if p.replaying {
		// Replaying another process's entries (shared.go): the op it made
		// here is the log's next entry, replayed as such.
		return 0, nil
	}
	raw, err := codec.Marshal(body)
	if err != nil {
		return 0, err
	}
	seq := max(p.nextSeq+1, p.hubMadeSeq+1)
	p.hubMadeSeq, p.nextSeq = seq, max(p.nextSeq, seq+1)
	op := ops.Op{Kind: kind, Device: p.dev.ID, DevSeq: seq, Member: p.m.selfID, At: p.now().UTC(), Body: raw}
	signed, err := ops.Sign(p.dev, op)
	if err != nil {
		return 0, err
	}
	rec, err := signed.Encode()
	if err != nil {
		return 0, err
	}
	if err := tx.PutMeta(metaHubMade, seq); err != nil {
		return 0, err
	}
	_, err = p.apply(tx, op, rec, source{})
	return len(rec), err
}

// addressed reports whether a hub-made op names this replica's member: the
// organisation's secretariat reads the whole log, reveals and withdrawals
// for others included, and must leave them alone (so must the hub).
func (p *Profile) addressed(to []string) bool {
	return !p.hub && slices.Contains(to, p.m.selfID)
}

// applyReveal puts the record as the hub holds it, with the ops hanging
// from it, in place of whatever this replica held of it.
func (p *Profile) applyReveal(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.RecordReveal)
	if p.hub && b.Queue > 0 {
		// The queue's bookkeeping, here so that applying the log (made or
		// replayed) advances it (hubRevealPending).
		if err := advanceReveal(tx, b.Queue, b.Done); err != nil {
			return applied{}, err
		}
	}
	if !p.addressed(b.To) {
		return applied{}, nil
	}
	if !snapshotable(b.Entity) || b.Value == nil {
		return applied{}, fmt.Errorf("%w: reveal of %q", ops.ErrMalformed, b.Entity)
	}
	var res applied
	dropped, err := p.dropRecord(tx, b.Entity)
	if err != nil {
		return applied{}, err
	}
	res.add(dropped)
	after, events, err := p.applySnapshotIn(tx, Snapshot{Entity: b.Entity, Value: b.Value, HubSeq: c.src.hubSeq})
	if err != nil {
		return applied{}, err
	}
	res.add(applied{after: after, events: events})
	for _, h := range b.Hanging {
		s, op, err := ops.Decode(h.Op)
		if err != nil {
			return applied{}, err
		}
		pub, err := tx.GetRaw(store.Key(store.PrefixDevice, op.Device))
		if err != nil {
			return applied{}, fmt.Errorf("revealed op %s: unknown device: %w", op.ID(), ErrBadSignature)
		}
		if err := s.Verify(pub, op); err != nil {
			return applied{}, fmt.Errorf("revealed op %s: %w", op.ID(), errors.Join(ErrBadSignature, err))
		}
		r, err := p.apply(tx, op, h.Op, source{hubSeq: h.HubSeq, hubAt: h.At, ordered: true, again: true})
		if err != nil {
			continue // as a pulled op that does not apply here
		}
		res.add(r)
	}
	return res, nil
}

// applyWithdraw removes records this replica's member may no longer see.
func (p *Profile) applyWithdraw(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.RecordWithdraw)
	if !p.addressed(b.To) {
		return applied{}, nil
	}
	var res applied
	for _, e := range b.Entities {
		if !snapshotable(e) {
			return applied{}, fmt.Errorf("%w: withdrawal of %q", ops.ErrMalformed, e)
		}
		d, err := p.dropRecord(tx, e)
		if err != nil {
			return applied{}, err
		}
		res.add(d)
	}
	return res, nil
}

// add gathers another application's model update and events into a.
func (a *applied) add(b applied) {
	if b.after != nil {
		prev := a.after
		a.after = func() {
			if prev != nil {
				prev()
			}
			b.after()
		}
	}
	a.events = append(a.events, b.events...)
}

// hangingPrefixes are what hangs from each kind of record in the store.
var hangingPrefixes = map[string][]string{
	store.PrefixMeeting: {store.PrefixConsent},
	store.PrefixBallot:  {store.PrefixAnswer, store.PrefixResult, store.PrefixReminder, store.PrefixMine, store.PrefixProgress},
}

// dropRecord removes a record, what hangs from it and what sync knew of
// it, from the store and the model.
func (p *Profile) dropRecord(tx *txn, entity string) (applied, error) {
	kind, id, _ := strings.Cut(entity, "/")
	keys := [][]byte{[]byte(entity), store.Key(store.PrefixHubSeq, entity), store.Key(store.PrefixNeedSnap, entity)}
	for _, prefix := range hangingPrefixes[kind] {
		keys = append(keys, store.Key(prefix, id))
		under := store.Key(prefix, id, "")
		if err := tx.Each(under, func(k, _ []byte) error {
			keys = append(keys, append([]byte(nil), k...))
			return nil
		}); err != nil {
			return applied{}, err
		}
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return applied{}, err
		}
	}
	switch kind {
	case store.PrefixMeeting:
		return applied{after: func() { delete(p.m.meetings, id) }, events: []Event{{TopicMeetings, id}}}, nil
	case store.PrefixBallot:
		return applied{after: func() { delete(p.m.ballots, id); delete(p.m.mine, id) },
			events: []Event{{TopicBallots, id}, {TopicAnswers, id}}}, nil
	case store.PrefixMember:
		return applied{after: func() { delete(p.m.members, id) }, events: []Event{{TopicMembers, id}}}, nil
	case store.PrefixBody:
		return applied{after: func() { delete(p.m.bodies, id) }, events: []Event{{TopicBodies, id}}}, nil
	}
	return applied{}, nil
}
