package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// AgendaEntry is one item of an agenda as the documents print it.
type AgendaEntry struct {
	Title     string
	Presenter string
	// Minutes is the time planned for the item (0: not planned).
	Minutes int
	// Papers are the item's papers, in the order listed.
	Papers []AgendaPaper
}

// AgendaPaper is a paper as an agenda lists it: its title, and whether it
// is marked confidential (printed after the title, so a reader knows
// before opening it that it carries their name).
type AgendaPaper struct {
	Title        string
	Confidential bool
}

// Invitation is what the invitation and agenda (giấy mời, chương trình)
// of a meeting says.
type Invitation struct {
	Lang Lang
	// Location is the time zone times are printed in (nil: the computer's).
	Location *time.Location
	Heading  Heading
	// Made is when the document is made, printed in the footer.
	Made time.Time
	// Title, Start and Place describe the meeting.
	Title string
	Start time.Time
	Place string
	// Participants are the people invited.
	Participants []Person
	Agenda       []AgendaEntry
	Signer       Signer
}

// WriteInvitation writes the invitation and agenda of a meeting as a PDF.
// A meeting with no agenda yet gets an invitation that says the agenda
// follows.
func WriteInvitation(w io.Writer, in Invitation) error {
	p, err := newPage(in.Lang, in.Location, p0(in.Lang, "inv.kind")+" — "+in.Title, in.Made)
	if err != nil {
		return err
	}
	body := strings.TrimSpace(in.Heading.Body)
	p.header(in.Heading, p.t("inv.code"), p.t("inv.kind"), p.t("inv.about", in.Title))

	p.para("", p.t("inv.intro", body))
	p.gap(1)
	if len(in.Participants) == 0 {
		p.bullets([]string{p.t("inv.everyone", body)})
	} else {
		names := make([]string, len(in.Participants))
		for i, m := range in.Participants {
			names[i] = m.String()
		}
		p.bullets(names)
	}
	p.gap(1)
	p.para("", p.t("inv.attend", in.Title))
	p.gap(1)
	p.labelled(p.t("inv.time"), p.longDateTime(in.Start))
	place := in.Place
	if strings.TrimSpace(place) == "" {
		place = p.t("inv.place_tbd")
	}
	p.labelled(p.t("inv.place"), place)

	p.heading(p.t("inv.agenda"))
	if len(in.Agenda) == 0 {
		p.para("I", p.t("inv.no_agenda"))
	} else {
		p.table(agendaColumns(p), agendaRows(p, in.Start, in.Agenda))
		if total := totalMinutes(in.Agenda); total > 0 {
			p.para("I", p.t("inv.total", p.duration(total)))
		}
	}
	p.gap(2)
	p.para("", p.t("inv.closing"))
	p.signature(in.Signer, []string{p.t("inv.recipients")})
	return p.write(w)
}

// p0 is a label before the page exists (the document's title).
func p0(l Lang, key string) string {
	if !l.Valid() {
		return key
	}
	return text(l, key)
}

func agendaColumns(p *page) []column {
	return []column{
		{p.t("col.no"), 12, "C"},
		{p.t("col.item"), 62, "L"},
		{p.t("col.presenter"), 36, "L"},
		{p.t("col.time"), 28, "C"},
		{p.t("col.papers"), contentW - 12 - 62 - 36 - 28, "L"},
	}
}

// agendaRows numbers the items and gives each its planned time, counted
// on from the start of the meeting.
func agendaRows(p *page, start time.Time, items []AgendaEntry) [][]string {
	rows := make([][]string, len(items))
	at := start
	for i, it := range items {
		when := ""
		if it.Minutes > 0 {
			end := at.Add(time.Duration(it.Minutes) * time.Minute)
			when = p.clock(at) + " – " + p.clock(end) + "\n(" + p.duration(it.Minutes) + ")"
			at = end
		}
		rows[i] = []string{fmt.Sprint(i + 1), it.Title, it.Presenter, when, paperLines(p, it.Papers)}
	}
	return rows
}

// paperLines is the papers cell of an agenda row: a dash before each
// paper (several in one cell otherwise run together), and the marking
// after a confidential one's title.
func paperLines(p *page, list []AgendaPaper) string {
	lines := make([]string, len(list))
	for i, pp := range list {
		lines[i] = "- " + pp.Title
		if pp.Confidential {
			lines[i] += " (" + p.t("paper.confidential") + ")"
		}
	}
	return strings.Join(lines, "\n")
}

func totalMinutes(items []AgendaEntry) int {
	n := 0
	for _, it := range items {
		n += it.Minutes
	}
	return n
}
