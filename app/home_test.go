package app

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// homeRows lists the home's lines in the order they are drawn.
func (e *env) homeRows() []*homeRow {
	var rows []*homeRow
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch x := o.(type) {
		case *homeRow:
			rows = append(rows, x)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(e.w.Canvas().Content())
	return rows
}

// homeRow finds the home's line whose title contains title.
func (e *env) homeRow(t *testing.T, title string) *homeRow {
	t.Helper()
	for _, r := range e.homeRows() {
		if strings.Contains(r.title.seg.Text, title) {
			return r
		}
	}
	t.Fatalf("the home has no line %q", title)
	return nil
}

func TestHome_IsTheFirstScreen_MemberAnswersFromIt(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			// given a member with an open ballot, in a window of the app's size
			e := newEnv(t, code, "")
			e.w.Resize(defaultWindow)
			p, b := memberProfile(t)
			s := e.open(p)
			// then the home is what opens, and it lists the ballot to
			// answer and the next sessions, soonest first
			if s.current != scrHome {
				t.Fatalf("the first screen is %d, want the home", s.current)
			}
			h := s.screens[scrHome].(*homeScreen)
			if len(h.model.awaiting) != 1 || h.model.awaiting[0].b.ID != b.ID {
				t.Fatalf("awaiting %+v, want only %q", h.model.awaiting, b.Title)
			}
			var starts []time.Time
			for _, m := range h.model.upcoming {
				if m.Status == meetings.StatusClosed {
					t.Errorf("%q is over but listed as next", m.Title)
				}
				starts = append(starts, m.Start)
			}
			// The special session is still a draft: the secretariat's, it
			// does not reach the member (core/audience.go).
			if len(starts) != 1 {
				t.Errorf("next sessions start %v, want the sixth only", starts)
			}
			if !strings.Contains(h.model.upcoming[0].Title, "thứ sáu") {
				t.Errorf("the next session is %q, want the sixth", h.model.upcoming[0].Title)
			}
			test.AssertImageMatches(t, code+"/home_member.png", e.shot())

			// when the member taps the ballot's line, it opens to be answered
			test.Tap(e.homeRow(t, b.Title))
			bs := s.screens[scrBallots].(*ballotsScreen)
			if s.current != scrBallots || bs.detail.id != b.ID || !bs.detail.answer.form.Visible() {
				t.Fatalf("tapping the line shows screen %d with ballot %q, want the ballot's answer form", s.current, bs.detail.id)
			}
			// and its answer form is on screen without scrolling
			form := bs.detail.answer.submit
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(form)
			if bottom := pos.Y + form.Size().Height; bottom > e.w.Canvas().Size().Height {
				t.Errorf("the answer's button ends at %v, below the window (%v)", bottom, e.w.Canvas().Size().Height)
			}
			if code == langVI {
				test.AssertImageMatches(t, "vi/answer_from_home.png", e.shot())
			}
		})
	}
}

func TestHome_SecretaryTracksResponses(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			// given the secretariat with an open ballot that five of its
			// seven voters have answered
			e := newEnv(t, code, "")
			e.w.Resize(defaultWindow)
			p := secretaryProfile(t)
			useOffice(t, officeFixture(t, p))
			s := e.open(p)
			b := fixtureOpenBallot(t, p)
			h := s.screens[scrHome].(*homeScreen)
			e.l.waitFor(t, "the responses and the devices", func() bool {
				return len(h.model.tracking) == 1 && h.model.tracking[0].known && s.devices.known
			})
			tr := h.model.tracking[0]
			if tr.answered != 5 || tr.eligible != len(b.Eligible) {
				t.Errorf("response %d/%d, want 5/%d", tr.answered, tr.eligible, len(b.Eligible))
			}
			row := e.homeRow(t, b.Title)
			want := map[string]string{langVI: "5/7 đã trả lời", langEN: "5/7 answered"}[code]
			if !strings.HasPrefix(row.sub.seg.Text, want) {
				t.Errorf("the line says %q, want it to start with %q", row.sub.seg.Text, want)
			}
			// nothing is closing within a day yet
			if len(h.model.attention) != 0 {
				t.Errorf("attention %+v, want none five days before the deadline", h.model.attention)
			}
			// when the deadline comes within a day
			p.SetClock(func() time.Time { return b.Deadline.Add(-3 * time.Hour) })
			s.tick()
			// then the ballot needs attention, with the answers missing
			if len(h.model.attention) != 1 || h.model.attention[0].missing() != 2 {
				t.Fatalf("attention %+v, want the ballot with 2 answers missing", h.model.attention)
			}
			test.AssertImageMatches(t, code+"/home_secretary.png", e.shot())
			// and its line opens the ballot
			test.Tap(e.homeRow(t, b.Title))
			if s.current != scrBallots || s.screens[scrBallots].(*ballotsScreen).detail.id != b.ID {
				t.Errorf("the line opened screen %d, want the ballot", s.current)
			}
		})
	}
}

