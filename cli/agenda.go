package cli

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ecabinet/ecabinet/meetings"
)

// parseCount reads a whole number given to a flag, no less than least.
func parseCount(flagName, s string, least int) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < least {
		return 0, usagef("cli.usage.bad_number", "flag", "--"+flagName, "value", s, "least", least)
	}
	return n, nil
}

// position is the 1-based place of an item in the agenda, 0 if absent.
func position(m meetings.Meeting, id string) int {
	for i, it := range m.Agenda {
		if it.ID == id {
			return i + 1
		}
	}
	return 0
}

// agenda add --meeting ID --title TITLE [--presenter NAME] [--minutes N]
func defineAgendaAdd(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	title := fs.String("title", "", "")
	presenter := fs.String("presenter", "", "")
	minutes := fs.String("minutes", "0", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "title"); err != nil {
			return err
		}
		mins, err := parseCount("minutes", *minutes, 0)
		if err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		it, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: *title, Presenter: *presenter, Minutes: mins})
		if err != nil {
			return err
		}
		m, err = p.Meeting(m.ID)
		if err != nil {
			return err
		}
		pos := position(m, it.ID)
		return r.emit(map[string]any{"id": it.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.item_added", map[string]any{"N": pos, "title": it.Title, "meeting": m.Title, "id": it.ID}))
		})
	}
}

// agenda edit --meeting ID --item ID [--title] [--presenter] [--minutes]
func defineAgendaEdit(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	title := fs.String("title", "", "")
	presenter := fs.String("presenter", "", "")
	minutes := fs.String("minutes", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "item"); err != nil {
			return err
		}
		set := setFlags(fs)
		if !set["title"] && !set["presenter"] && !set["minutes"] {
			return usagef("cli.usage.nothing_to_change")
		}
		mins := 0
		if set["minutes"] {
			var err error
			if mins, err = parseCount("minutes", *minutes, 0); err != nil {
				return err
			}
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		iid, err := itemID(m, *item)
		if err != nil {
			return err
		}
		it := m.Agenda[position(m, iid)-1]
		if set["title"] {
			it.Title = *title
		}
		if set["presenter"] {
			it.Presenter = *presenter
		}
		if set["minutes"] {
			it.Minutes = mins
		}
		if err := p.UpdateAgendaItem(m.ID, it); err != nil {
			return err
		}
		return r.emit(map[string]any{"id": it.ID, "meeting": m.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.item_edited", map[string]any{"N": position(m, iid), "title": strings.TrimSpace(it.Title)}))
		})
	}
}

// agenda move --meeting ID --item ID --to POSITION (1 is the first item; a
// position past the end moves the item last)
func defineAgendaMove(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	to := fs.String("to", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "item", "to"); err != nil {
			return err
		}
		n, err := parseCount("to", *to, 1)
		if err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		iid, err := itemID(m, *item)
		if err != nil {
			return err
		}
		if err := p.MoveAgendaItem(m.ID, iid, n-1); err != nil {
			return err
		}
		if m, err = p.Meeting(m.ID); err != nil {
			return err
		}
		pos := position(m, iid)
		out := map[string]any{"id": iid, "meeting": m.ID, "position": pos, "agenda": agendaJSON(m)}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.item_moved", map[string]any{"N": pos, "title": m.Agenda[pos-1].Title}))
			for _, it := range agendaJSON(m) {
				fmt.Fprintf(w, "  %2d. %s\n", it.Position, it.Title)
			}
		})
	}
}

// agenda remove --meeting ID --item ID (no question asked: a script said so)
func defineAgendaRemove(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "item"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		iid, err := itemID(m, *item)
		if err != nil {
			return err
		}
		removed := m.Agenda[position(m, iid)-1]
		if err := p.RemoveAgendaItem(m.ID, iid); err != nil {
			return err
		}
		return r.emit(map[string]any{"id": iid, "meeting": m.ID, "removed": true}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.item_removed", map[string]any{"title": removed.Title, "meeting": m.Title}))
		})
	}
}
