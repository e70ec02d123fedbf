package core

import (
	"errors"
	"slices"
	"sort"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store"
)

// A paper's lineage key reaches a device only wrapped to it, and only a
// device that holds the key can wrap it: the hub cannot. The key is
// wrapped for every device of the list when the paper is added, edited or
// versioned; a device enrolled later (a member's new laptop) would wait
// for the next of those. So the devices that hold the key hand it on:
// after each pull, a secretary's device that holds the key of a paper of
// its body wraps it for the devices of the paper's recipients that have
// none, and a member's device that holds it wraps it for that member's own
// other devices (the new laptop then need not wait for the secretariat to
// sync); each signs a paper.rewrap op with those wraps alone. A member's
// op may carry wraps only for devices of that member, and only of a paper
// the member receives: the applier refuses anything else, on every replica
// and the hub. That op changes nothing else of the paper (it cannot undo a
// concurrent edit), and a wrap for a device that has one by then is passed
// over, so two devices doing it at once is harmless.

// RewrapPapers wraps the key of every paper this device can open for the
// devices that may have it and have no wrap of it, one paper.rewrap op per
// paper: on a device of the paper's body's secretariat, the devices of all
// its recipients; on a member's device, that member's other devices. It
// returns how many ops it submitted. A recalled paper is passed over:
// nobody may fetch it any more.
func (p *Profile) RewrapPapers() (int, error) {
	if p.hub {
		return 0, nil
	}
	type cand struct {
		pp   papers.Paper
		have map[string]papers.WrappedKey
		to   map[string]bool // the members whose devices get a wrap
	}
	devs, err := p.Devices()
	if err != nil {
		return 0, err
	}
	p.modelMu.RLock()
	self := p.m.members[p.m.selfID]
	var list []cand
	for _, r := range p.m.papers {
		if r.Paper.Recalled {
			continue
		}
		// For a secretary: the paper's recipients; for a member on its
		// list: themself; for anyone else, nobody.
		on := map[string]bool{}
		if secretariatOf(self, p.paperBody(r.Paper.Owner)) {
			for _, id := range p.recipientsLocked(r.Paper) {
				on[id] = true
			}
		} else if p.canSeePaper(self, r.Paper) {
			on[self.ID] = true
		} else {
			continue
		}
		// Only a paper with such a device lacking a wrap goes on
		// (wrapFor reads the devices again): most syncs find none.
		if slices.ContainsFunc(devs, func(d DeviceInfo) bool {
			_, had := r.Keys[d.ID]
			_, known := p.m.devices[d.ID]
			return on[d.Member] && known && !had
		}) {
			list = append(list, cand{r.Paper, r.Keys, on})
		}
	}
	p.modelMu.RUnlock()
	sort.Slice(list, func(i, j int) bool { return list[i].pp.ID < list[j].pp.ID })
	n := 0
	for _, c := range list {
		key, err := p.lineageKey(c.pp.ID)
		if errors.Is(err, ErrPaperNoKey) {
			continue // another device that holds it will do it
		}
		if err != nil {
			return n, err
		}
		keys, err := p.wrapFor(c.pp, key, c.have)
		if err != nil {
			return n, err
		}
		owner := map[string]string{}
		for _, d := range devs {
			owner[d.ID] = d.Member
		}
		keys = slices.DeleteFunc(keys, func(w papers.WrappedKey) bool { return !c.to[owner[w.Device]] })
		if len(keys) == 0 {
			continue
		}
		if _, err := p.submit(ops.KindPaperRewrap, ops.PaperRewrap{PaperID: c.pp.ID, Keys: keys}, 0); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// applyPaperRewrap adds the op's wraps for devices that have none; the
// paper itself (its revision included) is unchanged. One made by someone
// outside the paper's body's secretariat may only hand the key of a paper
// its member receives to that member's own devices.
func (p *Profile) applyPaperRewrap(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.PaperRewrap)
	var rec PaperRecord
	if err := tx.Get(store.Key(store.PrefixPaper, b.PaperID), &rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	if rec.Paper.Recalled {
		return applied{}, papers.ErrRecalled
	}
	if len(b.Keys) == 0 {
		return applied{}, ErrPaperNoKey
	}
	if !secretariatOf(c.actor, c.inBody) || c.actor.Role == meetings.RoleSystem {
		if c.actor.Role == meetings.RoleSystem || !p.canSeePaper(c.actor, rec.Paper) {
			return applied{}, ErrForbidden
		}
		for _, w := range b.Keys {
			owner, err := tx.GetRaw(store.Key(store.PrefixDeviceMember, w.Device))
			if err != nil || string(owner) != c.op.Member {
				return applied{}, ErrForbidden
			}
		}
	}
	var fresh []papers.WrappedKey
	for _, w := range b.Keys {
		if _, had := rec.Keys[w.Device]; !had {
			fresh = append(fresh, w)
		}
	}
	return p.putPaper(tx, c, rec, fresh, papers.Manifest{})
}