func TestHome_SecretarySeesDevicesNotSyncedForAWeek(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			// given the hub's devices: the chair's in use and an old one
			// revoked, a deputy prime minister's not synced for nine days,
			// a minister's never synced
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			useOffice(t, officeFixture(t, p))
			s := e.open(p)
			h := s.screens[scrHome].(*homeScreen)
			e.l.waitFor(t, "the devices", func() bool { return s.devices.known })
			// then the home names the two not synced for a week, the one
			// never synced first, and neither the chair's nor the revoked
			var got []string
			for _, sd := range h.model.stale {
				got = append(got, sd.dev.ID)
			}
			if strings.Join(got, ",") != "z5y4x3w2v1,p9r8s7t6u5" || h.model.staleN != 2 {
				t.Fatalf("stale devices %v (%d), want the minister's then the deputy prime minister's", got, h.model.staleN)
			}
			row := e.homeRow(t, "Trần Lưu Quang")
			wantTitle := map[string]string{langVI: "Trần Lưu Quang · Thiết bị P9R8-S7T6", langEN: "Trần Lưu Quang · Device P9R8-S7T6"}[code]
			wantChip := map[string]string{langVI: "9 ngày chưa đồng bộ", langEN: "Not synced for 9 days"}[code]
			if row.title.seg.Text != wantTitle || row.chip.text != wantChip {
				t.Errorf("the line says %q [%q], want %q [%q]", row.title.seg.Text, row.chip.text, wantTitle, wantChip)
			}
			// and its line opens the devices screen
			test.Tap(row)
			if s.current != scrDevices {
				t.Errorf("the line opened screen %d, want the devices", s.current)
			}
		})
	}
}

func TestHome_StaleDevices(t *testing.T) {
	day := 24 * time.Hour
	cases := []struct {
		name string
		devs []replica.DeviceRow
		want string
	}{
		{"none", nil, ""},
		{"synced within the week", []replica.DeviceRow{{ID: "a", LastSync: fixedNow.Add(-6 * day)}}, ""},
		{"eight days", []replica.DeviceRow{{ID: "a", LastSync: fixedNow.Add(-8 * day)}}, "a"},
		{"revoked is not followed", []replica.DeviceRow{{ID: "a", Revoked: true}}, ""},
		{"never first, then oldest", []replica.DeviceRow{
			{ID: "b", LastSync: fixedNow.Add(-8 * day)}, {ID: "c", LastSync: fixedNow.Add(-30 * day)}, {ID: "d"}}, "d,c,b"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, n := staleDevices(tc.devs, fixedNow)
			var got []string
			for _, sd := range out {
				got = append(got, sd.dev.ID)
			}
			if strings.Join(got, ",") != tc.want || n != len(got) {
				t.Errorf("got %v (%d), want %q", got, n, tc.want)
			}
		})
	}
}

func TestHome_EmptyStatesAndSeeAll(t *testing.T) {
	// given a new committee with nothing in it
	e := newEnv(t, langVI, "")
	p, err := core.Create(t.TempDir(), testPass, meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	p.SetClock(func() time.Time { return fixedNow })
	s := e.open(p)
	e.l.waitFor(t, "the hub's answer", func() bool { return s.devices.err != nil })
	// then each section says it is empty, in words (and that there is no
	// hub to ask about devices)
	for _, want := range []string{"Chưa có phiên họp nào", "Không có nhắc nhở", "Không có phiếu nào đang lấy ý kiến", "chưa kết nối với máy chủ"} {
		if !e.hasText(want) {
			t.Errorf("the empty home does not say %q", want)
		}
	}
	// when a member joins and a year of ballots arrives
	if _, err := p.AddMember(meetings.Member{Name: "Phạm Thị Thanh Trà", Role: meetings.RoleMember}); err != nil {
		t.Fatal(err)
	}
	yearOfData(t, p)
	s.changed(allChanged())
	h := s.screens[scrHome].(*homeScreen)
	// then each section shows a few lines, and "see all" opens the list
	if n := len(h.model.tracking); n != homeRows || h.model.trackingN <= homeRows {
		t.Fatalf("the open ballots show %d of %d", n, h.model.trackingN)
	}
	more := e.button("Xem tất cả (" + strconv.Itoa(h.model.trackingN) + ")")
	if more == nil {
		t.Fatal("no “see all” button for the open ballots")
	}
	test.Tap(more)
	bs := s.screens[scrBallots].(*ballotsScreen)
	if s.current != scrBallots || bs.filt != filterOpen {
		t.Errorf("see all shows screen %d with filter %d, want the open ballots", s.current, bs.filt)
	}
}

// BenchmarkHome_AgainstListingBallots builds the home's content from
// memory with a year of data, beside what the ballots screen does on every
// change (listing the ballots with my answer to each), and reports the
// ratio: the home must cost about as much as one listing, not more.
func BenchmarkHome_AgainstListingBallots(b *testing.B) {
	a := test.NewTempApp(b)
	a.Settings().SetTheme(newThemeVariant(theme.VariantLight))
	p, err := core.Create(b.TempDir(), testPass, meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close() })
	p.SetClock(func() time.Time { return fixedNow })
	for _, name := range []string{"Phạm Thị Thanh Trà", "Trần Lưu Quang", "Đại diện Bộ Tư pháp"} {
		if _, err := p.AddMember(meetings.Member{Name: name, Role: meetings.RoleMember}); err != nil {
			b.Fatal(err)
		}
	}
	yearOfData(b, p)
	w := test.NewTempWindow(b, widget.NewLabel(""))
	l := &loop{}
	u := newUI(a, w, Config{}, "", l.do)
	u.syncOff = true
	u.booksOff = true // the meeting books likewise (book_panel_test.go turns them on)
	u.p = p
	u.showShell(p)
	l.settle(u)
	b.Cleanup(func() { u.shell.stop(); l.settle(u) })
	s := u.shell
	h := s.screens[scrHome].(*homeScreen)
	bs := s.screens[scrBallots].(*ballotsScreen)
	ballotsChanged := newChanges()
	ballotsChanged.topics[core.TopicBallots] = true
	var home, list time.Duration
	for b.Loop() {
		t0 := time.Now()
		buildHome(h.input())
		t1 := time.Now()
		bs.refresh(ballotsChanged)
		home += t1.Sub(t0)
		list += time.Since(t1)
	}
	b.ReportMetric(float64(home)/float64(list), "home/list")
	b.ReportMetric(float64(home.Microseconds())/float64(b.N), "home-µs/op")
}
