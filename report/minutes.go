package report

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// Vote is an in-meeting named vote on an agenda item (a quick vote): its
// question, tally and who answered what.
type Vote struct {
	Question string
	Ballot   ballots.Ballot
	Result   ballots.Result
	// Named lists each voter's counted answer, in the committee's order.
	Named []NamedAnswer
	// NotVoted are the eligible voters with no counted answer.
	NotVoted []Person
}

// NamedAnswer is one member's vote.
type NamedAnswer struct {
	Member Person
	Choice ballots.Choice
}

// MinutesItem is one agenda item as the minutes record it.
type MinutesItem struct {
	Title     string
	Presenter string
	// Adopted: adopted in the consent block, without debate.
	Adopted bool
	Votes   []Vote
	// Conclusion is what the secretary recorded as concluded on the item.
	Conclusion string
}

// Minutes is what the minutes and conclusions (biên bản, kết luận) of a
// session say.
type Minutes struct {
	Lang     Lang
	Location *time.Location
	Heading  Heading
	Made     time.Time
	Title    string
	Start    time.Time
	Place    string
	Status   meetings.Status
	Chair    *Person
	// Present and Absent are the invited voters; Others are the guests
	// and secretaries recorded as present.
	Present []Person
	Absent  []Person
	Others  []Person
	Quorum  meetings.QuorumStatus
	Items   []MinutesItem
	// Finalised is when the minutes were finalised (zero: still a draft).
	Finalised time.Time
	Signer    Signer
}

// WriteMinutes writes the minutes and conclusions of a session as a PDF.
// Minutes not yet finalised say they are a draft.
func WriteMinutes(w io.Writer, in Minutes) error {
	p, err := newPage(in.Lang, in.Location, p0(in.Lang, "min.kind")+" — "+in.Title, in.Made)
	if err != nil {
		return err
	}
	p.header(in.Heading, p.t("min.code"), p.t("min.kind"), p.t("min.title", in.Title))
	if in.Finalised.IsZero() {
		p.paraAlign("B", 10.5, "C", p.t("min.draft"))
		p.gap(2)
	}
	place := in.Place
	if strings.TrimSpace(place) == "" {
		place = "—"
	}
	p.para("", p.t("min.opening", p.longDateTime(in.Start), place, in.Title))

	p.heading(p.t("min.attendance"))
	if in.Chair != nil {
		p.para("", p.t("min.chair", in.Chair.String()))
	}
	q := in.Quorum
	if q.Met {
		p.para("", p.t("min.quorum_met", q.Present, q.Voters, q.Needed))
	} else {
		p.para("B", p.t("min.quorum_not_met", q.Present, q.Voters, q.Needed))
	}
	p.people(p.t("min.present", len(in.Present)), in.Present)
	p.people(p.t("min.absent", len(in.Absent)), in.Absent)
	if len(in.Others) > 0 {
		p.people(p.t("min.others"), in.Others)
	}

	p.heading(p.t("min.content"))
	if len(in.Items) == 0 {
		p.para("I", p.t("min.no_agenda"))
	}
	for i, it := range in.Items {
		p.item(i, it)
	}
	if !in.Finalised.IsZero() {
		p.gap(2)
		p.para("I", p.t("min.final", p.dateTime(in.Finalised)))
	}
	p.signature(in.Signer, []string{p.t("min.recipients")})
	return p.write(w)
}

// people writes a labelled list of names ("none" when empty).
func (p *page) people(label string, ps []Person) {
	p.gap(1)
	p.font("B", bodySize)
	p.pdf.MultiCell(0, lineH, clean(label), "", "L", false)
	if len(ps) == 0 {
		p.pdf.SetX(marginL + 6)
		p.para("I", p.t("none"))
		return
	}
	names := make([]string, len(ps))
	for i, m := range ps {
		names[i] = m.String()
	}
	p.bullets(names)
}

// item writes one agenda item: what was presented, adopted, voted and
// concluded.
func (p *page) item(i int, it MinutesItem) {
	p.gap(2)
	p.keep(4 * lineH)
	p.font("B", bodySize)
	p.pdf.MultiCell(0, lineH, clean(strconv.Itoa(i+1)+". "+it.Title), "", "L", false)
	if it.Presenter != "" {
		p.para("", p.t("min.presented", it.Presenter))
	}
	if it.Adopted {
		p.para("", p.t("min.adopted"))
	}
	for _, v := range it.Votes {
		p.vote(v)
	}
	if strings.TrimSpace(it.Conclusion) != "" {
		p.font("B", bodySize)
		p.pdf.MultiCell(0, lineH, p.t("min.conclusion"), "", "L", false)
		p.para("", it.Conclusion)
	} else if !it.Adopted && len(it.Votes) == 0 {
		p.para("I", p.t("min.not_adopted"))
	}
}

// vote writes a named vote: its question, result and a table of who voted
// what.
func (p *page) vote(v Vote) {
	q := v.Question
	if q == "" {
		q = v.Ballot.Question
	}
	p.para("", p.t("min.vote", q))
	if v.Ballot.Status != ballots.StatusClosed {
		p.para("I", p.t("min.vote_open"))
	}
	var counts []string
	for _, o := range v.Ballot.Options {
		counts = append(counts, o.Label+" "+strconv.Itoa(v.Result.Counts[o.Choice]))
	}
	p.para("B", p.t("min.vote_result", standingLine(p, v.Result), strings.Join(counts, ", ")))
	if len(v.Named) > 0 {
		rows := make([][]string, len(v.Named))
		for i, a := range v.Named {
			label := string(a.Choice)
			for _, o := range v.Ballot.Options {
				if o.Choice == a.Choice {
					label = o.Label
				}
			}
			rows[i] = []string{strconv.Itoa(i + 1), a.Member.String(), label}
		}
		p.table([]column{
			{p.t("col.no"), 12, "C"},
			{p.t("col.member"), contentW - 12 - 45, "L"},
			{p.t("col.answer"), 45, "L"},
		}, rows)
	}
	if len(v.NotVoted) > 0 {
		names := make([]string, len(v.NotVoted))
		for i, m := range v.NotVoted {
			names[i] = m.Name
		}
		p.para("", p.t("min.not_voted", strings.Join(names, "; ")))
	}
}
