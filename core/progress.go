package core

import (
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// What a member knows of the answers they do not receive. A member who is
// neither the chair nor the secretariat receives only their own answer
// while a ballot is open (audience.go), so a tally on their device would
// show everyone else as "not answered": a false picture. Screens ask
// AnswersShown instead, and show either nothing of the others or, when the
// secretariat chose so at issue (ballots.ProgressCount), the hub's running
// count without names, which the hub signs after every answer.

// Progress is the hub's latest count of a ballot's answers.
type Progress struct {
	Answered int       `cbor:"1,keyasint" json:"answered"`
	Of       int       `cbor:"2,keyasint" json:"of"`
	At       time.Time `cbor:"3,keyasint" json:"at"`
}

// AnswerView says what this replica knows of a ballot's answers.
type AnswerView struct {
	// All: every answer reaches this replica (the secretariat, the body's
	// chair, or the signed result has brought them), so a tally is true.
	All bool
	// Progress is the hub's running count, when the ballot shares one and
	// one has come (with All false).
	Progress *Progress
}

// AnswersShown says whether this replica holds every answer to a ballot,
// and if not, what it knows of the others'.
func (p *Profile) AnswersShown(ballotID string) (AnswerView, error) {
	b, err := p.Ballot(ballotID)
	if err != nil {
		return AnswerView{}, err
	}
	self := p.Self()
	if p.hub || orgSecretariat(self) {
		return AnswerView{All: true}, nil
	}
	if r, ok := self.RoleIn(b.Body); ok && (r == meetings.RoleChair || r == meetings.RoleSecretary) {
		return AnswerView{All: true}, nil
	}
	if _, ok := p.BallotResult(ballotID); ok {
		return AnswerView{All: true}, nil
	}
	var v AnswerView
	var pr Progress
	if err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixProgress, ballotID), &pr) }); err == nil {
		v.Progress = &pr
	}
	return v, nil
}

// applyProgress keeps the hub's latest count. Only the hub makes it: the
// table's ByHub rule has checked that.
func (p *Profile) applyProgress(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.BallotProgress)
	if ok, err := tx.Has(store.Key(store.PrefixBallot, b.BallotID)); err != nil || !ok {
		return applied{}, errJoinNotFound(err)
	}
	if err := tx.Put(store.Key(store.PrefixProgress, b.BallotID), Progress{Answered: b.Answered, Of: b.Of, At: c.op.At}); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicAnswers, b.BallotID}}}, nil
}

func errJoinNotFound(err error) error {
	if err != nil {
		return err
	}
	return ErrNotFound
}

// hubProgress counts, on the hub, the eligible members who have answered an
// open ballot that shares its count, and logs the count.
func (p *Profile) hubProgress(tx *txn, ballotID string) error {
	var b ballots.Ballot
	if err := tx.Get(store.Key(store.PrefixBallot, ballotID), &b); err != nil {
		return err
	}
	if b.Progress != ballots.ProgressCount || b.Status != ballots.StatusOpen {
		return nil
	}
	who := map[string]bool{}
	err := tx.Each(store.Key(store.PrefixAnswer, ballotID, ""), func(_, val []byte) error {
		_, _, op, err := decodeStoredAnswer(val)
		if err != nil {
			return nil // not counted, as the tally would not
		}
		var body ops.BallotAnswer
		if op.DecodeBody(&body) == nil {
			who[body.Answer.MemberID] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	n := 0
	for _, id := range b.Eligible {
		if who[id] {
			n++
		}
	}
	return p.hubMake(tx, ops.KindBallotProgress, ops.BallotProgress{BallotID: ballotID, Answered: n, Of: len(b.Eligible)})
}
