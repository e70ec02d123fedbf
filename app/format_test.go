package app

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/ecabinet/ecabinet/ballots"
)

func TestCountdown(t *testing.T) {
	test.NewTempApp(t)
	setLanguage(langVI)
	deadline := at(26, 7, 17, 0)
	open := ballots.Ballot{Status: ballots.StatusOpen, Deadline: deadline}
	for _, tc := range []struct {
		now  time.Time
		b    ballots.Ballot
		want string
		kind chipKind
	}{
		{at(24, 7, 14, 0), open, "còn 2 ngày 3 giờ", chipAccent},
		{at(25, 7, 17, 0), open, "còn 1 ngày", chipAccent},
		{at(26, 7, 14, 30), open, "còn 2 giờ 30 phút", chipWarning},
		{at(26, 7, 16, 59).Add(30 * time.Second), open, "còn 1 phút", chipWarning},
		{at(26, 7, 17, 0), open, "quá hạn", chipDanger},
		{at(24, 7, 14, 0), ballots.Ballot{Status: ballots.StatusClosed, Deadline: deadline}, "đã đóng", chipNeutral},
	} {
		got, kind := countdown(tc.b, tc.now)
		if got != tc.want || kind != tc.kind {
			t.Errorf("countdown at %v: got %q (%v), want %q (%v)", tc.now, got, kind, tc.want, tc.kind)
		}
	}
	setLanguage(langEN)
	defer setLanguage(langVI)
	if got, _ := countdown(open, at(25, 7, 16, 0)); got != "1 day 1 hour left" {
		t.Errorf("English countdown %q, want %q", got, "1 day 1 hour left")
	}
}

func TestParseDateTime(t *testing.T) {
	for _, tc := range []struct {
		date, clock string
		want        time.Time
		ok          bool
	}{
		{"19/07/2023", "08:00", at(19, 7, 8, 0), true},
		{"19/7/2023", "8h30", at(19, 7, 8, 30), true},
		{" 19-07-2023 ", "8:", at(19, 7, 8, 0), true},
		{"31/02/2023", "08:00", time.Time{}, false},
		{"2023-07-19", "08:00", time.Time{}, false},
		{"19/07/2023", "25:00", time.Time{}, false},
		{"", "", time.Time{}, false},
	} {
		got, ok := parseDateTime(tc.date, tc.clock)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseDateTime(%q, %q) = %v, %v; want %v, %v", tc.date, tc.clock, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatDates(t *testing.T) {
	test.NewTempApp(t)
	setLanguage(langVI)
	tm := at(19, 7, 8, 0)
	if got := fmtDateTime(tm); got != "Thứ Tư, 19/07/2023 · 08:00" {
		t.Errorf("vi: %q", got)
	}
	// Whatever the machine's zone, times are Vietnam's.
	if got := fmtClock(tm.UTC()); got != "08:00" {
		t.Errorf("clock of a UTC time: %q", got)
	}
	if got := fmtMinutes(135); got != "2 giờ 15 phút" {
		t.Errorf("minutes: %q", got)
	}
	setLanguage(langEN)
	defer setLanguage(langVI)
	if got := fmtDateTime(tm); got != "Wednesday, 19 July 2023 · 08:00" {
		t.Errorf("en: %q", got)
	}
	if got := fmtMinutes(60); got != "1 hour" {
		t.Errorf("minutes: %q", got)
	}
}

func TestFold_FindsWithoutDiacritics(t *testing.T) {
	text := fold("Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính")
	for _, q := range []string{"phien hop", "PHIÊN HỌP", "chi dao", "cai cach hanh chinh"} {
		if !matches(text, fold(q)) {
			t.Errorf("%q does not find the meeting", q)
		}
	}
	if matches(text, fold("ngân sách")) {
		t.Error("an unrelated query matches")
	}
}

func TestStrength(t *testing.T) {
	for _, tc := range []struct {
		pass string
		want int
	}{
		{"ngắn", 0},
		{"12345678", 1},
		{"một câu dễ nhớ", 2},
		{"Một Câu Dễ Nhớ 2023", 4},
	} {
		if got := strength(tc.pass); got != tc.want {
			t.Errorf("strength(%q) = %d, want %d", tc.pass, got, tc.want)
		}
	}
}

func TestTheme(t *testing.T) {
	test.AssertAllColorNamesDefined(t, newTheme(), "ecabinet")
	th := newTheme()
	if got := th.Size(theme.SizeNameText); got <= theme.DefaultTheme().Size(theme.SizeNameText) {
		t.Errorf("text size %v, want larger than the default", got)
	}
	light := th.Color(theme.ColorNameBackground, theme.VariantLight)
	dark := th.Color(theme.ColorNameBackground, theme.VariantDark)
	if light == dark {
		t.Error("the light and dark backgrounds are the same")
	}
	if got := th.Color(theme.ColorNamePrimary, theme.VariantLight); got != (color.NRGBA{0x1F, 0x4E, 0x8C, 0xff}) {
		t.Errorf("accent %v, want the deep formal blue", got)
	}
	forced := newThemeVariant(theme.VariantLight)
	if forced.Color(theme.ColorNameBackground, theme.VariantDark) != light {
		t.Error("a forced light theme follows the dark variant")
	}
	for _, k := range []chipKind{chipNeutral, chipAccent, chipSuccess, chipWarning, chipDanger} {
		for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			if th.Color(k.bgName(), v) == th.Color(k.fgName(), v) {
				t.Errorf("chip %v: text and background are the same colour", k)
			}
		}
	}
}

func TestPreview(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"ngắn", 10, "ngắn"},
		{"Đồng ý với dự thảo", 6, "Đồng ý…"},
		{"", 3, ""},
		{"abc", 3, "abc"},
	} {
		if got := preview(tc.in, tc.n); got != tc.want {
			t.Errorf("preview(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
