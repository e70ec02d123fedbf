package app

import (
	"errors"
	"image/color"
	"slices"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/report"
)

// resultsView shows where a ballot stands under its rule (from the rule
// engine), a bar per option, and who has and has not answered. The tally
// reads the answers from disk and verifies their signatures, so it runs off
// the UI goroutine; a newer request supersedes an older one.
type resultsView struct {
	d        *ballotDetail
	standing *banner
	warning  *banner
	verified *banner
	chart    *barChart
	counts   *line
	busy     *widget.Activity
	export   *widget.Button
	// exportJSON writes the same results signed by this device; exports
	// is their row, shown on closed ballots.
	exportJSON *widget.Button
	// exportPDF saves the summary of opinions (báo cáo tổng hợp ý kiến).
	exportPDF *widget.Button
	exports   *fyne.Container
	who       []whoRow
	list      *widget.List
	token     int
	root      *fyne.Container
}

// whoRow is one eligible member and their counting answer, if any.
type whoRow struct {
	m        meetings.Member
	a        ballots.Answer
	answered bool
}

func newResultsView(d *ballotDetail) *resultsView {
	r := &resultsView{
		d:        d,
		standing: newBanner(),
		warning:  newBanner(),
		verified: newBanner(),
		chart:    newBarChart(),
		counts:   newLine("", theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true}),
		busy:     widget.NewActivity(),
	}
	r.standing.Hide()
	r.warning.Hide()
	r.verified.Hide()
	r.busy.Hide()
	r.export = widget.NewButtonWithIcon(lang.X("result.export", "Export results"), theme.DownloadIcon(), r.exportResults)
	r.exportJSON = widget.NewButtonWithIcon(lang.X("result.export_json", "Signed JSON export"), theme.DownloadIcon(), r.exportSigned)
	// The exports get a row of their own so that the count keeps its width.
	r.exportPDF = widget.NewButtonWithIcon(lang.X("report.export.summary", "Summary of opinions (PDF)"), theme.DocumentPrintIcon(),
		func() { exportReport(r.d.s.u, r.d.s.p, report.KindSummary, r.d.id) })
	// Two rows: the three long labels side by side are wider than the
	// smallest window (TestWindow_EveryScreenFitsTheSmallestWindow).
	r.exports = container.NewVBox(
		container.NewHBox(layout.NewSpacer(), r.exportPDF),
		container.NewHBox(layout.NewSpacer(), r.export, r.exportJSON))
	r.exports.Hide()
	r.list = widget.NewList(func() int { return len(r.who) }, r.createRow, r.updateRow)
	r.list.OnSelected = func(id widget.ListItemID) {
		r.list.UnselectAll()
		if id < len(r.who) {
			r.showAnswer(r.who[id])
		}
	}
	top := container.NewVBox(
		r.verified,
		r.warning,
		r.standing,
		padded(6, 2, 4, 4, r.chart),
		container.NewBorder(nil, nil, nil, r.busy, r.counts),
		r.exports,
		widget.NewSeparator(),
	)
	// The summary scrolls rather than push the window past a small screen.
	r.root = topFirst(padded(10, 0, 8, 8, top), r.list)
	return r
}

func (r *resultsView) view() fyne.CanvasObject { return r.root }

// clear forgets the previous ballot's results.
func (r *resultsView) clear() {
	r.token++
	r.who = nil
	r.standing.Hide()
	r.warning.Hide()
	r.verified.Hide()
	r.chart.set(nil, 0, 0)
	r.counts.setText("")
	r.root.Refresh()
}

