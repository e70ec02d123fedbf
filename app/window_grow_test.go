package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/sample"
)

// The secretariat's meeting screen keeps the window's size whatever the
// meeting: on a 1366×768 screen (the window it opens at there, and the
// whole screen), with the sample's meetings and one with the longest
// sample title (clamped to three lines), a published agenda of long items
// (so the consent tab is there too) and the meeting book's line, every
// tab of every meeting fits the canvas, which keeps its size. An agenda
// list asked for one whole two-line row, and that row, under the
// three-line title, made the pane 4 px taller than a 660-px window: the
// window grew when such a meeting was opened.
func TestWindow_MeetingScreenKeepsTheWindowsSize(t *testing.T) {
	for _, size := range []fyne.Size{defaultWindow, fyne.NewSize(1366, 768)} {
		t.Run(fmt.Sprintf("%vx%v", size.Width, size.Height), func(t *testing.T) {
			e := newEnv(t, langVI, "")
			e.u.booksOff = false // the book's line under the actions
			e.w.Resize(size)
			p, err := core.Create(t.TempDir(), testPass, meetings.Member{Name: "Thư ký Văn phòng Chính phủ", Title: "Vụ Tổng hợp", Role: meetings.RoleSecretary})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Close() })
			if err := sample.Load(p); err != nil {
				t.Fatal(err)
			}
			// The longest sample title, in the Steering Committee's body,
			// where the sample's long-titled sessions are.
			var body string
			for _, m := range p.Meetings() {
				if m.Body != "" {
					body = m.Body
				}
			}
			lm, err := p.CreateMeeting(core.MeetingInput{Title: longMeetingTitle, Body: body, Start: fixedNow.AddDate(0, 0, 20), Place: govPlace})
			if err != nil {
				t.Fatal(err)
			}
			mid := lm.ID
			for _, title := range []string{longBallotTitle, "Báo cáo tình hình thực hiện kế hoạch số hóa hồ sơ, kết quả giải quyết thủ tục hành chính tại các bộ, ngành, địa phương", "Đề án"} {
				if _, err := p.AddAgendaItem(mid, meetings.AgendaItem{Title: title, Presenter: "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", Minutes: 30}); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.SetMeetingStatus(mid, meetings.StatusPublished); err != nil {
				t.Fatal(err)
			}
			s := e.open(p)
			s.show(scrMeetings)
			ms := s.screens[scrMeetings].(*meetingsScreen)
			if len(ms.shown) < 6 {
				t.Fatalf("%d meetings listed, want the sample's and the long one", len(ms.shown))
			}
			tabsSeen := 0
			for i, r := range ms.shown {
				ms.list.Select(i)
				e.l.settle(e.u)
				for j := range ms.detail.tabs.Items {
					ms.detail.tabs.SelectIndex(j)
					e.l.settle(e.u)
					e.shot() // lays out the wrapped titles at their width
					tabsSeen++
					if got := e.w.Canvas().Size(); got != size {
						t.Fatalf("%q, tab %q: the canvas is %v, want %v unchanged", r.m.Title, ms.detail.tabs.Items[j].Text, got, size)
					}
					if min := e.w.Canvas().Content().MinSize(); min.Height > size.Height || min.Width > size.Width {
						t.Errorf("%q, tab %q: the content needs %v, more than the window's %v: the window would grow", r.m.Title, ms.detail.tabs.Items[j].Text, min, size)
					}
				}
			}
			if tabsSeen < 3*len(ms.shown) {
				t.Errorf("%d tabs looked at for %d meetings", tabsSeen, len(ms.shown))
			}
		})
	}
}
