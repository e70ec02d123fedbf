package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

// ballotRowJSON is a ballot in `ballot list`; MyAnswer is the profile
// member's choice, null before they answer.
type ballotRowJSON struct {
	ID        string          `json:"id"`
	Title     string          `json:"title"`
	Status    ballots.Status  `json:"status"`
	Deadline  time.Time       `json:"deadline"`
	MeetingID string          `json:"meeting_id,omitempty"`
	MyAnswer  *ballots.Choice `json:"my_answer"`
	Body      string          `json:"body"`
}

// answerJSON is one counted answer in `ballot tally`.
type answerJSON struct {
	ID         string         `json:"id"`
	MemberID   string         `json:"member_id"`
	MemberName string         `json:"member_name"`
	Choice     ballots.Choice `json:"choice"`
	Comment    string         `json:"comment"`
	At         time.Time      `json:"at"`
	// Late: received after the deadline under the ballot's policy; kept
	// and listed, never counted.
	Late bool `json:"late,omitempty"`
	// Papers: the version of each of the ballot's papers current when the
	// answer was given (paper ID → version number).
	Papers map[string]int `json:"papers,omitempty"`
}

// memberRefJSON names a member.
type memberRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// tallyJSON is `ballot tally`: the ballots.Result fields, with the
// unanswered count also among the counts, the answers that count (one per
// member), and who has not answered yet.
type tallyJSON struct {
	Ballot       string           `json:"ballot"`
	Title        string           `json:"title"`
	Question     string           `json:"question"`
	Status       ballots.Status   `json:"status"`
	Deadline     time.Time        `json:"deadline"`
	ClosedAt     *time.Time       `json:"closed_at,omitempty"`
	Policy       ballots.Policy   `json:"policy"`
	Standing     ballots.Standing `json:"standing"`
	CanStillPass bool             `json:"can_still_pass"`
	CanStillFail bool             `json:"can_still_fail"`
	Members      int              `json:"members"`
	Answered     int              `json:"answered"`
	Unanswered   int              `json:"unanswered"`
	Counts       map[string]int   `json:"counts"`
	Reason       string           `json:"reason"`
	Answers      []answerJSON     `json:"answers"`
	// History, with --all, is every answer received, superseded ones
	// included, in the order that decides which one counts.
	History []answerJSON `json:"history,omitempty"`
	// HubResult is the hub's signed result once the ballot closed, with
	// whether this computer's own count agrees.
	HubResult         *core.ResultCheck `json:"hub_result,omitempty"`
	UnansweredMembers []memberRefJSON   `json:"unanswered_members"`
	// OwnOnly: this computer receives only its member's own answer while
	// the ballot is open (core.AnswersShown), so the counts above are not
	// the ballot's; Progress is the hub's count without names, when the
	// ballot shares it.
	OwnOnly  bool           `json:"own_only,omitempty"`
	Progress *core.Progress `json:"progress,omitempty"`
}

// ballot issue --title T --question Q --deadline RFC3339 [--policy P]
// [--meeting ID [--item ID]] [--eligible ID,ID,...]
func defineBallotIssue(fs *flag.FlagSet) action {
	title := fs.String("title", "", "")
	question := fs.String("question", "", "")
	deadline := fs.String("deadline", "", "")
	policy := fs.String("policy", "", "")
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	eligible := fs.String("eligible", "", "")
	body := fs.String("body", "", "")
	return func(r *runner) error {
		if err := required(fs, "title", "question", "deadline"); err != nil {
			return err
		}
		dl, err := parseTime("deadline", *deadline)
		if err != nil {
			return err
		}
		if *policy != "" {
			if _, ok := ballots.PolicyByName(*policy); !ok {
				var names []string
				for _, p := range ballots.Presets() {
					names = append(names, p.Name)
				}
				return usagef("cli.usage.bad_choice", "flag", "--policy", "value", *policy, "list", strings.Join(names, ", "))
			}
		}
		if *item != "" && *meeting == "" {
			return usagef("cli.usage.item_needs_meeting")
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		in := core.BallotInput{Title: *title, Question: *question, Deadline: dl, Policy: *policy}
		if in.Body, err = r.bodyID(p, *body); err != nil {
			return err
		}
		if *meeting != "" {
			if in.MeetingID, err = r.meetingID(p, *meeting); err != nil {
				return err
			}
			if *item != "" {
				m, err := p.Meeting(in.MeetingID)
				if err != nil {
					return err
				}
				if in.AgendaItemID, err = itemID(m, *item); err != nil {
					return err
				}
			}
		}
		for _, e := range strings.Split(*eligible, ",") {
			if e = strings.TrimSpace(e); e == "" {
				continue
			}
			id, err := r.memberID(p, e)
			if err != nil {
				return err
			}
			in.Eligible = append(in.Eligible, id)
		}
		if dl.Before(p.Now()) {
			fmt.Fprintln(r.stderr, "ecabinet:", r.T("cli.warn.deadline_past", map[string]any{"when": r.when(dl)}))
		}
		b, err := p.IssueBallot(in)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": b.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.ballot_issued", map[string]any{
				"title": b.Title, "N": len(b.Eligible), "when": r.when(b.Deadline), "id": b.ID}))
		})
	}
}

