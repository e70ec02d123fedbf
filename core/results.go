package core

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// When a ballot closes, the hub signs its result together with the answers
// it accepted (ballot.result). Every replica that applies it re-checks the
// answers' signatures, recounts them under the ballot's rule, and compares:
// the result is shown as verified, or with a loud warning.

// ResultCheck is a closed ballot's signed result as this replica checked it.
type ResultCheck struct {
	Result   ops.BallotResult `cbor:"1,keyasint" json:"result"`
	HubSeq   uint64           `cbor:"2,keyasint" json:"hub_seq"`
	Verified bool             `cbor:"3,keyasint" json:"verified"`
	Problem  string           `cbor:"4,keyasint,omitempty" json:"problem,omitempty"`
}

// Reminder is the secretariat's latest reminder about a ballot.
type Reminder struct {
	At      time.Time `cbor:"1,keyasint" json:"at"`
	Message string    `cbor:"2,keyasint,omitempty" json:"message,omitempty"`
	By      string    `cbor:"3,keyasint" json:"by"`
}

// answersHash is the hash of a set of accepted answers: SHA-256 over their
// operations' hashes, sorted, so that it does not depend on order.
func answersHash(answers []ops.PulledAnswer) []byte {
	hs := make([][]byte, len(answers))
	for i, a := range answers {
		h := sha256.Sum256(a.Op)
		hs[i] = h[:]
	}
	sort.Slice(hs, func(i, j int) bool { return bytes.Compare(hs[i], hs[j]) < 0 })
	h := sha256.New()
	for _, x := range hs {
		h.Write(x)
	}
	return h.Sum(nil)
}

// acceptedAnswers reads a ballot's answers that the hub accepted (with
// their operations), verifying each signature. checked holds, by store key,
// operations whose signature was already verified in tx against their
// device's key: an answer resting as exactly those bytes is not verified
// a second time.
func (p *Profile) acceptedAnswers(tx *store.Tx, ballotID string, checked map[string][]byte) ([]ballots.Answer, []ops.PulledAnswer, error) {
	var answers []ballots.Answer
	var pulled []ops.PulledAnswer
	err := tx.Each(store.Key(store.PrefixAnswer, ballotID, ""), func(k, val []byte) error {
		var sa storedAnswer
		if err := codec.Unmarshal(val, &sa); err != nil {
			return err
		}
		if sa.HubSeq == 0 {
			return nil // not accepted (yet)
		}
		s, op, err := ops.Decode(sa.Op)
		if err != nil {
			return err
		}
		var a ballots.Answer
		if c, ok := checked[string(k)]; ok && bytes.Equal(c, sa.Op) {
			a, err = answerOf(sa, op)
		} else {
			a, err = p.verifyStored(tx, sa, s, op)
		}
		if err != nil {
			return err
		}
		answers = append(answers, a)
		pulled = append(pulled, ops.PulledAnswer{HubSeq: sa.HubSeq, Op: sa.Op, At: sa.HubAt})
		return nil
	})
	sort.Slice(pulled, func(i, j int) bool { return pulled[i].HubSeq < pulled[j].HubSeq })
	return answers, pulled, err
}

func countsOf(res ballots.Result) map[string]int {
	out := map[string]int{}
	for c, n := range res.Counts {
		out[string(c)] = n
	}
	return out
}