// load tallies the ballot in the background.
func (r *resultsView) load() {
	id := r.d.id
	if id == "" {
		return
	}
	if r.d.b.Status == ballots.StatusClosed {
		r.exports.Show()
	} else {
		r.exports.Hide()
	}
	r.token++
	token := r.token
	r.busy.Show()
	r.busy.Start()
	var (
		res     ballots.Result
		answers []ballots.Answer
		rc      core.ResultCheck
		hasRC   bool
		seen    core.AnswerView
	)
	p := r.d.s.p
	r.d.s.u.background(func() error {
		var err error
		if seen, err = p.AnswersShown(id); err != nil {
			return err
		}
		res, answers, err = p.Tally(id)
		rc, hasRC = p.BallotResult(id)
		return err
	}, func(err error) {
		if token != r.token {
			return // a newer tally is on its way
		}
		r.busy.Stop()
		r.busy.Hide()
		if err != nil && !errors.Is(err, core.ErrBadSignature) {
			showError(err, r.d.s.u.win)
			return
		}
		if err != nil {
			r.warning.set(chipDanger, theme.WarningIcon(), lang.X("result.bad_signature", "Some answers failed their signature check and are not counted."), errorText(err))
		} else {
			r.warning.Hide()
		}
		r.showCheck(rc, hasRC)
		if !seen.All {
			r.showOwn(answers, seen.Progress)
			return
		}
		r.show(res, answers)
	})
}

// showOwn is the view of a member who does not receive the others' answers
// while the ballot is open (core.AnswersShown): their own answer, and the
// hub's running count without names when the ballot shares it; never a
// tally of what this computer happens to hold, which would read as if
// nobody else had answered.
func (r *resultsView) showOwn(answers []ballots.Answer, pr *core.Progress) {
	b := r.d.b
	r.standing.set(chipNeutral, theme.InfoIcon(), lang.X("result.own.title", "Only your own answer is shown"),
		lang.X("result.own.body", "Other members' answers reach the chair and the secretariat; you will see them all in the signed result when the ballot closes."))
	r.chart.set(nil, 0, 0)
	if pr != nil {
		r.counts.setText(lang.X("result.own.count", "Answered so far: {{.N}}/{{.Of}} (the hub's count, without names)",
			map[string]any{"N": pr.Answered, "Of": pr.Of}))
	} else {
		r.counts.setText(lang.X("result.own.hidden", "How many have answered is not shown for this ballot until it closes."))
	}
	self := r.d.s.p.Self()
	r.who = r.who[:0]
	if slices.Contains(b.Eligible, self.ID) {
		a, ok := ballots.Effective(answers)[self.ID]
		r.who = append(r.who, whoRow{m: self, a: a, answered: ok && b.Offers(a.Choice)})
	}
	r.root.Refresh()
}

// show fills the view from a tally.
func (r *resultsView) show(res ballots.Result, answers []ballots.Answer) {
	b := r.d.b
	head, kind := standingText(res, b.Status)
	body := prospectText(res, b.Status)
	if why := reasonText(res.Reason); why != "" && res.Standing != ballots.StandingOpen {
		body = why + " " + body
	}
	icon := theme.InfoIcon()
	switch res.Standing {
	case ballots.StandingPassed:
		icon = theme.ConfirmIcon()
	case ballots.StandingRejected:
		icon = theme.CancelIcon()
	}
	r.standing.set(kind, icon, head, body)

	bars := make([]bar, 0, len(b.Options))
	for _, o := range b.Options {
		bars = append(bars, bar{label: o.Label, count: res.Counts[o.Choice], kind: choiceKind(o.Choice)})
	}
	threshold := 0.0
	if b.Policy.Denominator == ballots.DenominatorAllMembers {
		threshold = 0.5
		if b.Policy.Threshold == ballots.ThresholdTwoThirds {
			threshold = 2.0 / 3
		}
	}
	r.chart.set(bars, res.Members, threshold)
	counts := lang.X("result.answered", "Answered: {{.N}}/{{.Of}} · not yet: {{.Rest}}",
		map[string]any{"N": res.Answered, "Of": res.Members, "Rest": res.Unanswered})
	// Answers the hub received after the deadline are kept but do not
	// count (the reception-time rule). A bare "0/11" next to eleven names
	// with an answer reads as a fault, so the count says why: this is what
	// a profile enrolled with a hub shows for the sample's 2023 ballot,
	// whose answers reach the hub years after its deadline
	// (sample/hub_test.go).
	if n := lateMembers(b, answers); n > 0 {
		counts += " · " + lateCountText(n)
	}
	r.counts.setText(counts)

	eff := ballots.Effective(answers)
	r.who = r.who[:0]
	for _, id := range b.Eligible {
		m, err := r.d.s.p.Member(id)
		if err != nil {
			m = meetings.Member{ID: id, Name: id}
		}
		a, ok := eff[id]
		if ok && !b.Offers(a.Choice) {
			ok = false
		}
		r.who = append(r.who, whoRow{m: m, a: a, answered: ok})
	}
	order := map[meetings.Role]int{meetings.RoleChair: 0, meetings.RoleMember: 1}
	sort.SliceStable(r.who, func(i, j int) bool {
		x, y := r.who[i], r.who[j]
		if x.answered != y.answered {
			return x.answered
		}
		if order[x.m.Role] != order[y.m.Role] {
			return order[x.m.Role] < order[y.m.Role]
		}
		return x.m.Name < y.m.Name
	})
	r.root.Refresh()
}

