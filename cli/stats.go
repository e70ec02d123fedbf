package cli

import (
	"flag"
	"fmt"
	"io"
)

// stats [--data DIR] [--json]: the organisation's figures by year — the
// hub's with --data (a hub that is not serving: it holds its directory),
// else this profile's view. The JSON is core.Stats as it is: one object
// per year with activity, oldest first, and their total, with stable
// snake_case names that scripts may rely on.
func defineStats(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	return func(r *runner) error {
		p, err := r.openAudit(*data)
		if err != nil {
			return err
		}
		s, err := p.Stats()
		if err != nil {
			return err
		}
		return r.emit(s, func(w io.Writer) {
			if len(s.Years) == 0 {
				fmt.Fprintln(w, r.T("cli.out.stats_empty"))
				return
			}
			rows := [][]string{{r.T("cli.col.year"), r.T("cli.col.sessions"), r.T("cli.col.ballots_closed"), r.T("cli.col.answers"),
				r.T("cli.col.offline_answers"), r.T("cli.col.papers"), r.T("cli.col.paper_pages")}}
			for _, y := range append(s.Years, s.Total) {
				year := fmt.Sprint(y.Year)
				if y.Year == 0 {
					year = r.T("cli.col.total")
				}
				rows = append(rows, []string{year, fmt.Sprint(y.Sessions), fmt.Sprint(y.Ballots), fmt.Sprint(y.Answers),
					fmt.Sprint(y.OfflineAnswers), fmt.Sprint(y.Papers), fmt.Sprint(y.PaperPages)})
			}
			table(w, rows)
			fmt.Fprintln(w, r.T("cli.out.stats_offline", map[string]any{"minutes": s.OfflineAfterSeconds / 60}))
		})
	}
}