// ballot list
func defineBallotList(fs *flag.FlagSet) action {
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		bs := p.Ballots()
		out := make([]ballotRowJSON, 0, len(bs))
		for _, b := range bs {
			row := ballotRowJSON{ID: b.ID, Title: b.Title, Status: b.Status, Deadline: b.Deadline, MeetingID: b.MeetingID, Body: meetings.BodyOf(b.Body)}
			if a, ok := p.MyAnswer(b.ID); ok {
				c := a.Choice
				row.MyAnswer = &c
			}
			out = append(out, row)
		}
		return r.emit(out, func(w io.Writer) {
			if len(bs) == 0 {
				fmt.Fprintln(w, r.T("cli.out.no_ballots"))
				return
			}
			rows := [][]string{{r.T("cli.col.id"), r.T("cli.col.deadline"), r.T("cli.col.status"), r.T("cli.col.my_answer"), r.T("cli.col.ballot")}}
			for _, b := range out {
				mine := "—"
				if b.MyAnswer != nil {
					mine = r.choiceName(*b.MyAnswer)
				}
				rows = append(rows, []string{b.ID, r.when(b.Deadline), r.ballotStatus(b.Status), mine, b.Title})
			}
			table(w, rows)
		})
	}
}

// ballot answer --ballot ID --choice agree|disagree|other [--comment C]
// [--member ID]: with --member the secretariat records an answer given on
// paper; without, the profile's member answers.
func defineBallotAnswer(fs *flag.FlagSet) action {
	ballot := fs.String("ballot", "", "")
	choice := fs.String("choice", "", "")
	comment := fs.String("comment", "", "")
	member := fs.String("member", "", "")
	scanFile := fs.String("scan", "", "")
	return func(r *runner) error {
		if err := required(fs, "ballot", "choice"); err != nil {
			return err
		}
		var scan []byte
		if *scanFile != "" {
			if !setFlags(fs)["member"] {
				return usagef("cli.usage.missing_flag", "flag", "--member")
			}
			st, err := os.Stat(*scanFile)
			if err != nil {
				return failf("cli.err.read_file", "path", *scanFile, "err", err.Error())
			}
			if st.Size() > ops.MaxScan {
				return meetings.NewError("err.answer.scan_too_large", "scan")
			}
			if scan, err = os.ReadFile(*scanFile); err != nil {
				return failf("cli.err.read_file", "path", *scanFile, "err", err.Error())
			}
		}
		c := ballots.Choice(*choice)
		if !c.Valid() {
			return usagef("cli.usage.bad_choice", "flag", "--choice", "value", *choice, "list", joinValues(ballots.Choices))
		}
		p, bid, err := r.openBallot(*ballot)
		if err != nil {
			return err
		}
		var a ballots.Answer
		if setFlags(fs)["member"] {
			who, err := r.memberID(p, *member)
			if err != nil {
				return err
			}
			a, err = p.RecordPaperAnswer(bid, who, c, *comment, scan)
			if err != nil {
				return err
			}
		} else if a, err = p.AnswerBallot(bid, c, *comment); err != nil {
			return err
		}
		out := map[string]any{"id": a.ID, "ballot": bid, "member": a.MemberID, "choice": a.Choice, "state": "saved_on_this_computer"}
		return r.emit(out, func(w io.Writer) {
			b, _ := p.Ballot(bid)
			key := "cli.out.answer_saved_for"
			if a.MemberID == p.Self().ID {
				key = "cli.out.answer_saved"
			}
			fmt.Fprintln(w, r.T(key, map[string]any{"choice": r.choiceName(a.Choice), "name": memberName(p, a.MemberID), "title": b.Title}))
			if res, _, err := p.Tally(bid); err == nil {
				fmt.Fprintln(w, r.standingLine(b, res))
			}
		})
	}
}

// ballot tally --ballot ID [--all]
func defineBallotTally(fs *flag.FlagSet) action {
	ballot := fs.String("ballot", "", "")
	all := fs.Bool("all", false, "")
	return func(r *runner) error {
		if err := required(fs, "ballot"); err != nil {
			return err
		}
		p, bid, err := r.openBallot(*ballot)
		if err != nil {
			return err
		}
		out, answers, err := r.tally(p, bid)
		if err != nil {
			return err
		}
		if *all {
			out.History = []answerJSON{}
			for _, a := range answers {
				out.History = append(out.History, answerRow(p, a))
			}
		}
		return r.emit(out, func(w io.Writer) { r.showTally(w, out) })
	}
}

