package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// meetingRowJSON is a meeting in `meeting list`.
type meetingRowJSON struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Start       time.Time       `json:"start"`
	Place       string          `json:"place"`
	Status      meetings.Status `json:"status"`
	AgendaItems int             `json:"agenda_items"`
	Body        string          `json:"body"`
	Restricted  bool            `json:"restricted"`
}

// itemJSON is an agenda item; Position counts from 1.
type itemJSON struct {
	ID        string `json:"id"`
	Position  int    `json:"position"`
	Title     string `json:"title"`
	Presenter string `json:"presenter"`
	Minutes   int    `json:"minutes"`
}

// ballotRefJSON names a ballot tied to a meeting.
type ballotRefJSON struct {
	ID           string         `json:"id"`
	Title        string         `json:"title"`
	Status       ballots.Status `json:"status"`
	AgendaItemID string         `json:"agenda_item_id,omitempty"`
}

// meetingJSON is `meeting show`. Quorum is there once the session has
// started; Participants empty means every voting member is invited.
type meetingJSON struct {
	ID           string                 `json:"id"`
	Title        string                 `json:"title"`
	Start        time.Time              `json:"start"`
	Place        string                 `json:"place"`
	Status       meetings.Status        `json:"status"`
	Rev          uint64                 `json:"rev"`
	Agenda       []itemJSON             `json:"agenda"`
	TotalMinutes int                    `json:"total_minutes"`
	Participants []string               `json:"participants"`
	Present      []string               `json:"present"`
	Quorum       *meetings.QuorumStatus `json:"quorum,omitempty"`
	Ballots      []ballotRefJSON        `json:"ballots"`
	Body         string                 `json:"body"`
	Restricted   bool                   `json:"restricted"`
}

func agendaJSON(m meetings.Meeting) []itemJSON {
	out := make([]itemJSON, 0, len(m.Agenda))
	for i, it := range m.Agenda {
		out = append(out, itemJSON{it.ID, i + 1, it.Title, it.Presenter, it.Minutes})
	}
	return out
}

// hasStarted reports whether attendance and quorum mean something yet.
func hasStarted(s meetings.Status) bool {
	return s == meetings.StatusInSession || s == meetings.StatusClosed
}

// meeting create --title TITLE --start RFC3339 [--place PLACE] [--body ID]
// [--participants ID,...] [--restricted]
func defineMeetingCreate(fs *flag.FlagSet) action {
	title := fs.String("title", "", "")
	start := fs.String("start", "", "")
	place := fs.String("place", "", "")
	body := fs.String("body", "", "")
	participants := fs.String("participants", "", "")
	restricted := fs.Bool("restricted", false, "")
	return func(r *runner) error {
		if err := required(fs, "title", "start"); err != nil {
			return err
		}
		t, err := parseTime("start", *start)
		if err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		in := core.MeetingInput{Title: *title, Start: t, Place: *place, Restricted: *restricted}
		if in.Body, err = r.bodyID(p, *body); err != nil {
			return err
		}
		if in.Participants, err = r.memberIDs(p, *participants); err != nil {
			return err
		}
		m, err := p.CreateMeeting(in)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": m.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.meeting_created", map[string]any{"title": m.Title, "when": r.when(m.Start), "id": m.ID}))
			fmt.Fprintln(w, r.T("cli.out.meeting_created_next", map[string]any{"id": m.ID}))
		})
	}
}

// meeting list
func defineMeetingList(fs *flag.FlagSet) action {
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		ms := p.Meetings()
		out := make([]meetingRowJSON, 0, len(ms))
		for _, m := range ms {
			out = append(out, meetingRowJSON{m.ID, m.Title, m.Start, m.Place, m.Status, len(m.Agenda), meetings.BodyOf(m.Body), m.Restricted})
		}
		return r.emit(out, func(w io.Writer) {
			if len(ms) == 0 {
				fmt.Fprintln(w, r.T("cli.out.no_meetings"))
				return
			}
			several := len(p.Bodies()) > 1
			head := []string{r.T("cli.col.id"), r.T("cli.col.start"), r.T("cli.col.status"), r.T("cli.col.items"), r.T("cli.col.meeting")}
			if several {
				head = append(head, r.T("cli.col.body"))
			}
			rows := [][]string{head}
			for _, m := range ms {
				title := m.Title
				if m.Restricted {
					title += " " + r.T("cli.label.restricted")
				}
				row := []string{m.ID, r.when(m.Start), r.meetingStatus(m.Status), fmt.Sprint(len(m.Agenda)), title}
				if several {
					row = append(row, bodyName(p, m.Body))
				}
				rows = append(rows, row)
			}
			table(w, rows)
		})
	}
}

