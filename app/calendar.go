package app

import (
	"image/color"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The date picker's calendar. Fyne's widget.Calendar writes its heading
// with time.Format, whose month names are English whatever the app's
// language, and starts its weeks on Sunday; a Vietnamese user reads
// "Tháng 12 2026" and weeks from Monday (T2 … CN). This one speaks the
// app's language through lang.X and is used by every date field
// (newDateEntry). It takes the keyboard as a whole: the arrows move the
// highlighted day (a week up or down), Page Up and Page Down change the
// month, Home goes to today, Enter or Space picks the day, Esc closes the
// pop-up it is in (keys.go). Its days are not focusable one by one, so Tab
// does not walk through forty-two of them.

// calendarRows is how many weeks the grid shows: enough for any month.
const calendarRows = 6

// calendar is the month grid with its heading.
type calendar struct {
	widget.BaseWidget
	// cursor is the highlighted day (midnight, Vietnam time); today is
	// marked apart.
	cursor   time.Time
	today    time.Time
	onPicked func(time.Time)
	focused  bool

	title *line
	days  [calendarRows * 7]*calendarDay
	root  fyne.CanvasObject
}

var (
	_ fyne.Focusable = (*calendar)(nil)
	_ fyne.Tappable  = (*calendar)(nil)
)

// newCalendar shows the month of cur with cur highlighted; onPicked gets
// the day picked (midnight, Vietnam time).
func newCalendar(cur, today time.Time, onPicked func(time.Time)) *calendar {
	c := &calendar{cursor: dayOf(cur), today: dayOf(today), onPicked: onPicked}
	c.title = titleLine("")
	c.title.Truncation = fyne.TextTruncateOff
	prev := iconButton(theme.NavigateBackIcon(), func() { c.move(0, -1) })
	next := iconButton(theme.NavigateNextIcon(), func() { c.move(0, 1) })
	head := container.NewBorder(nil, nil, prev, next, container.NewCenter(c.title))
	grid := container.NewGridWithColumns(7)
	for _, w := range calendarWeekdays() {
		l := newLine(w, colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateOff
		grid.Add(container.NewCenter(l))
	}
	for i := range c.days {
		d := newCalendarDay(c)
		c.days[i] = d
		grid.Add(d)
	}
	c.root = padded(4, 4, 4, 4, container.NewVBox(head, grid))
	c.ExtendBaseWidget(c)
	c.layoutMonth()
	return c
}

// dayOf is midnight of t's day in Vietnam.
func dayOf(t time.Time) time.Time {
	y, m, d := t.In(vnTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, vnTime)
}

// calendarWeekdays are the weekday initials, Monday first: T2 … CN.
func calendarWeekdays() []string {
	return strings.Fields(lang.X("calendar.weekdays", "Mo Tu We Th Fr Sa Su"))
}

// calendarTitle is "Tháng 12 2026" / "December 2026".
func calendarTitle(t time.Time) string {
	return lang.X("calendar.title", "{{.MonthName}} {{.Year}}",
		map[string]any{"Month": int(t.Month()), "MonthName": t.Month().String(), "Year": t.Year()})
}

// first is the first day the grid shows: the Monday on or before the 1st.
func (c *calendar) first() time.Time {
	first := time.Date(c.cursor.Year(), c.cursor.Month(), 1, 0, 0, 0, 0, vnTime)
	back := (int(first.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
	return first.AddDate(0, 0, -back)
}

// layoutMonth writes the heading and the days of the cursor's month.
func (c *calendar) layoutMonth() {
	c.title.setText(calendarTitle(c.cursor))
	day := c.first()
	for _, d := range c.days {
		d.set(day, day.Month() == c.cursor.Month(), day.Equal(c.cursor), day.Equal(c.today))
		day = day.AddDate(0, 0, 1)
	}
}

// move moves the cursor by days and months (a month keeps the day of the
// month where it can: 31 January and a month on is 28 or 29 February).
func (c *calendar) move(days, months int) {
	cur := c.cursor.AddDate(0, 0, days)
	if months != 0 {
		y, m, d := cur.Date()
		firstOf := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, vnTime)
		last := firstOf.AddDate(0, 1, -1).Day()
		cur = time.Date(firstOf.Year(), firstOf.Month(), min(d, last), 0, 0, 0, 0, vnTime)
	}
	c.cursor = cur
	c.layoutMonth()
}

// pick reports the day picked.
func (c *calendar) pick(day time.Time) {
	c.cursor = day
	c.layoutMonth()
	if c.onPicked != nil {
		c.onPicked(day)
	}
}

// CreateRenderer draws the calendar.
func (c *calendar) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(c.root) }

// Tapped takes the keyboard when the calendar is clicked between days.
func (c *calendar) Tapped(*fyne.PointEvent) { c.takeFocus() }

func (c *calendar) takeFocus() {
	if cv := fyne.CurrentApp().Driver().CanvasForObject(c); cv != nil {
		cv.Focus(c)
	}
}

// FocusGained shows the highlighted day as having the keyboard.
func (c *calendar) FocusGained() { c.focused = true; c.layoutMonth() }

// FocusLost clears it.
func (c *calendar) FocusLost() { c.focused = false; c.layoutMonth() }

// TypedRune ignores characters.
func (c *calendar) TypedRune(rune) {}

// TypedKey moves the highlighted day, changes the month, or picks.
func (c *calendar) TypedKey(k *fyne.KeyEvent) {
	if windowKey(c, k) { // Esc closes the pop-up, F1 the help
		return
	}
	switch k.Name {
	case fyne.KeyLeft:
		c.move(-1, 0)
	case fyne.KeyRight:
		c.move(1, 0)
	case fyne.KeyUp:
		c.move(-7, 0)
	case fyne.KeyDown:
		c.move(7, 0)
	case fyne.KeyPageUp:
		c.move(0, -1)
	case fyne.KeyPageDown:
		c.move(0, 1)
	case fyne.KeyHome:
		c.cursor = c.today
		c.layoutMonth()
	default:
		if activates(k) {
			c.pick(c.cursor)
		}
	}
}

// calendarDay is one day of the grid: tapped, it is picked.
type calendarDay struct {
	widget.BaseWidget
	cal  *calendar
	day  time.Time
	text *canvas.Text
	bg   *canvas.Rectangle
	ring *canvas.Rectangle
	root fyne.CanvasObject
	// inMonth, cursor and today say how it is drawn.
	inMonth, cursor, today bool
}

var _ fyne.Tappable = (*calendarDay)(nil)

func newCalendarDay(c *calendar) *calendarDay {
	d := &calendarDay{cal: c, text: canvas.NewText("", color.Black), bg: canvas.NewRectangle(color.Transparent),
		ring: canvas.NewRectangle(color.Transparent)}
	d.text.Alignment = fyne.TextAlignCenter
	d.bg.CornerRadius = 6
	d.ring.CornerRadius = 6
	d.ring.StrokeWidth = 1.5
	d.root = container.NewStack(d.bg, d.ring, container.NewCenter(d.text))
	d.ExtendBaseWidget(d)
	return d
}

// set shows day.
func (d *calendarDay) set(day time.Time, inMonth, cursor, today bool) {
	d.day, d.inMonth, d.cursor, d.today = day, inMonth, cursor, today
	d.text.Text = strconv.Itoa(day.Day())
	d.Refresh()
}

// MinSize is a square a finger or a mouse hits easily.
func (d *calendarDay) MinSize() fyne.Size { return fyne.NewSize(36, 32) }

// Refresh draws the day for its state.
func (d *calendarDay) Refresh() {
	d.text.TextStyle = fyne.TextStyle{Bold: d.today || d.cursor}
	d.text.TextSize = themeSize(d, theme.SizeNameText)
	switch {
	case d.cursor:
		d.bg.FillColor = themeColor(d, theme.ColorNamePrimary)
		d.text.Color = themeColor(d, theme.ColorNameForegroundOnPrimary)
	case d.inMonth:
		d.bg.FillColor = color.Transparent
		d.text.Color = themeColor(d, theme.ColorNameForeground)
	default:
		d.bg.FillColor = color.Transparent
		d.text.Color = themeColor(d, theme.ColorNameDisabled)
	}
	d.ring.StrokeColor = color.Transparent
	if d.today && !d.cursor {
		d.ring.StrokeColor = themeColor(d, theme.ColorNamePrimary)
	}
	if d.cursor && d.cal.focused {
		d.ring.StrokeColor = themeColor(d, theme.ColorNameFocus)
		d.ring.StrokeWidth = 3
	} else {
		d.ring.StrokeWidth = 1.5
	}
	d.BaseWidget.Refresh()
}

// CreateRenderer draws the day.
func (d *calendarDay) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(d.root) }

// Tapped picks the day.
func (d *calendarDay) Tapped(*fyne.PointEvent) { d.cal.pick(d.day) }