// tally counts a ballot, and returns with the count every answer received
// (for --all). Answers that fail their signature check are left out of the
// count, and a warning says so.
func (r *runner) tally(p *core.Profile, id string) (tallyJSON, []ballots.Answer, error) {
	b, err := p.Ballot(id)
	if err != nil {
		return tallyJSON{}, nil, err
	}
	res, answers, err := p.Tally(id)
	if err != nil {
		if !errors.Is(err, core.ErrBadSignature) {
			return tallyJSON{}, nil, err
		}
		fmt.Fprintln(r.stderr, "ecabinet:", r.T("err.bad_signature"))
	}
	out := tallyJSON{
		Ballot: b.ID, Title: b.Title, Question: b.Question, Status: b.Status, Deadline: b.Deadline,
		Policy: b.Policy, Standing: res.Standing, CanStillPass: res.CanStillPass, CanStillFail: res.CanStillFail,
		Members: res.Members, Answered: res.Answered, Unanswered: res.Unanswered, Reason: res.Reason,
		Counts: map[string]int{"unanswered": res.Unanswered}, Answers: []answerJSON{}, UnansweredMembers: []memberRefJSON{},
	}
	if !b.ClosedAt.IsZero() {
		t := b.ClosedAt
		out.ClosedAt = &t
	}
	if seen, err := p.AnswersShown(b.ID); err == nil && !seen.All {
		out.OwnOnly, out.Progress = true, seen.Progress
	}
	if rc, ok := p.BallotResult(b.ID); ok {
		out.HubResult = &rc
		if !rc.Verified {
			fmt.Fprintln(r.stderr, "ecabinet:", r.T("cli.warn.result_mismatch", map[string]any{"problem": rc.Problem}))
		}
	}
	for c, n := range res.Counts {
		out.Counts[string(c)] = n
	}
	// Listed: per member the answer that counts (the count's own rule), and
	// a later one that came late, marked so: kept and shown, never counted.
	eff := ballots.Counted(b, answers)
	for _, a := range eff {
		out.Answers = append(out.Answers, answerRow(p, a))
	}
	var offered []ballots.Answer
	for _, a := range answers {
		if a.BallotID == b.ID && b.IsEligible(a.MemberID) && b.Offers(a.Choice) {
			offered = append(offered, a)
		}
	}
	for id, a := range ballots.Effective(offered) {
		if c, ok := eff[id]; (!ok || c.ID != a.ID) && b.IsLate(a) {
			row := answerRow(p, a)
			row.Late = true
			out.Answers = append(out.Answers, row)
		}
	}
	sort.Slice(out.Answers, func(i, j int) bool {
		x, y := out.Answers[i], out.Answers[j]
		if !x.At.Equal(y.At) {
			return x.At.Before(y.At)
		}
		return x.MemberID < y.MemberID
	})
	seen := map[string]bool{}
	for _, id := range b.Eligible {
		if _, ok := eff[id]; !ok && !seen[id] {
			seen[id] = true
			out.UnansweredMembers = append(out.UnansweredMembers, memberRefJSON{id, memberName(p, id)})
		}
	}
	return out, answers, nil
}

func answerRow(p *core.Profile, a ballots.Answer) answerJSON {
	return answerJSON{ID: a.ID, MemberID: a.MemberID, MemberName: memberName(p, a.MemberID), Choice: a.Choice, Comment: a.Comment, At: a.At, Papers: a.Papers}
}

