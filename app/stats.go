package app

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// iconChart is Material Design's bar chart (Apache 2.0).
var iconChart = svgIcon("chart.svg", "M5 9.2h3V19H5zM10.6 5h2.8v14h-2.8zm5.6 8H19v6h-2.8z")

// statsScreen shows the secretariat the organisation's figures (core's
// Stats): for a year, or all years, the sessions held, the opinion
// ballots processed, the answers given and how many of them offline, the
// papers distributed and the paper pages they replaced; and a bar chart of
// sessions and ballots by year.
type statsScreen struct {
	s     *shell
	hdr   *header
	year  *widget.Select
	tiles [5]*statTile
	chart *yearChart
	note  *line
	root  fyne.CanvasObject
	stats core.Stats
	// loading is true while the figures are counted; again asks for one
	// more count once it is done (something changed meanwhile).
	loading, again bool
	loaded         bool
	stale          bool
}

// statTile is one big figure with what it counts. Its lines do not wrap:
// wrapped text asks for its height before it knows its width, which would
// make the window grow past a 768-pixel screen; a cut line shows its whole
// text in the note below the chart or the CLI.
type statTile struct {
	value *line
	label *line
	sub   *line
	extra *line
	root  fyne.CanvasObject
}

func newStatTile(label, sub string) *statTile {
	cut := func(l *line) *line { l.Truncation = fyne.TextTruncateEllipsis; return l }
	t := &statTile{
		value: newLine("—", chipAccent.fgName(), theme.SizeNameHeadingText, fyne.TextStyle{Bold: true}),
		label: cut(newLine(label, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true})),
		sub:   cut(newLine(sub, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})),
		extra: cut(newLine("", colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})),
	}
	t.root = card(container.NewVBox(t.value, lines(t.label, t.sub), t.extra))
	return t
}

