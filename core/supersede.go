package core

import (
	"errors"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// A member may answer a ballot on two of their devices while both are
// offline. Both answers are kept, and the one later in the hub's order
// counts. The device whose answer lost must tell its member, or they would
// believe the opinion they gave here is the one that counts. Nothing is
// stored for that: the answers themselves say it, so it is worked out when
// asked, and it stops holding as soon as the member answers again here.

// Supersession says that the answer given on this device no longer counts
// because an answer given elsewhere in the member's name came later in the
// hub's order.
type Supersession struct {
	BallotID string
	// Mine is this device's latest answer to the ballot: no longer counted.
	Mine ballots.Answer
	// By is the answer that counts now, with its hub position and
	// reception time.
	By ballots.Answer
	// ByDevice is the device that signed By: another device of the member,
	// or the secretariat's when By was given on paper (By.Paper).
	ByDevice string
}

// Superseded tells whether this device's answer to a ballot was replaced by
// a later one (in hub order) given on another device in the member's name.
// It is false when this device's answer is the one that counts, when the
// member never answered here, and while this device's newest answer has not
// reached the hub yet (it will come later in the hub's order). It reads the
// ballot's answers from disk, so screens call it off the UI goroutine.
func (p *Profile) Superseded(ballotID string) (s Supersession, ok bool) {
	_ = p.st.View(func(tx *store.Tx) error {
		s, ok = p.supersededIn(tx, ballotID)
		return nil
	})
	return s, ok
}

// supersededIn is Superseded, reading in tx.
func (p *Profile) supersededIn(tx *store.Tx, ballotID string) (Supersession, bool) {
	var own, all []ballots.Answer
	devices := map[string]string{} // answer ID → signing device
	self := p.Self().ID
	_ = tx.Each(store.Key(store.PrefixAnswer, ballotID, ""), func(_, val []byte) error {
		// Decode cheaply first: only the member's own answers are
		// worth a signature check.
		sa, s, op, err := decodeStoredAnswer(val)
		if err != nil || op.Kind != ops.KindBallotAnswer {
			return nil
		}
		var body ops.BallotAnswer
		if op.DecodeBody(&body) != nil || body.Answer.MemberID != self {
			return nil
		}
		a, err := p.verifyStored(nil, sa, s, op)
		if err != nil {
			return nil // a forged answer replaces nothing
		}
		devices[a.ID] = op.Device
		all = append(all, a)
		if op.Device == p.dev.ID {
			own = append(own, a)
		}
		return nil
	})
	if len(own) == 0 {
		return Supersession{}, false
	}
	mine := ballots.Effective(own)[self]
	eff := ballots.Effective(all)[self]
	if eff.ID == mine.ID || devices[eff.ID] == p.dev.ID || eff.Seq >= pendingSeqBase {
		return Supersession{}, false
	}
	return Supersession{BallotID: ballotID, Mine: mine, By: eff, ByDevice: devices[eff.ID]}, true
}

// Supersessions lists every ballot where this device's answer was replaced
// by a later one given elsewhere (see Superseded). Only ballots whose
// counting answer was signed by another device are read in full, so it
// stays cheap with a year of answers; still, it reads from disk (in one
// read transaction).
func (p *Profile) Supersessions() []Supersession {
	p.modelMu.RLock()
	mine := make([]ballots.Answer, 0, len(p.m.mine))
	for _, a := range p.m.mine {
		mine = append(mine, a)
	}
	p.modelMu.RUnlock()
	var out []Supersession
	_ = p.st.View(func(tx *store.Tx) error {
		for _, a := range mine {
			if answerDeviceIn(tx, a.BallotID, a.ID) == p.dev.ID {
				continue
			}
			if s, ok := p.supersededIn(tx, a.BallotID); ok {
				out = append(out, s)
			}
		}
		return nil
	})
	return out
}

// GivenHere reports whether this device signed the answer a: a member's
// answer given on another of their devices (or recorded on paper by the
// secretariat) must not be described as saved on this computer.
func (p *Profile) GivenHere(a ballots.Answer) bool {
	var dev string
	_ = p.st.View(func(tx *store.Tx) error {
		dev = answerDeviceIn(tx, a.BallotID, a.ID)
		return nil
	})
	return dev == p.dev.ID
}

// answerDeviceIn is the device that signed an answer ("" if unknown).
func answerDeviceIn(tx *store.Tx, ballotID, answerID string) string {
	op, err := storedAnswerOp(tx, ballotID, answerID)
	if err != nil {
		return ""
	}
	return op.Device
}

// laterThanMine reports whether a, an answer in the member's own name just
// applied from the hub's log, now counts for them: the local index of the
// member's answer must not go back to an earlier one. It can be earlier:
// this device pushes its own answer (and learns its hub position) before it
// pulls the answers that other devices gave before it.
func laterThanMine(tx *txn, a ballots.Answer) (bool, error) {
	var cur ballots.Answer
	if err := tx.Get(store.Key(store.PrefixMine, a.BallotID), &cur); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return true, nil
		}
		return false, err
	}
	return ballots.Effective([]ballots.Answer{cur, a})[a.MemberID].ID == a.ID, nil
}
