package core

import (
	"errors"
	"slices"
	"sort"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store"
)

// Read receipts (issue 11). The first time a member on a paper's list opens
// a version of it, on any of their devices, that device makes a paper.read
// op through submit, like any other change: it is journaled and applied
// here at once (offline too), and pushed with the rest at the next sync.
// Its audience (ops.ToReader) is the member's own devices, so that their
// other devices do not record the same version again, and the paper's
// body's secretariat, who see who has read which version; no other member
// receives it. What is recorded is only the version and the time of the
// first opening, nothing of how long or which pages: the reader says so
// once (ReadNoticeSeen).

// PaperReceipt is what is stored of one member's readings of one paper:
// the time each version was first opened (the op's signed time).
type PaperReceipt struct {
	Versions map[int]time.Time `cbor:"1,keyasint"`
}

// receiptKey is paperreceipt/<paper>/<member>.
func receiptKey(paperID, memberID string) []byte {
	return store.Key(store.PrefixPaperReceipt, paperID, memberID)
}

// isPaperKind reports whether ops of kind k are about one paper: they hang
// from its meeting or ballot and wait for it (sync.go, hub.go).
func isPaperKind(k ops.Kind) bool {
	spec, ok := ops.Lookup(k)
	return ok && (spec.Audience == ops.ToPaperList || spec.Audience == ops.ToReader)
}

// applyPaperRead stores a read receipt. The reader is the op's member, who
// must be on the paper's list; a version already recorded keeps its first
// time, so the receipt of a second device changes nothing.
func (p *Profile) applyPaperRead(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.PaperRead)
	var rec PaperRecord
	if err := tx.Get(store.Key(store.PrefixPaper, b.PaperID), &rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	if _, ok := rec.Paper.Version(b.Version); !ok {
		return applied{}, meetings.NewError("err.paper.version_number", "version")
	}
	_, audience, err := paperOwnerAudienceTx(tx, rec.Paper.Owner)
	if err != nil {
		return applied{}, err
	}
	if !slices.Contains(rec.Paper.Distribution.Resolve(audience), c.op.Member) {
		return applied{}, ErrForbidden
	}
	key := receiptKey(b.PaperID, c.op.Member)
	var r PaperReceipt
	if err := tx.Get(key, &r); err != nil && !errors.Is(err, store.ErrNotFound) {
		return applied{}, err
	}
	if at, ok := r.Versions[b.Version]; ok && !c.op.At.Before(at) {
		return applied{}, nil
	}
	if r.Versions == nil {
		r.Versions = map[int]time.Time{}
	}
	r.Versions[b.Version] = c.op.At
	if err := tx.Put(key, r); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicPapers, b.PaperID}}}, nil
}

// paperReaderGroups is the ToReader rule: the member the receipt is about
// and the secretariat of the paper's body.
func paperReaderGroups(tx *txn, rec ops.Record) ([]string, error) {
	var r PaperRecord
	if err := tx.Get(store.Key(store.PrefixPaper, rec.ID), &r); err != nil {
		return nil, err // the hub logs an op it has just applied: the paper is there
	}
	body, _, err := paperOwnerAudienceTx(tx, r.Paper.Owner)
	if err != nil {
		return nil, err
	}
	g := []string{groupMember(rec.Owner), groupSecretariat(body)}
	slices.Sort(g)
	return g, nil
}

// recordReading makes the read receipt of version n of a paper when this
// member is on its list and has not opened that version before, on this
// device or another (whose receipt reached this one). A secretary reading
// the papers they attach is not a reader.
func (p *Profile) recordReading(id string, n int) error {
	if !p.RecordsReading(id) {
		return nil
	}
	self := p.Self().ID
	var rc PaperReceipt
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(receiptKey(id, self), &rc) })
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if _, done := rc.Versions[n]; done {
		return nil
	}
	_, err = p.submit(ops.KindPaperRead, ops.PaperRead{PaperID: id, Version: n}, 0)
	return err
}

