package core

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Ballots lists ballots: open ones first by nearest deadline, then closed
// ones, most recently closed first.
func (p *Profile) Ballots() []ballots.Ballot {
	p.modelMu.RLock()
	out := make([]ballots.Ballot, 0, len(p.m.ballots))
	for _, b := range p.m.ballots {
		out = append(out, b)
	}
	p.modelMu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		ao, bo := a.Status != ballots.StatusClosed, b.Status != ballots.StatusClosed
		if ao != bo {
			return ao
		}
		if ao && !a.Deadline.Equal(b.Deadline) {
			return a.Deadline.Before(b.Deadline)
		}
		if !ao && !a.ClosedAt.Equal(b.ClosedAt) {
			return a.ClosedAt.After(b.ClosedAt)
		}
		return a.ID < b.ID
	})
	return out
}

// Ballot returns one ballot.
func (p *Profile) Ballot(id string) (ballots.Ballot, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	b, ok := p.m.ballots[id]
	if !ok {
		return ballots.Ballot{}, ErrNotFound
	}
	return b, nil
}

// MyAnswer is the profile member's latest answer to a ballot, if any.
func (p *Profile) MyAnswer(ballotID string) (ballots.Answer, bool) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	a, ok := p.m.mine[ballotID]
	return a, ok
}

// BallotInput is what a secretary fills in to issue a ballot. Empty
// Options, Eligible and Policy take the Vietnamese defaults: Đồng ý / Không
// đồng ý / Ý kiến khác, every voting member, and the vn-government rule.
type BallotInput struct {
	Title        string
	Question     string
	MeetingID    string
	AgendaItemID string
	Deadline     time.Time
	Options      []ballots.Option
	Eligible     []string
	Policy       string
	// Body is the body the ballot is put to; empty: the meeting's body for
	// a ballot tied to a meeting, else the only body when there is one.
	// Eligible defaults to the body's voting members, and its chair breaks
	// ties.
	Body string
	// Progress is what members see of the others' answers while it is
	// open (ballots.Progress; "": hidden).
	Progress ballots.Progress
}

// IssueBallot creates and opens a ballot (secretariat only).
func (p *Profile) IssueBallot(in BallotInput) (ballots.Ballot, error) {
	pol := ballots.VNGovernment()
	if in.Policy != "" {
		var ok bool
		if pol, ok = ballots.PolicyByName(in.Policy); !ok {
			return ballots.Ballot{}, meetings.NewError("err.ballot.policy_unknown", "policy")
		}
	}
	opts := in.Options
	if len(opts) == 0 {
		opts = ballots.VietnameseOptions()
	}
	if in.MeetingID != "" {
		m, err := p.Meeting(in.MeetingID)
		if err != nil {
			return ballots.Ballot{}, err
		}
		if in.AgendaItemID != "" && !hasItem(m, in.AgendaItemID) {
			return ballots.Ballot{}, ErrNotFound
		}
		// A ballot tied to a meeting is put to the meeting's body.
		if in.Body == "" {
			in.Body = meetings.BodyOf(m.Body)
		} else if meetings.BodyOf(in.Body) != meetings.BodyOf(m.Body) {
			return ballots.Ballot{}, errBodyMismatch
		}
	}
	body, err := p.resolveBody(in.Body)
	if err != nil {
		return ballots.Ballot{}, err
	}
	p.modelMu.RLock()
	members := meetings.InBody(p.m.memberList(), body)
	eligible := in.Eligible
	if len(eligible) == 0 {
		eligible = voterIDs(members)
	}
	roles := make(map[string]meetings.Role, len(members))
	for _, m := range members {
		roles[m.ID] = m.Role
	}
	for _, id := range eligible {
		if !roles[id].Votes() {
			p.modelMu.RUnlock()
			return ballots.Ballot{}, meetings.NewError("err.ballot.eligible_invalid", "eligible")
		}
	}
	var chair string
	if c, ok := meetings.Chair(members); ok {
		for _, id := range eligible {
			if id == c.ID {
				chair = c.ID
			}
		}
	}
	p.modelMu.RUnlock()
	b := ballots.Ballot{
		ID:           identity.NewID(),
		Title:        strings.TrimSpace(in.Title),
		Question:     strings.TrimSpace(in.Question),
		MeetingID:    in.MeetingID,
		AgendaItemID: in.AgendaItemID,
		Options:      opts,
		Deadline:     in.Deadline.UTC(),
		Eligible:     eligible,
		ChairID:      chair,
		Policy:       pol,
		Body:         bodyField(body),
		Status:       ballots.StatusDraft,
		Progress:     in.Progress,
	}
	if pol.TieBreaker == ballots.TieBreakChair && chair == "" {
		// No chair among the eligible: nobody can break a tie.
		b.Policy.TieBreaker = ballots.TieBreakNone
	}
	if err := b.Validate(); err != nil {
		return ballots.Ballot{}, err
	}
	if _, err := p.submit(ops.KindBallotIssue, ops.BallotIssue{Ballot: b}, 0); err != nil {
		return ballots.Ballot{}, err
	}
	return p.Ballot(b.ID)
}

