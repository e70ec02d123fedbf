package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestCalendar_SpeaksTheAppsLanguageAndTheKeyboard: the meeting form's
// date field opens our calendar (Fyne's writes English month names in
// Vietnamese mode): the heading and weekdays in the app's language, Monday
// first; the arrows, Page Down and Enter pick a day; Esc closes it and
// leaves the date and the form as they were.
func TestCalendar_SpeaksTheAppsLanguageAndTheKeyboard(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			s := e.open(secretaryProfile(t))
			s.show(scrMeetings)
			e.ctrl(fyne.KeyN)
			if e.u.form == nil {
				t.Fatal("Ctrl+N shows no meeting form")
			}
			date, ok := e.u.form.form.Items[1].Widget.(*keyEntry)
			if !ok {
				t.Fatalf("the form's second field is %T, want the date", e.u.form.form.Items[1].Widget)
			}
			over := func() int { return len(e.w.Canvas().Overlays().List()) }
			open := func() *calendar {
				t.Helper()
				test.Tap(date.ActionItem.(*widget.Button))
				if over() != 2 || e.u.calendar == nil {
					t.Fatalf("the calendar button shows %d overlays", over())
				}
				return e.u.calendar
			}
			date.SetText("15/12/2026")
			cal := open()
			wantTitle := map[string]string{langVI: "Tháng 12 2026", langEN: "December 2026"}[code]
			wantDays := map[string]string{langVI: "T2 T3 T4 T5 T6 T7 CN", langEN: "Mo Tu We Th Fr Sa Su"}[code]
			if cal.title.seg.Text != wantTitle || strings.Join(calendarWeekdays(), " ") != wantDays {
				t.Errorf("heading %q, weekdays %v; want %q, %q", cal.title.seg.Text, calendarWeekdays(), wantTitle, wantDays)
			}
			// 1 December 2026 is a Tuesday: the grid starts on Monday 30 November
			if first := cal.days[0].day; first.Day() != 30 || first.Month() != time.November {
				t.Errorf("the grid starts on %v, want Monday 30 November", first)
			}
			if f := e.w.Canvas().Focused(); f != cal {
				t.Fatalf("the open calendar does not have the keyboard (%T has)", f)
			}
			test.AssertImageMatches(t, code+"/calendar.png", e.overlayShot())
			// the keyboard: a day on, a week on, a month on, then Enter
			for _, k := range []fyne.KeyName{fyne.KeyRight, fyne.KeyDown, fyne.KeyPageDown} {
				e.key(k)
			}
			wantNext := map[string]string{langVI: "Tháng 1 2027", langEN: "January 2027"}[code]
			if cal.title.seg.Text != wantNext {
				t.Errorf("after Page Down the heading is %q, want %q", cal.title.seg.Text, wantNext)
			}
			e.key(fyne.KeyReturn)
			if date.Text != "23/01/2027" || over() != 1 || e.w.Canvas().Focused() != date {
				t.Errorf("Enter: date %q, %d overlays, focus %T; want 23/01/2027 in the form's field", date.Text, over(), e.w.Canvas().Focused())
			}
			// Esc closes the calendar only, the date unchanged
			open()
			e.key(fyne.KeyLeft)
			e.key(fyne.KeyEscape)
			if date.Text != "23/01/2027" || over() != 1 {
				t.Errorf("Esc: date %q, %d overlays; want the date kept and the form open", date.Text, over())
			}
			// a tap on a day picks it
			cal = open()
			test.Tap(cal.days[0])
			if date.Text != "28/12/2026" || over() != 1 {
				t.Errorf("tapping the first day: date %q, %d overlays; want 28/12/2026", date.Text, over())
			}
		})
	}
}

func TestCalendar_MonthKeepsTheDayWhereItCan(t *testing.T) {
	cases := []struct {
		from         time.Time
		days, months int
		want         string
	}{
		{time.Date(2027, 1, 31, 0, 0, 0, 0, vnTime), 0, 1, "28/02/2027"},
		{time.Date(2028, 1, 31, 0, 0, 0, 0, vnTime), 0, 1, "29/02/2028"},
		{time.Date(2026, 12, 31, 0, 0, 0, 0, vnTime), 1, 0, "01/01/2027"},
		{time.Date(2026, 3, 31, 0, 0, 0, 0, vnTime), 0, -1, "28/02/2026"},
		{time.Date(2026, 12, 3, 0, 0, 0, 0, vnTime), -7, 0, "26/11/2026"},
	}
	test.NewTempApp(t)
	for _, tc := range cases {
		c := newCalendar(tc.from, fixedNow, nil)
		c.move(tc.days, tc.months)
		if got := c.cursor.Format("02/01/2006"); got != tc.want {
			t.Errorf("%s %+d days %+d months = %s, want %s", tc.from.Format("02/01/2006"), tc.days, tc.months, got, tc.want)
		}
	}
}