// showCheck says whether the hub's signed result of a closed ballot agrees
// with the answers on this computer.
func (r *resultsView) showCheck(rc core.ResultCheck, ok bool) {
	switch {
	case !ok || r.d.b.Status != ballots.StatusClosed:
		r.verified.Hide()
	case rc.Verified:
		r.verified.set(chipSuccess, theme.ConfirmIcon(),
			lang.X("result.verified", "Verified: the hub's signed result matches the answers on this computer"), "")
	default:
		r.verified.set(chipDanger, theme.ErrorIcon(),
			lang.X("result.not_verified", "Warning: the hub's signed result does NOT match the answers on this computer. Do not rely on it; tell the Office."),
			rc.Problem)
	}
}

// choiceKind is the colour of a choice.
func choiceKind(c ballots.Choice) chipKind {
	switch c {
	case ballots.ChoiceAgree:
		return chipSuccess
	case ballots.ChoiceDisagree:
		return chipDanger
	case ballots.ChoiceOther:
		return chipWarning
	}
	return chipNeutral
}

// whoItem is one row of the list of members and their answers.
type whoItem struct {
	widget.BaseWidget
	av      *avatar
	name    *line
	comment *line
	choice  *chip
	paper   *chip
	// scan opens the scan of a paper answer (in scanBox, hidden as a
	// whole so that rows without a scan keep their width); row is the
	// index shown.
	scan    *widget.Button
	scanBox *fyne.Container
	row     int
	root    fyne.CanvasObject
}

func (w *whoItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(w.root) }

func (r *resultsView) createRow() fyne.CanvasObject {
	w := &whoItem{av: newAvatar(), name: titleLine(""), comment: subtleLine(""), choice: newChip("—", chipNeutral), paper: newChip("", chipNeutral)}
	w.scan = widget.NewButtonWithIcon(lang.X("scan.view", "View the scan"), scanIcon(), func() {
		if w.row < len(r.who) {
			row := r.who[w.row]
			r.d.s.viewScan(r.d.id, row.a.ID, row.m.Name)
		}
	})
	w.scan.Importance = widget.LowImportance
	w.scanBox = container.NewCenter(w.scan)
	w.scanBox.Hide()
	w.root = padded(3, 3, 8, 8, container.NewBorder(nil, nil, container.NewCenter(w.av),
		container.NewHBox(w.scanBox, container.NewCenter(w.paper), container.NewCenter(w.choice)),
		lines(w.name, w.comment)))
	w.ExtendBaseWidget(w)
	return w
}