func hasItem(m meetings.Meeting, id string) bool {
	for _, it := range m.Agenda {
		if it.ID == id {
			return true
		}
	}
	return false
}

// AnswerBallot saves the profile member's answer. It returns once the
// answer is signed, journaled and committed: "saved on this computer".
func (p *Profile) AnswerBallot(ballotID string, choice ballots.Choice, comment string) (ballots.Answer, error) {
	return p.answer(ballotID, p.Self().ID, choice, comment, "", nil)
}

// RecordAnswerFor records, as secretariat, an answer a member gave on paper.
func (p *Profile) RecordAnswerFor(ballotID, memberID string, choice ballots.Choice, comment string) (ballots.Answer, error) {
	return p.RecordPaperAnswer(ballotID, memberID, choice, comment, nil)
}

// RecordPaperAnswer records, as secretariat, an answer a member gave on
// paper, with the scan of that paper (PDF, PNG or JPEG; nil for none). The
// answer is marked as a paper answer wherever it appears.
func (p *Profile) RecordPaperAnswer(ballotID, memberID string, choice ballots.Choice, comment string, scan []byte) (ballots.Answer, error) {
	self := p.Self()
	b, err := p.Ballot(ballotID)
	if err != nil {
		return ballots.Answer{}, err
	}
	if !secretariatOf(self, b.Body) {
		return ballots.Answer{}, ErrForbidden
	}
	if len(scan) > 0 {
		if err := checkScan(scan); err != nil {
			return ballots.Answer{}, err
		}
	}
	return p.answer(ballotID, memberID, choice, comment, self.ID, scan)
}

// checkScan accepts a PDF, PNG or JPEG of at most ops.MaxScan bytes.
func checkScan(b []byte) error {
	if len(b) > ops.MaxScan {
		return meetings.NewError("err.answer.scan_too_large", "scan")
	}
	for _, magic := range []string{"%PDF-", "\x89PNG\r\n\x1a\n", "\xff\xd8\xff"} {
		if strings.HasPrefix(string(b), magic) {
			return nil
		}
	}
	return meetings.NewError("err.answer.scan_format", "scan")
}

// AnswerScan returns the scan attached to a paper answer.
func (p *Profile) AnswerScan(ballotID, answerID string) ([]byte, error) {
	var scan []byte
	err := p.st.View(func(tx *store.Tx) error {
		op, err := storedAnswerOp(tx, ballotID, answerID)
		if err != nil {
			return err
		}
		var body ops.BallotAnswer
		if err := op.DecodeBody(&body); err != nil {
			return err
		}
		scan = body.Scan
		return nil
	})
	if errors.Is(err, store.ErrNotFound) || (err == nil && scan == nil) {
		return nil, ErrNotFound
	}
	return scan, err
}

func (p *Profile) answer(ballotID, memberID string, choice ballots.Choice, comment, recordedBy string, scan []byte) (ballots.Answer, error) {
	a := ballots.Answer{
		ID:       identity.NewID(),
		BallotID: ballotID,
		MemberID: memberID,
		Choice:   choice,
		Comment:  strings.TrimSpace(comment),
		At:       p.now().UTC(),
		Papers:   p.ballotPaperVersions(ballotID),
	}
	if recordedBy != "" {
		a.Paper, a.RecordedBy = true, recordedBy
		if len(scan) > 0 {
			h := sha256.Sum256(scan)
			a.ScanSHA256 = h[:]
		}
	}
	op, err := p.submit(ops.KindBallotAnswer, ops.BallotAnswer{Answer: a, Scan: scan}, 0)
	if err != nil {
		return ballots.Answer{}, err
	}
	a.Seq = answerSeq(op.DevSeq, 0)
	return a, nil
}

// CloseBallot closes a ballot (secretariat only); its standing is final.
func (p *Profile) CloseBallot(id string) error {
	_, err := p.submit(ops.KindBallotClose, ops.BallotClose{BallotID: id}, autoBase)
	return err
}

// ExtendDeadline moves an open ballot's deadline later (secretariat only).
func (p *Profile) ExtendDeadline(id string, deadline time.Time) error {
	_, err := p.submit(ops.KindBallotExtend, ops.BallotExtend{BallotID: id, Deadline: deadline.UTC()}, autoBase)
	return err
}

