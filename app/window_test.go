package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

// The longest titles of the sample (shared/samples): the window must keep
// its size with them on screen.
const (
	longMeetingTitle = "Phiên họp chuyên đề của Ban Chỉ đạo Cải cách hành chính của Chính phủ về kết quả cải cách hành chính 6 tháng đầu năm 2023, những khó khăn, vướng mắc và giải pháp trong 6 tháng cuối năm 2023 tại các bộ, ngành và địa phương"
	longBallotTitle  = "Phiếu lấy ý kiến thành viên Ban Chỉ đạo về dự thảo Báo cáo kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và kết nối, chia sẻ dữ liệu với Cổng Dịch vụ công quốc gia của các bộ, ngành, địa phương"
)

// withLongTitles adds a meeting and an open ballot with the longest titles.
func withLongTitles(t *testing.T, p *core.Profile) (meetingID, ballotID string) {
	t.Helper()
	m, err := p.CreateMeeting(core.MeetingInput{Title: longMeetingTitle, Start: fixedNow.AddDate(0, 0, 20), Place: govPlace})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.IssueBallot(core.BallotInput{Title: longBallotTitle,
		Question: "Đề nghị đồng chí cho biết ý kiến về dự thảo Báo cáo.", Deadline: fixedNow.AddDate(0, 0, 3)})
	if err != nil {
		t.Fatal(err)
	}
	return m.ID, b.ID
}

// fits reports whether the window's content can be laid out within size:
// Fyne grows a window to its content's minimum size, so a screen whose
// minimum is larger pushes the status bar off a small screen.
func fits(t *testing.T, e *env, what string, size fyne.Size) {
	t.Helper()
	e.w.Canvas().Content().Refresh()
	if got := e.w.Canvas().Content().MinSize(); got.Width > size.Width || got.Height > size.Height {
		t.Errorf("%s needs %v, more than %v", what, got, size)
	}
}

func TestWindow_EveryScreenFitsTheSmallestWindow(t *testing.T) {
	for _, tc := range []struct {
		name string
		code string
		prof func(t testing.TB) *core.Profile
	}{
		{"secretary vi", langVI, secretaryProfile},
		{"secretary en", langEN, secretaryProfile},
		{"member vi", langVI, func(tb testing.TB) *core.Profile { p, _ := memberProfile(tb.(*testing.T)); return p }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// given the longest titles of the sample
			e := newEnv(t, tc.code, "")
			e.w.Resize(minWindow)
			p := tc.prof(t)
			var mid, bid string
			if p.IsSecretary() {
				mid, bid = withLongTitles(t, p)
			}
			s := e.open(p)
			// when every screen is shown, and the long records opened
			for _, d := range s.defs {
				if d.build == nil || !d.visible(s) {
					continue
				}
				s.show(d.id)
				fits(t, e, d.label, minWindow)
			}
			if mid != "" {
				openMeeting(t, s, "chuyên đề của Ban")
				fits(t, e, "the meeting with the longest title", minWindow)
				bs := openBallot(t, s, bid)
				fits(t, e, "the ballot with the longest title", minWindow)
				bs.detail.tabs.SelectIndex(1)
				e.l.settle(e.u)
				fits(t, e, "its results", minWindow)
				openBallot(t, s, closedBallot(t, p).ID)
				e.l.settle(e.u)
				fits(t, e, "the results of a closed ballot", minWindow)
			} else {
				// A member holds only the ballots put to them.
				var open ballots.Ballot
				for _, b := range p.Ballots() {
					if b.Status == ballots.StatusOpen {
						open = b
					}
				}
				bs := openBallot(t, s, open.ID)
				fits(t, e, "the ballot to answer", minWindow)
				bs.detail.tabs.SelectIndex(1)
				e.l.settle(e.u)
				fits(t, e, "its results, as a member who sees only their own answer", minWindow)
			}
		})
	}
}

func TestWindow_RemembersItsSize(t *testing.T) {
	a := test.NewTempApp(t)
	prefs := a.Preferences()
	for _, tc := range []struct {
		name string
		set  fyne.Size // what the window had when it closed (zero: never)
		want fyne.Size
	}{
		{"first start: fits a 768-px screen", fyne.Size{}, defaultWindow},
		{"a size chosen before", fyne.NewSize(1300, 700), fyne.NewSize(1300, 700)},
		{"minimised: the last real size is kept", fyne.NewSize(100, 40), fyne.NewSize(1300, 700)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.set.IsZero() {
				rememberWindowSize(prefs, tc.set)
			}
			if got := windowSize(prefs); got != tc.want {
				t.Errorf("window size %v, want %v", got, tc.want)
			}
		})
	}
	if defaultWindow.Height+70 > 768 {
		t.Errorf("the default window (%v) with a title bar and a taskbar is taller than a 768-px screen", defaultWindow)
	}
}

// closedBallot is the fixture's closed ballot.
func closedBallot(t *testing.T, p *core.Profile) ballots.Ballot {
	t.Helper()
	for _, b := range p.Ballots() {
		if b.Status == ballots.StatusClosed {
			return b
		}
	}
	t.Fatal("the fixture has no closed ballot")
	return ballots.Ballot{}
}