// meeting show --meeting ID
func defineMeetingShow(fs *flag.FlagSet) action {
	id := fs.String("meeting", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*id)
		if err != nil {
			return err
		}
		out := meetingJSON{
			ID: m.ID, Title: m.Title, Start: m.Start, Place: m.Place, Status: m.Status, Rev: m.Rev,
			Agenda: agendaJSON(m), TotalMinutes: m.TotalMinutes(),
			Participants: nonNil(m.Participants), Present: nonNil(m.Present), Ballots: []ballotRefJSON{},
			Body: meetings.BodyOf(m.Body), Restricted: m.Restricted,
		}
		if hasStarted(m.Status) {
			q, err := p.Quorum(m.ID)
			if err != nil {
				return err
			}
			out.Quorum = &q
		}
		for _, b := range p.Ballots() {
			if b.MeetingID == m.ID {
				out.Ballots = append(out.Ballots, ballotRefJSON{b.ID, b.Title, b.Status, b.AgendaItemID})
			}
		}
		return r.emit(out, func(w io.Writer) { r.showMeeting(w, p, out) })
	}
}

func (r *runner) showMeeting(w io.Writer, p *core.Profile, m meetingJSON) {
	fmt.Fprintln(w, m.Title)
	rows := [][]string{
		{"  " + r.T("cli.label.id"), m.ID},
		{"  " + r.T("cli.label.start"), r.when(m.Start)},
		{"  " + r.T("cli.label.place"), orDash(m.Place)},
		{"  " + r.T("cli.label.status"), r.meetingStatus(m.Status)},
		{"  " + r.T("cli.label.body"), bodyName(p, m.Body)},
	}
	if m.Restricted {
		rows = append(rows, []string{"  " + r.T("cli.label.audience"), r.T("cli.out.restricted_to", map[string]any{"N": len(m.Participants)})})
	}
	if m.Quorum != nil {
		rows = append(rows, []string{"  " + r.T("cli.label.attendance"), r.quorumText(*m.Quorum)})
	}
	table(w, rows)
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.out.agenda_heading", map[string]any{"N": len(m.Agenda), "Minutes": m.TotalMinutes}))
	if len(m.Agenda) == 0 {
		fmt.Fprintln(w, "  "+r.T("cli.out.agenda_empty", map[string]any{"id": m.ID}))
	}
	for _, it := range m.Agenda {
		fmt.Fprintf(w, "  %2d. %s\n", it.Position, it.Title)
		var detail []string
		if it.Presenter != "" {
			detail = append(detail, it.Presenter)
		}
		if it.Minutes > 0 {
			detail = append(detail, r.T("cli.out.minutes", map[string]any{"N": it.Minutes}))
		}
		detail = append(detail, it.ID)
		fmt.Fprintf(w, "      %s\n", strings.Join(detail, " · "))
	}
	if len(m.Ballots) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, r.T("cli.out.meeting_ballots"))
		for _, b := range m.Ballots {
			fmt.Fprintf(w, "  - %s (%s) · %s\n", b.Title, r.ballotStatus(b.Status), b.ID)
		}
	}
}