// MemberReads is what one member on a paper's list has read of it.
type MemberReads struct {
	Member meetings.Member `json:"member"`
	// Versions are the versions they opened with the time of the first
	// opening, oldest version first; none: not opened at all.
	Versions []VersionRead `json:"versions"`
}

// VersionRead is the first opening of one version.
type VersionRead struct {
	Version int       `json:"version"`
	At      time.Time `json:"at"`
}

// Latest is the highest version opened (0: none).
func (r MemberReads) Latest() int {
	if len(r.Versions) == 0 {
		return 0
	}
	return r.Versions[len(r.Versions)-1].Version
}

// PaperReads lists, for the secretariat of the paper's body, every member
// on the paper's list with what they have opened of it, by name. Anyone
// else gets ErrForbidden: members do not see each other's readings.
func (p *Profile) PaperReads(id string) ([]MemberReads, error) {
	p.modelMu.RLock()
	r, ok := p.m.papers[id]
	if !ok {
		p.modelMu.RUnlock()
		return nil, ErrNotFound
	}
	self := p.m.members[p.m.selfID]
	if !secretariatOf(self, p.paperBody(r.Paper.Owner)) {
		p.modelMu.RUnlock()
		return nil, ErrForbidden
	}
	var out []MemberReads
	for _, mid := range r.Paper.Distribution.Resolve(p.ownerAudience(r.Paper.Owner)) {
		if m, ok := p.m.members[mid]; ok && !m.Removed {
			out = append(out, MemberReads{Member: m})
		}
	}
	p.modelMu.RUnlock()
	err := p.st.View(func(tx *store.Tx) error {
		for i := range out {
			var rc PaperReceipt
			if err := tx.Get(receiptKey(id, out[i].Member.ID), &rc); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					continue
				}
				return err
			}
			for v, at := range rc.Versions {
				out[i].Versions = append(out[i].Versions, VersionRead{v, at})
			}
			sort.Slice(out[i].Versions, func(a, b int) bool { return out[i].Versions[a].Version < out[i].Versions[b].Version })
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Member.Name < out[j].Member.Name })
	return out, err
}

// SeesPaperReads reports whether this member may ask PaperReads of paper
// id (they are of its body's secretariat): whether the lists offer its
// Read panel.
func (p *Profile) SeesPaperReads(id string) bool {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	r, ok := p.m.papers[id]
	return ok && secretariatOf(p.m.members[p.m.selfID], p.paperBody(r.Paper.Owner))
}

// settingReadNotice remembers that the member was told what a receipt
// records (per profile: the notice is about this member).
const settingReadNotice = "papers.read_notice_seen"

// ReadNoticeSeen reports whether the member has been told, once, what is
// recorded when they open a paper.
func (p *Profile) ReadNoticeSeen() bool {
	var seen bool
	return p.Setting(settingReadNotice, &seen) == nil && seen
}

// SetReadNoticeSeen records that the notice was shown.
func (p *Profile) SetReadNoticeSeen() error { return p.PutSetting(settingReadNotice, true) }

// readerOfPaper reports whether a paper is one whose openings this member's
// devices record (they are on its list): what the reader's notice is for.
func (p *Profile) readerOfPaper(pp papers.Paper) bool {
	return slices.Contains(pp.Distribution.Resolve(p.ownerAudience(pp.Owner)), p.m.selfID)
}

// RecordsReading reports whether opening paper id records a read receipt
// for this member (they are on its list).
func (p *Profile) RecordsReading(id string) bool {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	r, ok := p.m.papers[id]
	return ok && p.readerOfPaper(r.Paper)
}

// PaperReceiptsHeld lists the members whose read receipts of paper id this
// replica holds, sorted: on a member's device only their own, on the
// secretariat's every reader's.
func (p *Profile) PaperReceiptsHeld(id string) ([]string, error) {
	var out []string
	prefix := append(store.Key(store.PrefixPaperReceipt, id), '/')
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each(prefix, func(k, _ []byte) error {
			out = append(out, string(k[len(prefix):]))
			return nil
		})
	})
	sort.Strings(out)
	return out, err
}
