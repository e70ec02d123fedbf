package app

import (
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

// writeBallotCSV writes a ballot's answers as CSV, one row per answer in
// the order they were signed, with the columns of the command line's
// `ballot export --format csv` and a last column saying whether the answer
// was given on paper. It tallies the ballot (disk and signatures), so it
// runs off the UI goroutine.
func writeBallotCSV(p *core.Profile, id string, w io.Writer) error {
	b, err := p.Ballot(id)
	if err != nil {
		return err
	}
	_, answers, err := p.Tally(id)
	if err != nil && !errors.Is(err, core.ErrBadSignature) {
		return err
	}
	var countable []ballots.Answer
	for _, a := range answers {
		if a.BallotID == b.ID && b.IsEligible(a.MemberID) && b.Offers(a.Choice) && !b.IsLate(a) {
			countable = append(countable, a)
		}
	}
	eff := ballots.Effective(countable)
	rows := append([]ballots.Answer(nil), answers...)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].At.Before(rows[j].At) })
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"answer_id", "member_id", "member_name", "choice", "comment", "signed_at", "received_at", "late", "counted", "paper"}); err != nil {
		return err
	}
	for _, a := range rows {
		name := a.MemberID
		if m, err := p.Member(a.MemberID); err == nil {
			name = m.Name
		}
		recv := ""
		if !a.ReceivedAt.IsZero() {
			recv = a.ReceivedAt.Format(time.RFC3339)
		}
		e, ok := eff[a.MemberID]
		counted := ok && e.ID == a.ID
		if err := cw.Write([]string{a.ID, a.MemberID, name, string(a.Choice), a.Comment, a.At.Format(time.RFC3339), recv,
			strconv.FormatBool(b.IsLate(a)), strconv.FormatBool(counted), strconv.FormatBool(a.Paper)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// exportResults asks where to save the ballot's results as CSV and writes
// them there off the UI goroutine.
func (r *resultsView) exportResults() {
	u := r.d.s.u
	p := r.d.s.p
	id := r.d.id
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			showError(err, u.win)
			return
		}
		if wc == nil {
			return // cancelled
		}
		name := wc.URI().Name()
		u.background(func() error {
			err := writeBallotCSV(p, id, wc)
			if cerr := wc.Close(); err == nil {
				err = cerr
			}
			return err
		}, func(err error) {
			if err != nil {
				showError(err, u.win)
				return
			}
			dialog.ShowInformation(lang.X("result.export.done.title", "Results exported"),
				lang.X("result.export.done", "The results were saved to “{{.Name}}”.", map[string]any{"Name": name}), u.win)
		})
	}, u.win)
	d.SetFileName(lang.X("result.export.file", "results") + ".csv")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	d.Show()
}