// applyResult stores the hub's result of a closed ballot, with the answers
// it carries, and checks it against this replica's own count.
// Only the hub signs results: the table's ByHub rule has checked it.
func (p *Profile) applyResult(tx *txn, c change) (applied, error) {
	op, body := c.op, *c.body.(*ops.BallotResult)
	var b ballots.Ballot
	if err := tx.Get(store.Key(store.PrefixBallot, body.BallotID), &b); err != nil {
		return applied{}, errors.Join(err, ErrNotFound)
	}
	check := ResultCheck{Result: body, Verified: true}
	fail := func(format string, a ...any) {
		if check.Verified {
			check.Verified, check.Problem = false, fmt.Sprintf(format, a...)
		}
	}
	// Store the answers the result carries that this replica did not have
	// (a member's device receives the others' answers only now).
	checked := make(map[string][]byte, len(body.Answers))
	for _, pa := range body.Answers {
		s, aop, err := ops.Decode(pa.Op)
		if err != nil {
			fail("an answer in the result cannot be read")
			continue
		}
		pub, err := tx.GetRaw(store.Key(store.PrefixDevice, aop.Device))
		if err != nil || s.Verify(pub, aop) != nil {
			fail("an answer in the result does not carry a valid signature")
			continue
		}
		var ab ops.BallotAnswer
		if aop.Kind != ops.KindBallotAnswer || aop.DecodeBody(&ab) != nil || ab.Answer.BallotID != body.BallotID {
			fail("the result carries an operation that is not an answer to this ballot")
			continue
		}
		key := store.Key(store.PrefixAnswer, body.BallotID, ab.Answer.ID)
		checked[string(key)] = pa.Op
		if ok, err := tx.Has(key); err != nil {
			return applied{}, err
		} else if !ok {
			if err := tx.Put(key, storedAnswer{Op: pa.Op, HubSeq: pa.HubSeq, HubAt: pa.At}); err != nil {
				return applied{}, err
			}
		}
	}
	answers, pulled, err := p.acceptedAnswers(tx.Tx, body.BallotID, checked)
	if err != nil {
		fail("a stored answer fails verification: %v", err)
	}
	if !bytes.Equal(answersHash(pulled), body.AnswersHash) {
		fail("the answers this computer holds (%d) are not the ones the hub counted (%d)", len(pulled), len(body.Answers))
	}
	closed := b
	if closed.Status != ballots.StatusClosed {
		closed.Status, closed.ClosedAt = ballots.StatusClosed, body.ClosedAt
	}
	mine := ballots.Tally(closed, answers)
	if string(mine.Standing) != body.Standing || fmt.Sprint(countsOf(mine)) != fmt.Sprint(body.Counts) {
		fail("counted here: %s %v; the hub signed: %s %v", mine.Standing, countsOf(mine), body.Standing, body.Counts)
	}
	check.HubSeq = op.DevSeq
	if err := tx.Put(store.Key(store.PrefixResult, body.BallotID), check); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicBallots, body.BallotID}, {TopicAnswers, body.BallotID}}}, nil
}

// BallotResult is the signed result of a closed ballot as checked here.
func (p *Profile) BallotResult(ballotID string) (ResultCheck, bool) {
	var rc ResultCheck
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixResult, ballotID), &rc) })
	return rc, err == nil
}

// resultBody counts the closed ballot b's accepted answers for its signed
// result.
func (p *Profile) resultBody(tx *store.Tx, b ballots.Ballot) (ops.BallotResult, error) {
	answers, pulled, err := p.acceptedAnswers(tx, b.ID, nil)
	if err != nil {
		return ops.BallotResult{}, err
	}
	res := ballots.Tally(b, answers)
	return ops.BallotResult{BallotID: b.ID, Answers: pulled, AnswersHash: answersHash(pulled),
		Standing: string(res.Standing), Counts: countsOf(res), Reason: res.Reason, ClosedAt: b.ClosedAt}, nil
}