func (r *runner) showTally(w io.Writer, t tallyJSON) {
	fmt.Fprintln(w, t.Title)
	status := r.ballotStatus(t.Status)
	if t.ClosedAt != nil {
		status += " · " + r.T("cli.out.closed_at", map[string]any{"when": r.when(*t.ClosedAt)})
	}
	table(w, [][]string{
		{"  " + r.T("cli.label.id"), t.Ballot},
		{"  " + r.T("cli.label.status"), status},
		{"  " + r.T("cli.label.deadline"), r.when(t.Deadline)},
		{"  " + r.T("cli.label.policy"), r.policyName(t.Policy)},
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.out.question"))
	fmt.Fprintln(w, "  "+strings.ReplaceAll(t.Question, "\n", "\n  "))
	fmt.Fprintln(w)
	if t.OwnOnly {
		// Not a tally of what this computer happens to hold: that would
		// read as if nobody else had answered.
		fmt.Fprintln(w, r.T("cli.out.own_only"))
		if t.Progress != nil {
			fmt.Fprintln(w, "  "+r.T("cli.out.progress", map[string]any{"N": t.Progress.Answered, "Of": t.Progress.Of}))
		}
		for _, a := range t.Answers {
			fmt.Fprintln(w, "  "+a.MemberName+": "+r.choiceName(a.Choice))
		}
		return
	}
	fmt.Fprintln(w, r.standingText(t.Status, t.Standing, t.Reason))
	var rows [][]string
	for _, c := range []ballots.Choice{ballots.ChoiceAgree, ballots.ChoiceDisagree, ballots.ChoiceOther, ballots.ChoiceBlank} {
		if n, ok := t.Counts[string(c)]; ok {
			rows = append(rows, []string{"  " + r.choiceName(c), fmt.Sprint(n)})
		}
	}
	rows = append(rows, []string{"  " + r.T("cli.choice.unanswered"), fmt.Sprint(t.Unanswered)})
	rows = append(rows, []string{"  " + r.T("cli.out.total_members"), fmt.Sprint(t.Members)})
	table(w, rows)
	if len(t.Answers) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, r.T("cli.out.answers_heading", map[string]any{"N": len(t.Answers)}))
		rows = nil
		for _, a := range t.Answers {
			choice := r.choiceName(a.Choice)
			if a.Late {
				choice += " (" + r.T("cli.out.late_not_counted") + ")"
			}
			rows = append(rows, []string{"  " + a.MemberName, choice, r.when(a.At), a.Comment})
		}
		table(w, rows)
	}
	if len(t.UnansweredMembers) > 0 {
		var names []string
		for _, m := range t.UnansweredMembers {
			names = append(names, m.Name)
		}
		fmt.Fprintln(w)
		fmt.Fprintln(w, r.T("cli.out.unanswered_heading", map[string]any{"N": len(names)}))
		fmt.Fprintln(w, "  "+strings.Join(names, "; "))
	}
}

// standingLine is the state of a ballot after an answer, and its counts.
func (r *runner) standingLine(b ballots.Ballot, res ballots.Result) string {
	return r.standingText(b.Status, res.Standing, res.Reason) + "\n" +
		r.T("cli.out.count_line", map[string]any{"Agree": res.Counts[ballots.ChoiceAgree], "Answered": res.Answered, "Members": res.Members})
}

// standingText says where the decision stands, and why.
func (r *runner) standingText(status ballots.Status, s ballots.Standing, reason string) string {
	key := "cli.standing." + string(s)
	if status != ballots.StatusClosed && s != ballots.StandingOpen {
		key += "_early" // decided before every member answered
	}
	msg := r.T(key)
	if reason != "" && reason != ballots.ReasonUndecided && r.tr.Has("cli.reason."+reason) {
		msg = strings.TrimSuffix(msg, ".") + " (" + r.T("cli.reason."+reason) + ")."
	}
	return msg
}

// policyName describes a ballot's decision rule.
func (r *runner) policyName(p ballots.Policy) string {
	if key := "cli.policy." + p.Name; p.Name != "" && r.tr.Has(key) {
		return r.T(key) + " [" + p.Name + "]"
	}
	return fmt.Sprintf("%s, %s, %s, %s", p.Denominator, p.Threshold, p.TieBreaker, p.NonResponse)
}

// ballot close --ballot ID
func defineBallotClose(fs *flag.FlagSet) action {
	ballot := fs.String("ballot", "", "")
	return func(r *runner) error {
		if err := required(fs, "ballot"); err != nil {
			return err
		}
		p, bid, err := r.openBallot(*ballot)
		if err != nil {
			return err
		}
		if err := p.CloseBallot(bid); err != nil {
			return err
		}
		t, _, err := r.tally(p, bid)
		if err != nil {
			return err
		}
		out := map[string]any{"id": bid, "status": t.Status, "closed_at": t.ClosedAt, "standing": t.Standing, "reason": t.Reason, "counts": t.Counts}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.ballot_closed", map[string]any{"title": t.Title}))
			fmt.Fprintln(w, r.standingText(t.Status, t.Standing, t.Reason)+"\n"+
				r.T("cli.out.count_line", map[string]any{"Agree": t.Counts[string(ballots.ChoiceAgree)], "Answered": t.Answered, "Members": t.Members}))
		})
	}
}

// ballot extend --ballot ID --deadline RFC3339
func defineBallotExtend(fs *flag.FlagSet) action {
	ballot := fs.String("ballot", "", "")
	deadline := fs.String("deadline", "", "")
	return func(r *runner) error {
		if err := required(fs, "ballot", "deadline"); err != nil {
			return err
		}
		dl, err := parseTime("deadline", *deadline)
		if err != nil {
			return err
		}
		p, bid, err := r.openBallot(*ballot)
		if err != nil {
			return err
		}
		if err := p.ExtendDeadline(bid, dl); err != nil {
			return err
		}
		b, err := p.Ballot(bid)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": b.ID, "deadline": b.Deadline}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.ballot_extended", map[string]any{"title": b.Title, "when": r.when(b.Deadline)}))
		})
	}
}
