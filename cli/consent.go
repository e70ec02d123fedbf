package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/ecabinet/ecabinet/meetings"
)

// consent mark --meeting ID --item ID --mark no_objection|speak|object
func defineConsentMark(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	mark := fs.String("mark", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "item", "mark"); err != nil {
			return err
		}
		mk := meetings.ConsentMark(*mark)
		if !mk.Valid() {
			return usagef("cli.usage.bad_choice", "flag", "--mark", "value", *mark, "list", "no_objection, speak, object")
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		mid := m.ID
		iid, err := itemID(m, *item)
		if err != nil {
			return err
		}
		if err := p.MarkConsent(mid, iid, mk); err != nil {
			return err
		}
		return r.emit(map[string]any{"meeting": mid, "item": iid, "mark": mk, "state": "saved_on_this_computer"}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.consent_marked", map[string]any{"mark": r.T("cli.consent." + string(mk))}))
		})
	}
}

// consent show --meeting ID
func defineConsentShow(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		mid := m.ID
		sum, mine, err := p.ConsentSummary(mid)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"meeting": mid, "items": sum, "mine": mine}, func(w io.Writer) {
			rows := [][]string{{"#", r.T("cli.consent.no_objection"), r.T("cli.consent.speak"), r.T("cli.consent.object"), "", ""}}
			for i, t := range sum {
				state := ""
				if m.Agenda[i].Adopted {
					state = r.T("cli.consent.adopted")
				} else if t.Adoptable {
					state = r.T("cli.consent.adoptable")
				}
				rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprint(t.NoObjection), fmt.Sprint(t.Speak), fmt.Sprint(t.Object), state, m.Agenda[i].Title})
			}
			table(w, rows)
		})
	}
}

// consent adopt --meeting ID
func defineConsentAdopt(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		mid := m.ID
		ids, err := p.AdoptConsentBlock(mid)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"meeting": mid, "adopted": ids}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.consent_adopted", map[string]any{"n": len(ids)}))
		})
	}
}

// vote start --meeting ID --item ID [--question TEXT] [--minutes N]
func defineVoteStart(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	question := fs.String("question", "", "")
	minutes := fs.Int("minutes", 15, "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "item"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		mid := m.ID
		iid, err := itemID(m, *item)
		if err != nil {
			return err
		}
		q := *question
		if q == "" {
			q = r.T("cli.vote.default_question")
		}
		b, err := p.QuickVote(mid, iid, q, *minutes)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": b.ID, "eligible": b.Eligible, "deadline": b.Deadline}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.vote_started", map[string]any{"title": b.Title, "n": len(b.Eligible), "id": b.ID}))
		})
	}
}