// HubPublishResults signs the result of every closed ballot that has none
// yet. The hub calls it after accepting a close and at start-up, so a
// crash between the two only delays a result.
func (p *Profile) HubPublishResults() (int, error) {
	if !p.hub {
		return 0, errors.New("not a hub")
	}
	p.publishMu.Lock()
	defer p.publishMu.Unlock()
	p.mu.Lock()
	p.pendingResults = false
	shared := p.shared != nil
	p.mu.Unlock()
	if shared {
		return p.hubPublishShared()
	}
	n := 0
	for _, b := range p.Ballots() {
		if b.Status != ballots.StatusClosed {
			continue
		}
		if _, ok := p.BallotResult(b.ID); ok {
			continue
		}
		var body ops.BallotResult
		err := p.st.View(func(tx *store.Tx) error {
			var err error
			body, err = p.resultBody(tx, b)
			return err
		})
		if err != nil {
			return n, err
		}
		if _, err := p.submit(ops.KindBallotResult, body, 0); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// HubCloseDue closes, as the hub, every open ballot whose deadline (plus
// the grace period under the device-time rule) has passed at now.
func (p *Profile) HubCloseDue(now time.Time) (int, error) {
	if !p.hub {
		return 0, errors.New("not a hub")
	}
	p.mu.Lock()
	shared := p.shared != nil
	p.mu.Unlock()
	if shared {
		return p.hubCloseShared(now)
	}
	n := 0
	for _, b := range p.Ballots() {
		if !closeDue(b, now) {
			continue
		}
		if err := p.CloseBallot(b.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// closeDue reports whether the hub closes b at now: it is open and its
// deadline (plus the grace period under the device-time rule) has passed.
func closeDue(b ballots.Ballot, now time.Time) bool {
	if b.Status != ballots.StatusOpen {
		return false
	}
	due := b.Deadline
	if b.Policy.Lateness == ballots.LatenessDeviceTime {
		due = due.Add(b.Policy.Grace)
	}
	return !now.Before(due)
}

// hubCloseShared is HubCloseDue on a hub whose log is shared: whether a
// ballot is still open is decided again inside the critical section, on
// the state every process has logged, so that however many processes
// close at the deadline, one close is logged.
func (p *Profile) hubCloseShared(now time.Time) (int, error) {
	return p.hubEachShared(ops.KindBallotClose, autoBase,
		func(b ballots.Ballot) bool { return closeDue(b, now) },
		func(tx *txn, cur ballots.Ballot) (any, error) {
			if !closeDue(cur, now) {
				return nil, errSkip // another process closed it first
			}
			return ops.BallotClose{BallotID: cur.ID}, nil
		})
}

// hubPublishShared is HubPublishResults on a hub whose log is shared:
// whether a closed ballot still has no result is decided again inside the
// critical section, and the result counted there, so that one result is
// signed per ballot however many processes publish. publishMu is held.
func (p *Profile) hubPublishShared() (int, error) {
	return p.hubEachShared(ops.KindBallotResult, 0,
		func(b ballots.Ballot) bool {
			if b.Status != ballots.StatusClosed {
				return false
			}
			_, has := p.BallotResult(b.ID)
			return !has
		},
		func(tx *txn, cur ballots.Ballot) (any, error) {
			if has, err := tx.Has(store.Key(store.PrefixResult, cur.ID)); err != nil {
				return nil, err
			} else if has || cur.Status != ballots.StatusClosed {
				return nil, errSkip // another process signed it first
			}
			return p.resultBody(tx.Tx, cur)
		})
}

// hubEachShared makes a hub op of kind for each ballot that wants one on
// the caught-up model, deciding again inside the critical section, on the
// ballot as the log left it (build answers errSkip when another process
// made it first); it returns how many it made.
func (p *Profile) hubEachShared(kind ops.Kind, base uint64, wants func(ballots.Ballot) bool, build func(tx *txn, cur ballots.Ballot) (any, error)) (int, error) {
	if _, err := p.HubCatchUp(context.Background()); err != nil {
		return 0, err
	}
	n := 0
	for _, b := range p.Ballots() {
		if !wants(b) {
			continue
		}
		id := b.ID
		p.mu.Lock()
		_, err := p.submitShared(kind, func(tx *txn) (any, error) {
			var cur ballots.Ballot
			if err := tx.Get(store.Key(store.PrefixBallot, id), &cur); err != nil {
				return nil, err
			}
			return build(tx, cur)
		}, base)
		p.mu.Unlock()
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ResultsPending reports whether a close was accepted whose result is not
// published yet.
func (p *Profile) ResultsPending() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pendingResults
}

// RemindBallot sends the members who have not answered a reminder
// (secretariat only). It reaches them as an in-app banner and a desktop
// notification.
func (p *Profile) RemindBallot(ballotID, message string) error {
	_, err := p.submit(ops.KindBallotRemind, ops.BallotRemind{BallotID: ballotID, Message: message}, 0)
	return err
}

// ReminderFor returns the latest reminder about a ballot, if any.
func (p *Profile) ReminderFor(ballotID string) (Reminder, bool) {
	var r Reminder
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixReminder, ballotID), &r) })
	return r, err == nil
}

func (p *Profile) applyRemind(tx *txn, c change) (applied, error) {
	op, actor, body := c.op, c.actor.ID, c.body.(*ops.BallotRemind)
	var b ballots.Ballot
	if err := tx.Get(store.Key(store.PrefixBallot, body.BallotID), &b); err != nil {
		return applied{}, errors.Join(err, ErrNotFound)
	}
	if b.Status != ballots.StatusOpen {
		return applied{}, &ballotsNotOpen
	}
	if len(body.Message) > 2000 {
		return applied{}, errors.Join(ops.ErrMalformed, errors.New("reminder too long"))
	}
	if err := tx.Put(store.Key(store.PrefixReminder, body.BallotID), Reminder{At: op.At, Message: body.Message, By: actor}); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicReminders, body.BallotID}}}, nil
}
