package core

import (
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// The organisation's own figures, by year — the ones Vietnam's eCabinet
// reported of itself (sessions served, ballots processed, paper documents
// replaced) — read from this replica. On the hub and on a secretary's
// device they cover the whole committee; on a member's device, what that
// member may see.

// OfflineAfter is how long an answer must have waited on its device before
// the hub received it to count as given offline. An answer is signed on the
// device with the device's time (the operation's At) and the hub records
// when it arrived (its reception time); a device online sends within
// seconds, so an answer that reached the hub more than OfflineAfter after
// it was signed was given while the device could not reach the hub — on a
// plane, in a meeting room without network, with the laptop closed before
// it synced. A device clock set minutes wrong could move an answer across
// the line; ten minutes is well beyond the clock drift of a synced laptop.
// Answers the hub has not received yet are not counted either way, and
// answers recorded from paper by the secretariat are not answers given on
// a device at all.
const OfflineAfter = 10 * time.Minute

// YearStats are one year's figures (Year 0: all years together).
type YearStats struct {
	Year int `json:"year"`
	// Sessions are the meetings held: closed, by the year they started.
	Sessions int `json:"sessions"`
	// Ballots are the opinion ballots processed: closed, by the year they
	// closed (their deadline when the close time is not known).
	Ballots int `json:"ballots"`
	// Answers are every answer given, by the year it was signed, a member's
	// change of mind included (each is an answer given); OfflineAnswers
	// are those given offline (OfflineAfter), PaperAnswers those recorded
	// from paper.
	Answers        int `json:"answers"`
	OfflineAnswers int `json:"offline_answers"`
	PaperAnswers   int `json:"paper_answers"`
	// Papers are the copies of papers distributed (one per paper and
	// recipient) and PaperPages the printed pages they replaced (pages ×
	// recipients); see paperFigures.
	Papers     int `json:"papers_distributed"`
	PaperPages int `json:"paper_pages_replaced"`
}

func (y *YearStats) add(o YearStats) {
	y.Sessions += o.Sessions
	y.Ballots += o.Ballots
	y.Answers += o.Answers
	y.OfflineAnswers += o.OfflineAnswers
	y.PaperAnswers += o.PaperAnswers
	y.Papers += o.Papers
	y.PaperPages += o.PaperPages
}

// Stats are the figures of every year with activity, oldest first, and
// their total.
type Stats struct {
	Years []YearStats `json:"years"`
	Total YearStats   `json:"total"`
	// OfflineAfterSeconds is OfflineAfter, said with the figures it made.
	OfflineAfterSeconds int `json:"offline_after_seconds"`
}

// Year is the figures of year y (zero figures when nothing happened then).
func (s Stats) Year(y int) YearStats {
	for _, ys := range s.Years {
		if ys.Year == y {
			return ys
		}
	}
	return YearStats{Year: y}
}

// yearOf is the year of t in Vietnam.
func yearOf(t time.Time) int { return t.In(vietnam).Year() }

// Stats counts the figures. Meetings and ballots come from memory; the
// answers are one pass over the stored answers, decoded but not verified:
// each was verified when it was applied, and a count needs no signature.
// Not on the UI goroutine (it reads the database).
func (p *Profile) Stats() (Stats, error) {
	years := map[int]*YearStats{}
	at := func(y int) *YearStats {
		if ys, ok := years[y]; ok {
			return ys
		}
		ys := &YearStats{Year: y}
		years[y] = ys
		return ys
	}
	for _, m := range p.Meetings() {
		if m.Status == meetings.StatusClosed {
			at(yearOf(m.Start)).Sessions++
		}
	}
	for _, b := range p.Ballots() {
		if b.Status != ballots.StatusClosed {
			continue
		}
		when := b.ClosedAt
		if when.IsZero() {
			when = b.Deadline
		}
		at(yearOf(when)).Ballots++
	}
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each(store.Key(store.PrefixAnswer, ""), func(_, val []byte) error {
			var sa storedAnswer
			if codec.Unmarshal(val, &sa) != nil {
				return nil // not readable: not counted (VerifyLog reports it)
			}
			_, op, err := ops.Decode(sa.Op)
			if err != nil {
				return nil
			}
			var body ops.BallotAnswer
			if codec.Unmarshal(op.Body, &body) != nil {
				return nil
			}
			ys := at(yearOf(op.At))
			ys.Answers++
			switch {
			case body.Answer.Paper:
				ys.PaperAnswers++
			case !sa.HubAt.IsZero() && sa.HubAt.Sub(op.At) > OfflineAfter:
				ys.OfflineAnswers++
			}
			return nil
		})
	})
	if err != nil {
		return Stats{}, err
	}
	for y, pf := range p.paperFigures() {
		ys := at(y)
		ys.Papers += pf.Papers
		ys.PaperPages += pf.PaperPages
	}
	out := Stats{Years: []YearStats{}, OfflineAfterSeconds: int(OfflineAfter / time.Second)}
	for _, ys := range years {
		out.Years = append(out.Years, *ys)
		out.Total.add(*ys)
	}
	slices.SortFunc(out.Years, func(a, b YearStats) int { return a.Year - b.Year })
	return out, nil
}

// paperFigures are the papers distributed and the paper pages they
// replaced, by year: each version of a paper sent out counts one copy per
// member it was sent to (its distribution resolved against its owner: the
// session's participants, the ballot's eligible members, or the members
// named), and its PDF page count times those members. The year is the
// owner's — the session's start, the ballot's deadline — as the copies
// were printed for that session or ballot in the paper days; a replaced
// version counts again (it was printed again), and a recalled paper still
// counts (it had been handed out). Not counted: papers of a session or
// ballot still in draft (they reach only the secretariat), and the
// secretariat's own copy (the office kept the original). From memory; on
// a member's device, only the papers that member may see.
func (p *Profile) paperFigures() map[int]YearStats {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	self := p.m.members[p.m.selfID]
	out := map[int]YearStats{}
	for _, r := range p.m.papers {
		pp := r.Paper
		if !p.canSeePaper(self, pp) {
			continue
		}
		var y int
		if !pp.Owner.IsBallot() {
			m, ok := p.m.meetings[pp.Owner.MeetingID]
			if !ok || m.Status == meetings.StatusDraft {
				continue
			}
			y = yearOf(m.Start)
		} else {
			b, ok := p.m.ballots[pp.Owner.BallotID]
			if !ok || b.Status == ballots.StatusDraft {
				continue
			}
			y = yearOf(b.Deadline)
		}
		copies := 0
		for _, id := range pp.Distribution.Resolve(p.ownerAudience(pp.Owner)) {
			if m, ok := p.m.members[id]; ok && !m.Removed {
				copies++
			}
		}
		ys := out[y]
		ys.Year = y
		for _, v := range pp.Versions {
			ys.Papers += copies
			ys.PaperPages += v.Pages * copies
		}
		out[y] = ys
	}
	return out
}