func newStatsScreen(s *shell) *statsScreen {
	ss := &statsScreen{s: s, chart: newYearChart()}
	ss.hdr = newHeader(lang.X("stats.title", "Statistics"), lang.X("stats.subtitle", "What the committee did without paper, by year"))
	ss.year = widget.NewSelect(nil, func(string) { ss.show() })
	labels := [][2]string{
		{lang.X("stats.sessions_short", "Sessions"), lang.X("stats.sessions_sub", "held")},
		{lang.X("stats.ballots_short", "Ballots"), lang.X("stats.ballots_sub", "processed")},
		{lang.X("stats.answers", "Answers"), lang.X("stats.answers_sub", "given")},
		{lang.X("stats.papers", "Papers"), lang.X("stats.papers_sub", "distributed")},
		{lang.X("stats.pages", "Paper pages"), lang.X("stats.pages_sub", "replaced")},
	}
	tiles := container.NewGridWithColumns(5)
	for i, l := range labels {
		ss.tiles[i] = newStatTile(l[0], l[1])
		tiles.Add(ss.tiles[i].root)
	}
	ss.note = paragraph(lang.X("stats.note", "An answer counts as given offline when the hub received it more than {{.Minutes}} minutes after it was signed on the member's computer. Answers recorded from paper are not counted as offline. Papers are counted once they are distributed through eCabinet (pages × recipients).",
		map[string]any{"Minutes": int(core.OfflineAfter.Minutes())}), colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	yearLabel := subtleLine(lang.X("stats.year", "Year"))
	yearLabel.Truncation = fyne.TextTruncateOff
	yearRow := container.NewHBox(container.NewCenter(yearLabel), fixedWidth(180, ss.year))
	chartTitle := newLine(lang.X("stats.chart", "Sessions and ballots by year"), theme.ColorNameForeground, theme.SizeNameSubHeadingText, fyne.TextStyle{Bold: true})
	body := container.NewBorder(container.NewVBox(yearRow, tiles, padded(8, 0, 0, 0, chartTitle)), ss.note, nil, nil, ss.chart.root)
	ss.root = container.NewBorder(ss.hdr.root, nil, nil, nil, padded(10, 12, 16, 16, body))
	return ss
}

// shown counts the figures when first opened, and again if something
// changed since.
func (ss *statsScreen) shown() {
	if !ss.loaded || ss.stale {
		ss.stale = false
		ss.load()
	}
}

func (ss *statsScreen) view() fyne.CanvasObject { return ss.root }

func (ss *statsScreen) refresh(c changes) {
	if c.has(core.TopicBallots) || c.has(core.TopicMeetings) || c.has(core.TopicAnswers) {
		if ss.s.current == scrStats {
			ss.load()
		} else {
			ss.stale = true // counted again when next shown
		}
	}
}

// load counts the figures off the UI goroutine, one count at a time.
func (ss *statsScreen) load() {
	if !ss.s.p.IsSecretary() {
		return
	}
	if ss.loading {
		ss.again = true
		return
	}
	ss.loading = true
	var st core.Stats
	p := ss.s.p
	ss.s.u.background(func() error {
		var err error
		st, err = p.Stats()
		return err
	}, func(err error) {
		ss.loading = false
		if err != nil {
			showError(err, ss.s.u.win)
		} else {
			ss.stats, ss.loaded = st, true
			ss.setYears()
		}
		if ss.again {
			ss.again = false
			ss.load()
		}
	})
}

// setYears offers every year with figures, newest first, then all years.
func (ss *statsScreen) setYears() {
	keep := ss.year.Selected
	var opts []string
	for i := len(ss.stats.Years) - 1; i >= 0; i-- {
		opts = append(opts, strconv.Itoa(ss.stats.Years[i].Year))
	}
	all := lang.X("stats.all_years", "All years")
	opts = append(opts, all)
	ss.year.Options = opts
	if keep == "" || !contains(opts, keep) {
		keep = opts[0]
	}
	ss.year.Selected = keep
	ss.year.Refresh()
	ss.show()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// selected is the figures of the chosen year, or of all years.
func (ss *statsScreen) selected() core.YearStats {
	y, err := strconv.Atoi(ss.year.Selected)
	if err != nil {
		return ss.stats.Total
	}
	return ss.stats.Year(y)
}

// show fills the tiles and the chart.
func (ss *statsScreen) show() {
	if !ss.loaded {
		return
	}
	y := ss.selected()
	vals := []int{y.Sessions, y.Ballots, y.Answers, y.Papers, y.PaperPages}
	for i, v := range vals {
		ss.tiles[i].value.setText(fmtCount(v))
	}
	ss.tiles[2].extra.setText(lang.X("stats.offline", "{{.N}} of them offline", map[string]any{"N": fmtCount(y.OfflineAnswers)}))
	if y.Papers == 0 {
		ss.tiles[3].extra.setText(lang.X("stats.papers_soon", "once sent through eCabinet"))
	}
	var groups []barGroup
	for _, ys := range ss.stats.Years {
		groups = append(groups, barGroup{label: strconv.Itoa(ys.Year), values: []int{ys.Sessions, ys.Ballots}})
	}
	ss.chart.set(groups, []string{lang.X("stats.sessions_short", "Sessions"), lang.X("stats.ballots_short", "Ballots")})
}

// fmtCount writes a count the Vietnamese way, with dots between
// thousands (1.670), or with commas in English (1,670).
func fmtCount(n int) string {
	s := strconv.Itoa(n)
	sep := "."
	if currentLang == langEN {
		sep = ","
	}
	out := ""
	for len(s) > 3 {
		out = sep + s[len(s)-3:] + out
		s = s[:len(s)-3]
	}
	return s + out
}

// barGroup is one year of the chart: a value per series.
type barGroup struct {
	label  string
	values []int
}

// yearChart draws groups of bars (one colour per series) scaled to the
// largest value, with each bar's value above it and a legend; canvas
// rectangles and texts, laid out by yearChartLayout.
type yearChart struct {
	plot   *fyne.Container
	legend *fyne.Container
	root   fyne.CanvasObject
	groups []barGroup
}

// seriesColors are the series' theme colours.
var seriesColors = []fyne.ThemeColorName{theme.ColorNamePrimary, theme.ColorNameWarning}

func newYearChart() *yearChart {
	c := &yearChart{legend: container.NewHBox()}
	c.plot = container.New(&yearChartLayout{c: c})
	empty := subtleLine(lang.X("stats.empty", "No figures yet: no session held, ballot closed or answer given."))
	c.root = container.NewBorder(nil, c.legend, nil, nil, container.NewStack(c.plot, container.NewCenter(empty)))
	return c
}

func (c *yearChart) set(groups []barGroup, series []string) {
	c.groups = groups
	c.plot.Objects = nil
	for _, g := range groups {
		for i, v := range g.values {
			r := canvas.NewRectangle(theme.Color(seriesColors[i%len(seriesColors)]))
			r.CornerRadius = 3
			t := canvas.NewText(fmtCount(v), theme.Color(theme.ColorNameForeground))
			t.TextSize = theme.CaptionTextSize()
			t.Alignment = fyne.TextAlignCenter
			c.plot.Objects = append(c.plot.Objects, r, t)
		}
		l := canvas.NewText(g.label, theme.Color(theme.ColorNameForeground))
		l.Alignment = fyne.TextAlignCenter
		l.TextStyle.Bold = true
		c.plot.Objects = append(c.plot.Objects, l)
	}
	c.legend.Objects = nil
	for i, name := range series {
		sw := canvas.NewRectangle(theme.Color(seriesColors[i%len(seriesColors)]))
		sw.SetMinSize(fyne.NewSize(14, 14))
		c.legend.Add(container.NewCenter(sw))
		l := subtleLine(name)
		l.Truncation = fyne.TextTruncateOff
		c.legend.Add(l)
	}
	if st, ok := c.root.(*fyne.Container); ok && len(groups) > 0 {
		// hide the empty note behind the bars
		if stack, ok := st.Objects[0].(*fyne.Container); ok && len(stack.Objects) > 1 {
			stack.Objects[1].Hide()
		}
	}
	c.plot.Refresh()
	c.legend.Refresh()
}

// yearChartLayout places each group's bars side by side in equal columns, bars
// growing from the bottom in proportion to the largest value.
type yearChartLayout struct{ c *yearChart }

func (l *yearChartLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(200, 64) }

func (l *yearChartLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	groups := l.c.groups
	if len(groups) == 0 {
		return
	}
	top := 0
	for _, g := range groups {
		for _, v := range g.values {
			top = max(top, v)
		}
	}
	const labelH, valueH = 22, 18
	colW := size.Width / float32(len(groups))
	plotH := size.Height - labelH - valueH
	i := 0
	for gi, g := range groups {
		n := float32(len(g.values))
		barW := min(colW*0.6/n, 64)
		x0 := float32(gi)*colW + (colW-barW*n)/2
		for vi, v := range g.values {
			h := float32(0)
			if top > 0 {
				h = plotH * float32(v) / float32(top)
			}
			h = max(h, 2)
			x := x0 + float32(vi)*barW
			r, t := objs[i], objs[i+1]
			r.Move(fyne.NewPos(x+2, valueH+plotH-h))
			r.Resize(fyne.NewSize(barW-4, h))
			t.Move(fyne.NewPos(x, plotH-h))
			t.Resize(fyne.NewSize(barW, valueH))
			i += 2
		}
		lbl := objs[i]
		lbl.Move(fyne.NewPos(float32(gi)*colW, size.Height-labelH))
		lbl.Resize(fyne.NewSize(colW, labelH))
		i++
	}
}

// String is for test failures.
func (g barGroup) String() string { return fmt.Sprintf("%s%v", g.label, g.values) }