// quorumText says how many attend and whether that makes a quorum.
func (r *runner) quorumText(q meetings.QuorumStatus) string {
	key := "cli.out.quorum_met"
	if !q.Met {
		key = "cli.out.quorum_not_met"
	}
	return r.T(key, map[string]any{"Present": q.Present, "Voters": q.Voters, "Needed": q.Needed})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// meeting status --meeting ID --to draft|published|in_session|closed
func defineMeetingStatus(fs *flag.FlagSet) action {
	id := fs.String("meeting", "", "")
	to := fs.String("to", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "to"); err != nil {
			return err
		}
		st := meetings.Status(*to)
		if !st.Valid() {
			return usagef("cli.usage.bad_choice", "flag", "--to", "value", *to, "list", joinValues(meetings.Statuses))
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		mid, err := r.meetingID(p, *id)
		if err != nil {
			return err
		}
		if err := p.SetMeetingStatus(mid, st); err != nil {
			return err
		}
		m, err := p.Meeting(mid)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": m.ID, "status": m.Status}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.meeting_status", map[string]any{"title": m.Title, "status": r.meetingStatus(m.Status)}))
		})
	}
}

// meeting attend --meeting ID --member ID [--absent]
func defineMeetingAttend(fs *flag.FlagSet) action {
	id := fs.String("meeting", "", "")
	member := fs.String("member", "", "")
	absent := fs.Bool("absent", false, "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "member"); err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		mid, err := r.meetingID(p, *id)
		if err != nil {
			return err
		}
		who, err := r.memberID(p, *member)
		if err != nil {
			return err
		}
		if err := p.SetAttendance(mid, who, !*absent); err != nil {
			return err
		}
		q, err := p.Quorum(mid)
		if err != nil {
			return err
		}
		out := map[string]any{"meeting": mid, "member": who, "present": !*absent, "quorum": q}
		return r.emit(out, func(w io.Writer) {
			key := "cli.out.attend_present"
			if *absent {
				key = "cli.out.attend_absent"
			}
			fmt.Fprintln(w, r.T(key, map[string]any{"name": memberName(p, who)}))
			fmt.Fprintln(w, r.T("cli.label.attendance")+" "+r.quorumText(q))
		})
	}
}

// meeting edit --meeting ID [--title T] [--start RFC3339] [--place P]
// [--participants ID,...] [--restricted=true|false]: what is not given stays
// as it is; --participants "" invites every voting member of the body again.
func defineMeetingEdit(fs *flag.FlagSet) action {
	id := fs.String("meeting", "", "")
	title := fs.String("title", "", "")
	start := fs.String("start", "", "")
	place := fs.String("place", "", "")
	participants := fs.String("participants", "", "")
	restricted := fs.Bool("restricted", false, "")
	return func(r *runner) error {
		if err := required(fs, "meeting"); err != nil {
			return err
		}
		set := setFlags(fs)
		if !set["title"] && !set["start"] && !set["place"] && !set["participants"] && !set["restricted"] {
			return usagef("cli.usage.nothing_to_edit")
		}
		var t time.Time
		if set["start"] {
			var err error
			if t, err = parseTime("start", *start); err != nil {
				return err
			}
		}
		p, m, err := r.openMeeting(*id)
		if err != nil {
			return err
		}
		if set["title"] || set["start"] || set["place"] {
			in := core.MeetingInput{Title: m.Title, Start: m.Start, Place: m.Place}
			if set["title"] {
				in.Title = *title
			}
			if set["start"] {
				in.Start = t
			}
			if set["place"] {
				in.Place = *place
			}
			if err := p.UpdateMeeting(m.ID, 0, in); err != nil {
				return err
			}
		}
		if set["participants"] || set["restricted"] {
			who, rest := m.Participants, m.Restricted
			if set["participants"] {
				if who, err = r.memberIDs(p, *participants); err != nil {
					return err
				}
			}
			if set["restricted"] {
				rest = *restricted
			}
			if err := p.SetMeetingAudience(m.ID, who, rest); err != nil {
				return err
			}
		}
		if m, err = p.Meeting(m.ID); err != nil {
			return err
		}
		out := map[string]any{"id": m.ID, "rev": m.Rev, "participants": nonNil(m.Participants), "restricted": m.Restricted}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.meeting_edited", map[string]any{"title": m.Title}))
		})
	}
}
