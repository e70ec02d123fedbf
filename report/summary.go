package report

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

// AnswerRow is one member's answer as the summary lists it: the answer of
// theirs that counts, or, when none counts, their latest (a late one, shown
// as late).
type AnswerRow struct {
	Member  Person
	Choice  ballots.Choice
	Comment string
	// SignedAt is when the member signed it; ReceivedAt when the hub
	// received it (zero until it has).
	SignedAt   time.Time
	ReceivedAt time.Time
	Late       bool
	Paper      bool
	Counted    bool
}

// Check says how far the hub has confirmed a ballot's result.
type Check int

// The states of a result's confirmation.
const (
	// CheckPending: the hub has not signed a result (the ballot is open,
	// or this computer has not synced since it closed).
	CheckPending Check = iota
	// CheckVerified: the hub signed a result and this computer recounted
	// the signed answers and agrees.
	CheckVerified
	// CheckMismatch: the hub's signed result does not match this
	// computer's check.
	CheckMismatch
)

// Verification is the hub's signed result as this computer checked it.
type Verification struct {
	State Check
	// Fingerprint identifies the signed result (verified or mismatched).
	Fingerprint string
	// Problem says what did not match (CheckMismatch).
	Problem string
}

// Summary is what the summary of opinions (báo cáo tổng hợp ý kiến) of a
// ballot says.
type Summary struct {
	Lang     Lang
	Location *time.Location
	Heading  Heading
	Made     time.Time
	Ballot   ballots.Ballot
	// Result is the tally under the ballot's policy (ballots.Tally).
	Result ballots.Result
	// Answers has one row per member who answered, in the committee's
	// order.
	Answers []AnswerRow
	// Missing are the eligible members with no answer at all.
	Missing      []Person
	Verification Verification
	Signer       Signer
}

// WriteSummary writes the summary of opinions of a ballot as a PDF. A
// ballot nobody answered yet gets a summary that says so and lists every
// member as not answered.
func WriteSummary(w io.Writer, in Summary) error {
	b := in.Ballot
	p, err := newPage(in.Lang, in.Location, p0(in.Lang, "sum.kind")+" — "+b.Title, in.Made)
	if err != nil {
		return err
	}
	p.header(in.Heading, p.t("sum.code"), p.t("sum.kind"), p.t("sum.title", b.Title))

	p.heading(p.t("sum.question"))
	p.para("", b.Question)
	p.para("", p.t("sum.deadline", p.dateTime(b.Deadline)))
	status := p.t("status." + string(b.Status))
	if b.Status == ballots.StatusClosed && !b.ClosedAt.IsZero() {
		// "closed at …" says both; "closed, closed at …" read twice.
		status = p.t("sum.closed_at", p.dateTime(b.ClosedAt))
	}
	p.para("", p.t("sum.status", status))

	p.heading(p.t("sum.rule"))
	p.bullets(ruleLines(p, b.Policy))

	res := in.Result
	p.heading(p.t("sum.result"))
	p.font("B", 13)
	p.pdf.MultiCell(0, 7, clean(standingLine(p, res)), "", "L", false)
	p.para("", p.t("sum.counts", res.Members, res.Answered, res.Unanswered))
	var counts []string
	for _, o := range b.Options {
		counts = append(counts, p.t("sum.count_line", o.Label, res.Counts[o.Choice], res.Members))
	}
	p.bullets(counts)

	p.heading(p.t("sum.answers"))
	if len(in.Answers) == 0 {
		p.para("I", p.t("sum.no_answers"))
	} else {
		rows := make([][]string, len(in.Answers))
		for i, a := range in.Answers {
			rows[i] = answerRow(p, b, i, a)
		}
		p.table([]column{
			{p.t("col.no"), 11, "C"},
			{p.t("col.member"), 45, "L"},
			{p.t("col.answer"), 27, "L"},
			{p.t("col.comment"), 55, "L"},
			{p.t("col.at"), contentW - 11 - 45 - 27 - 55, "L"},
		}, rows)
	}

	p.heading(p.t("sum.missing"))
	if len(in.Missing) == 0 {
		p.para("", p.t("sum.all_answered"))
	} else {
		names := make([]string, len(in.Missing))
		for i, m := range in.Missing {
			names[i] = m.String()
		}
		p.bullets(names)
	}

	p.heading(p.t("sum.verify"))
	v := in.Verification
	switch v.State {
	case CheckVerified:
		p.para("", p.t("sum.verified"))
		p.para("", p.t("sum.fingerprint", v.Fingerprint))
	case CheckMismatch:
		p.para("B", p.t("sum.mismatch", v.Problem))
		if v.Fingerprint != "" {
			p.para("", p.t("sum.fingerprint", v.Fingerprint))
		}
	default:
		p.para("I", p.t("sum.unverified"))
	}
	p.gap(2)
	p.para("", p.t("sum.closing"))
	p.signature(in.Signer, []string{p.t("sum.recipients")})
	return p.write(w)
}

// standingLine is "Thông qua — đủ số thành viên đồng ý theo quy tắc", with
// what can still happen while the ballot is open.
func standingLine(p *page, res ballots.Result) string {
	s := p.t("standing."+string(res.Standing)) + " — " + p.t("reason."+res.Reason)
	if res.Standing == ballots.StandingOpen {
		var still []string
		if res.CanStillPass {
			still = append(still, p.t("still.pass"))
		}
		if res.CanStillFail {
			still = append(still, p.t("still.fail"))
		}
		if len(still) > 0 {
			s += " (" + strings.Join(still, ", ") + ")"
		}
	}
	return s
}

// ruleLines describes a policy, one rule a line.
func ruleLines(p *page, pol ballots.Policy) []string {
	// The policy's Name is a preset's key ("vn-government"), not wording
	// for a document: the rules themselves are spelled out.
	out := []string{p.t("rule." + string(pol.Denominator)), p.t("rule." + string(pol.Threshold)),
		p.t("rule.tie." + string(pol.TieBreaker)), p.t("rule.silent." + string(pol.NonResponse))}
	if !pol.Quorum.IsZero() {
		out = append(out, p.t("rule.quorum", pol.Quorum.Num, pol.Quorum.Den))
	}
	if pol.Lateness == ballots.LatenessDeviceTime {
		out = append(out, p.t("rule.late.device", p.duration(int(pol.Grace/time.Minute))))
	} else {
		out = append(out, p.t("rule.late.reception"))
	}
	return out
}

// answerRow is a table row: number, member, answer with its marks,
// comment, and when it was signed (and received, when that differs).
func answerRow(p *page, b ballots.Ballot, i int, a AnswerRow) []string {
	label := string(a.Choice)
	for _, o := range b.Options {
		if o.Choice == a.Choice {
			label = o.Label
		}
	}
	var marks []string
	if a.Paper {
		marks = append(marks, p.t("sum.paper"))
	}
	switch {
	case a.Late:
		marks = append(marks, p.t("sum.late"))
	case !a.Counted:
		marks = append(marks, p.t("sum.superseded"))
	}
	if len(marks) > 0 {
		label += "\n(" + strings.Join(marks, "; ") + ")"
	}
	at := p.clock(a.SignedAt) + "\n" + p.date(a.SignedAt)
	if !a.ReceivedAt.IsZero() && a.ReceivedAt.Sub(a.SignedAt) > time.Minute {
		at += "\n(" + p.t("sum.received", p.dateTime(a.ReceivedAt)) + ")"
	}
	member := a.Member.Name
	if a.Member.Title != "" {
		member += "\n" + a.Member.Title
	}
	return []string{fmt.Sprint(i + 1), member, label, a.Comment, at}
}