func (r *resultsView) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(r.who) {
		return
	}
	row := r.who[id]
	w := o.(*whoItem)
	w.row = id
	defer w.Refresh()
	w.av.set(row.m.Name, roleKind(row.m.Role))
	name := row.m.Name
	if row.m.Title != "" {
		name += " — " + row.m.Title
	}
	w.name.setText(name)
	if row.answered && row.a.Paper {
		w.paper.set(lang.X("result.paper", "Paper"), chipNeutral)
	} else {
		w.paper.set("", chipNeutral)
	}
	if row.answered && row.a.Paper && len(row.a.ScanSHA256) > 0 {
		w.scanBox.Show()
	} else {
		w.scanBox.Hide()
	}
	if !row.answered {
		w.choice.set(lang.X("answer.state.none", "Not answered yet"), chipNeutral)
		w.comment.setText("")
		return
	}
	sub := fmtShortDateTime(row.a.At)
	if r.d.b.IsLate(row.a) {
		w.choice.set(optionLabel(r.d.b, row.a.Choice)+" · "+lang.X("result.late", "late"), chipNeutral)
		sub += " · " + lang.X("result.late_note", "late, not counted")
	} else {
		w.choice.set(optionLabel(r.d.b, row.a.Choice), choiceKind(row.a.Choice))
	}
	if row.a.Comment != "" {
		sub += " · “" + row.a.Comment + "”"
	}
	w.comment.setText(sub)
}

