package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// Response tracking on the ballot list, for the secretariat: every row
// says how many of the eligible members have answered, and three filters
// find the ballots that need a reminder — closing within a day (sắp hết
// hạn), answers missing (còn thiếu ý kiến), past the deadline and not
// closed yet (quá hạn).

// closingSoon is the window of "closing soon", as on the home.
const closingSoon = 24 * time.Hour

// ballotFilters are the filters offered: everyone's, then, closing soon,
// and for the secretariat the two that need the response counts.
func ballotFilters(secretary bool) []ballotFilter {
	fs := []ballotFilter{filterAll, filterAwaiting, filterOpen, filterClosed, filterClosingSoon}
	if secretary {
		fs = append(fs, filterMissing, filterOverdue)
	}
	return fs
}

func (f ballotFilter) trackText() string {
	switch f {
	case filterClosingSoon:
		return lang.X("ballots.filter.closing_soon", "Closing soon")
	case filterMissing:
		return lang.X("ballots.filter.missing", "Answers missing")
	}
	return lang.X("ballots.filter.overdue", "Overdue")
}

func (f ballotFilter) trackKeep(r ballotRow, now time.Time) bool {
	if r.b.Status != ballots.StatusOpen {
		return false
	}
	left := r.b.Deadline.Sub(now)
	switch f {
	case filterClosingSoon:
		return left > 0 && left <= closingSoon
	case filterMissing:
		return r.responsesKnown && r.answeredN < len(r.b.Eligible)
	}
	return left <= 0
}

// responsesOf is how many eligible members' answers count on ballot b, for
// the secretariat: open ballots from the counts the shell keeps, closed
// ones from the hub's signed result. Known is false for a member, and for
// a closed ballot whose result has not arrived.
func (s *shell) responsesOf(b ballots.Ballot) (n int, known bool) {
	if !s.p.IsSecretary() {
		return 0, false
	}
	if b.Status == ballots.StatusOpen {
		n, known = s.extras.responses[b.ID]
		return n, known
	}
	rc, ok := s.extras.results[b.ID]
	if !ok {
		return 0, false
	}
	for _, c := range rc.Result.Counts {
		n += c
	}
	return n, true
}

// responseChip is the row's "7/11 answered", warning when answers are
// missing and the deadline is near or past, and empty when unknown. Answers
// the hub received after the deadline are kept but do not count, so a row
// with some says how many ("0/11 answered · 11 late"): a bare 0/11 on a
// ballot whose results tab lists eleven answers reads as a fault.
func responseChip(r ballotRow, now time.Time) (string, chipKind) {
	if !r.responsesKnown {
		return "", chipNeutral
	}
	eligible := len(r.b.Eligible)
	text := lang.X("ballots.responses", "{{.Answered}}/{{.Eligible}} answered", map[string]any{"Answered": r.answeredN, "Eligible": eligible})
	if r.lateN > 0 {
		text += " · " + lang.X("ballots.responses_late", "{{.N}} late", map[string]any{"N": r.lateN})
	}
	switch {
	case r.answeredN >= eligible:
		return text, chipSuccess
	case r.b.Status == ballots.StatusOpen && r.b.Deadline.Sub(now) <= closingSoon:
		return text, chipWarning
	}
	return text, chipNeutral
}

// lateCountText is "11 received by the hub after the deadline, not
// counted", the row's and the results tab's words.
func lateCountText(n int) string {
	return lang.X("result.late_count", "{{.N}} received by the hub after the deadline, not counted", map[string]any{"N": n})
}

// withMissing reads, off the UI goroutine, the eligible members whose
// answer does not count yet on ballot b (in the committee's order), then
// runs then with them on the UI goroutine.
func (s *shell) withMissing(b ballots.Ballot, then func([]meetings.Member)) {
	var missing []meetings.Member
	p := s.p
	s.u.background(func() error {
		as, _ := p.Answers(b.ID) // answers whose signature fails do not count, as in the tally
		answered := map[string]bool{}
		for _, a := range ballots.Counted(b, as) {
			answered[a.MemberID] = true
		}
		eligible := map[string]bool{}
		for _, id := range b.Eligible {
			eligible[id] = true
		}
		for _, m := range p.Members() {
			if eligible[m.ID] && !answered[m.ID] {
				missing = append(missing, m)
			}
		}
		return nil
	}, func(error) { then(missing) })
}

// memberNames lists names for a sentence: "A, B, C".
func memberNames(ms []meetings.Member) string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

// eligibleChecks is the issue form's checklist of the members asked: one
// box per voter, all ticked, two columns in a short scrolling pane so the
// form still fits a 768-pixel screen.
type eligibleChecks struct {
	voters []meetings.Member
	checks []*widget.Check
	count  *line
	grid   *fyne.Container
	root   fyne.CanvasObject
}

func newEligibleChecks(voters []meetings.Member) *eligibleChecks {
	e := &eligibleChecks{count: subtleLine(""), grid: container.NewGridWithColumns(2)}
	e.count.Truncation = fyne.TextTruncateOff
	all := widget.NewButton(lang.X("ballot.form.eligible_all", "All"), func() { e.setAll(true) })
	none := widget.NewButton(lang.X("ballot.form.eligible_clear", "None"), func() { e.setAll(false) })
	scroll := container.NewVScroll(e.grid)
	scroll.SetMinSize(fyne.NewSize(0, 76))
	e.root = container.NewBorder(nil, container.NewHBox(all, none, container.NewCenter(e.count)), nil, nil, scroll)
	e.setVoters(voters)
	return e
}

// setVoters lists voters, all ticked: the voting members of the body the
// ballot is put to, again when the form's body changes.
func (e *eligibleChecks) setVoters(voters []meetings.Member) {
	e.voters, e.checks = voters, nil
	e.grid.Objects = nil
	for _, m := range voters {
		c := widget.NewCheck(m.Name, func(bool) { e.recount() })
		c.Checked = true
		e.checks = append(e.checks, c)
		e.grid.Add(c)
	}
	e.grid.Refresh()
	e.recount()
}

// all reports whether every voter is ticked: the ballot then goes to the
// body's voting members as the core counts them (Eligible left empty).
func (e *eligibleChecks) all() bool { return len(e.chosen()) == len(e.voters) }

func (e *eligibleChecks) setAll(on bool) {
	for _, c := range e.checks {
		c.SetChecked(on)
	}
	e.recount()
}

func (e *eligibleChecks) recount() {
	e.count.setText(lang.X("ballot.form.eligible_count", "{{.N}} of {{.Of}} asked", map[string]any{"N": len(e.chosen()), "Of": len(e.voters)}))
}

// chosen are the ticked members' IDs, in the committee's order.
func (e *eligibleChecks) chosen() []string {
	var ids []string
	for i, c := range e.checks {
		if c.Checked {
			ids = append(ids, e.voters[i].ID)
		}
	}
	return ids
}