// Answers reads every answer given to a ballot, verifying each signature.
// Answers that fail verification are left out and reported in the error
// (which wraps ErrBadSignature); the others are still returned.
func (p *Profile) Answers(ballotID string) ([]ballots.Answer, error) {
	var out []ballots.Answer
	bad := 0
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each(store.Key(store.PrefixAnswer, ballotID, ""), func(_, val []byte) error {
			a, err := p.verifyAnswer(val)
			if err != nil {
				bad++
				return nil
			}
			out = append(out, a)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	if bad > 0 {
		return out, fmt.Errorf("%d answers to ballot %s: %w", bad, ballotID, ErrBadSignature)
	}
	return out, nil
}

// verifyAnswer decodes a stored answer operation and checks its signature
// against the key of the device that made it.
func (p *Profile) verifyAnswer(val []byte) (ballots.Answer, error) {
	return p.verifyAnswerTx(nil, val)
}

// verifyAnswerTx is verifyAnswer, looking up device keys in tx when one is
// given (keys enrolled in the same transaction are not in the model yet).
func (p *Profile) verifyAnswerTx(tx *store.Tx, val []byte) (ballots.Answer, error) {
	sa, s, op, err := decodeStoredAnswer(val)
	if err != nil {
		return ballots.Answer{}, err
	}
	return p.verifyStored(tx, sa, s, op)
}

// decodeStoredAnswer reads a stored answer: its record and the signed
// operation it holds. It checks no signature (verifyStored does).
func decodeStoredAnswer(val []byte) (storedAnswer, ops.Signed, ops.Op, error) {
	var sa storedAnswer
	if err := codec.Unmarshal(val, &sa); err != nil {
		return sa, ops.Signed{}, ops.Op{}, err
	}
	s, op, err := ops.Decode(sa.Op)
	return sa, s, op, err
}

// storedAnswerOp reads the operation of one stored answer, unverified.
func storedAnswerOp(tx *store.Tx, ballotID, answerID string) (ops.Op, error) {
	var sa storedAnswer
	if err := tx.Get(store.Key(store.PrefixAnswer, ballotID, answerID), &sa); err != nil {
		return ops.Op{}, err
	}
	_, op, err := ops.Decode(sa.Op)
	return op, err
}

// verifyStored checks a decoded stored answer's signature against the key
// of the device that made it (from tx when given, else from the model) and
// returns the answer with its order key and reception time.
func (p *Profile) verifyStored(tx *store.Tx, sa storedAnswer, s ops.Signed, op ops.Op) (ballots.Answer, error) {
	var pub ed25519.PublicKey
	ok := false
	if tx != nil {
		if raw, err := tx.GetRaw(store.Key(store.PrefixDevice, op.Device)); err == nil {
			pub, ok = raw, true
		}
	} else {
		p.modelMu.RLock()
		pub, ok = p.m.devices[op.Device]
		p.modelMu.RUnlock()
	}
	if !ok {
		return ballots.Answer{}, fmt.Errorf("unknown device %s: %w", op.Device, ErrBadSignature)
	}
	if err := s.Verify(pub, op); err != nil {
		return ballots.Answer{}, errors.Join(ErrBadSignature, err)
	}
	return answerOf(sa, op)
}

// answerOf is the answer a stored answer's operation carries, with its
// order key and reception time; it checks no signature.
func answerOf(sa storedAnswer, op ops.Op) (ballots.Answer, error) {
	if op.Kind != ops.KindBallotAnswer {
		return ballots.Answer{}, ops.ErrMalformed
	}
	var body ops.BallotAnswer
	if err := op.DecodeBody(&body); err != nil {
		return ballots.Answer{}, err
	}
	a := body.Answer
	a.Seq = answerSeq(op.DevSeq, sa.HubSeq)
	a.ReceivedAt = sa.HubAt
	return a, nil
}

// Tally counts a ballot's verified answers under its policy.
func (p *Profile) Tally(ballotID string) (ballots.Result, []ballots.Answer, error) {
	b, err := p.Ballot(ballotID)
	if err != nil {
		return ballots.Result{}, nil, err
	}
	answers, err := p.Answers(ballotID)
	if err != nil && !errors.Is(err, ErrBadSignature) {
		return ballots.Result{}, nil, err
	}
	return ballots.Tally(b, answers), answers, err
}

// storedAnswer is how an answer rests: the signed operation as made, and
// the hub's position for it once the hub accepted it.
type storedAnswer struct {
	Op     []byte    `cbor:"1,keyasint"`
	HubSeq uint64    `cbor:"2,keyasint,omitempty"`
	HubAt  time.Time `cbor:"3,keyasint,omitempty"`
}

// pendingSeqBase orders answers the hub has not confirmed after every
// confirmed one: on this device they are the newest.
const pendingSeqBase = 1 << 48

// answerSeq is the order key of an answer: its hub position once accepted,
// else after everything confirmed, in the device's own order.
func answerSeq(devSeq, hubSeq uint64) uint64 {
	if hubSeq > 0 {
		return hubSeq
	}
	return pendingSeqBase + devSeq
}