// showAnswer shows a member's answer in full, comment included.
func (r *resultsView) showAnswer(row whoRow) {
	var text string
	if row.answered {
		text = lang.X("result.answer_detail", "{{.Choice}}, given {{.When}}.", map[string]any{
			"Choice": optionLabel(r.d.b, row.a.Choice), "When": fmtDateTime(row.a.At),
		})
		if row.a.Comment != "" {
			text += "\n\n" + row.a.Comment
		}
	} else {
		text = lang.X("answer.state.none", "Not answered yet")
	}
	msg := paragraph(text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	newCustomDialog(row.m.Name, lang.X("app.close", "Close"), fixedWidth(440, msg), r.d.s.u.win).Show()
}

// bar is one option of the chart.
type bar struct {
	label string
	count int
	kind  chipKind
}

// barChart draws a horizontal bar per option, its length the share of all
// eligible members who chose it, with a marker at the rule's threshold when
// the rule counts all members. It is one widget with a handful of canvas
// objects per option, however many members answered.
type barChart struct {
	widget.BaseWidget
	bars      []bar
	total     int
	threshold float64
}

func newBarChart() *barChart {
	c := &barChart{}
	c.ExtendBaseWidget(c)
	return c
}

func (c *barChart) set(bars []bar, total int, threshold float64) {
	c.bars, c.total, c.threshold = bars, total, threshold
	c.Refresh()
}

func (c *barChart) CreateRenderer() fyne.WidgetRenderer {
	r := &barRenderer{c: c, marker: canvas.NewRectangle(color.Transparent), mark: canvas.NewText("", color.Black)}
	r.Refresh()
	return r
}

type barRenderer struct {
	c      *barChart
	rows   []barObjects
	marker *canvas.Rectangle
	mark   *canvas.Text
}

type barObjects struct {
	label, value *canvas.Text
	track, fill  *canvas.Rectangle
}

const (
	barHeight = 20
	barGap    = 8
	barLabelW = 130
	barValueW = 86
)

func (r *barRenderer) Layout(s fyne.Size) {
	trackW := max(s.Width-barLabelW-barValueW, 10)
	y := float32(0)
	for i, o := range r.rows {
		b := r.c.bars[i]
		ls := o.label.MinSize()
		o.label.Move(fyne.NewPos(0, y+(barHeight-ls.Height)/2))
		o.label.Resize(fyne.NewSize(barLabelW-8, ls.Height))
		o.track.Move(fyne.NewPos(barLabelW, y))
		o.track.Resize(fyne.NewSize(trackW, barHeight))
		share := float32(0)
		if r.c.total > 0 {
			share = float32(b.count) / float32(r.c.total)
		}
		o.fill.Move(fyne.NewPos(barLabelW, y))
		o.fill.Resize(fyne.NewSize(trackW*share, barHeight))
		vs := o.value.MinSize()
		o.value.Move(fyne.NewPos(barLabelW+trackW+8, y+(barHeight-vs.Height)/2))
		o.value.Resize(vs)
		y += barHeight + barGap
	}
	if r.c.threshold > 0 && len(r.rows) > 0 {
		x := barLabelW + trackW*float32(r.c.threshold)
		r.marker.Move(fyne.NewPos(x-1, -4))
		r.marker.Resize(fyne.NewSize(2, y-barGap+8))
		ms := r.mark.MinSize()
		r.mark.Move(fyne.NewPos(x-ms.Width/2, y-barGap+4))
		r.mark.Resize(ms)
	}
}

func (r *barRenderer) MinSize() fyne.Size {
	n := float32(len(r.rows))
	h := n*barHeight + max(n-1, 0)*barGap
	if r.c.threshold > 0 && n > 0 {
		h += r.mark.MinSize().Height + 6
	}
	return fyne.NewSize(barLabelW+barValueW+120, h)
}

func (r *barRenderer) Refresh() {
	c := r.c
	for len(r.rows) < len(c.bars) {
		o := barObjects{
			label: canvas.NewText("", color.Black),
			value: canvas.NewText("", color.Black),
			track: canvas.NewRectangle(color.Transparent),
			fill:  canvas.NewRectangle(color.Transparent),
		}
		o.track.CornerRadius, o.fill.CornerRadius = 5, 5
		o.value.TextStyle = fyne.TextStyle{Bold: true}
		r.rows = append(r.rows, o)
	}
	r.rows = r.rows[:len(c.bars)]
	size := themeSize(c, theme.SizeNameText)
	for i, o := range r.rows {
		b := c.bars[i]
		o.label.Text = b.label
		o.label.TextSize = size
		o.label.Color = themeColor(c, theme.ColorNameForeground)
		o.value.Text = strconv.Itoa(b.count) + " · " + percent(b.count, c.total)
		o.value.TextSize = size
		o.value.Color = themeColor(c, theme.ColorNameForeground)
		o.track.FillColor = themeColor(c, colorNameSurface)
		o.track.StrokeColor = themeColor(c, theme.ColorNameSeparator)
		o.track.StrokeWidth = 1
		o.fill.FillColor = barColor(c, b.kind)
	}
	r.marker.FillColor = themeColor(c, theme.ColorNameForeground)
	r.mark.Text = lang.X("result.threshold", "threshold")
	r.mark.TextSize = themeSize(c, theme.SizeNameCaptionText)
	r.mark.Color = themeColor(c, colorNameSubtle)
	r.Layout(c.Size())
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

// barColor is the solid colour of a bar: the chip's text colour, which is
// the strong shade of its meaning.
func barColor(o fyne.CanvasObject, k chipKind) color.Color {
	if k == chipNeutral {
		return themeColor(o, colorNameSubtle)
	}
	return themeColor(o, k.fgName())
}

func (r *barRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 4*len(r.rows)+2)
	for _, o := range r.rows {
		objs = append(objs, o.track, o.fill, o.label, o.value)
	}
	if r.c.threshold > 0 && len(r.rows) > 0 {
		objs = append(objs, r.marker, r.mark)
	}
	return objs
}

func (r *barRenderer) Destroy() {}

// lateMembers is how many eligible members have answers, none of which
// counts because every one reached the hub after the deadline.
func lateMembers(b ballots.Ballot, answers []ballots.Answer) int {
	counted := map[string]bool{}
	for _, a := range ballots.Counted(b, answers) {
		counted[a.MemberID] = true
	}
	late := map[string]bool{}
	for _, a := range answers {
		if b.IsEligible(a.MemberID) && !counted[a.MemberID] && b.IsLate(a) {
			late[a.MemberID] = true
		}
	}
	return len(late)
}
