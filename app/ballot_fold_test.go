package app

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// longQuestion is the sample's longest ballot question (fixture_test.go).
const longQuestion = "Thực hiện kết luận của Thủ tướng Chính phủ tại Phiên họp thứ năm, Bộ Nội vụ trình dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023, tập trung đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và nâng cao tỷ lệ sử dụng dịch vụ công trực tuyến toàn trình. Đề nghị đồng chí cho biết ý kiến: đồng chí có đồng ý thông qua dự thảo Kế hoạch không?"

// inWindow reports whether o lies wholly inside the window's canvas, where
// it is drawn (a scrolled-away object has a position outside it).
func inWindow(e *env, o fyne.CanvasObject) (fyne.Position, bool) {
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size, win := o.Size(), e.w.Canvas().Size()
	return pos, o.Visible() && pos.X >= 0 && pos.Y >= 0 && pos.X+size.Width <= win.Width && pos.Y+size.Height <= win.Height
}

// A member opens an open ballot with the sample's longest title and
// question: the choices, the comment and "Gửi ý kiến" are on screen without
// scrolling, on a 1366×768 laptop's window and on a 1280×720 screen.
func TestBallotDetail_AnswerFormAboveTheFold(t *testing.T) {
	c := memberCommittee(t)
	b, err := c.sec.IssueBallot(core.BallotInput{Title: longBallotTitle, Question: longQuestion,
		Deadline: memberNow.Add(30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)
	for _, size := range []fyne.Size{defaultWindow, fyne.NewSize(1280, 720)} {
		t.Run(fmt.Sprintf("%gx%g", size.Width, size.Height), func(t *testing.T) {
			e := newEnv(t, langVI, "")
			e.w.Resize(size)
			s := e.open(c.member)
			f := openBallot(t, s, b.ID).detail.answer
			e.l.settle(e.u)
			e.shot() // lay the wrapped text out as the window would
			if !f.form.Visible() || f.submit.Disabled() {
				t.Fatal("the member should have an open form")
			}
			for _, o := range []struct {
				what string
				o    fyne.CanvasObject
			}{{"the choices", f.options}, {"the comment", f.comment}, {"the send button", f.submit}} {
				if pos, ok := inWindow(e, o.o); !ok {
					t.Errorf("%s at %v (size %v) is not inside the %v window", o.what, pos, o.o.Size(), e.w.Canvas().Size())
				}
			}
		})
	}
}

func TestResults_LateMembersAreCountedApart(t *testing.T) {
	deadline := time.Date(2023, 7, 25, 17, 0, 0, 0, time.UTC)
	b := ballots.Ballot{ID: "b", Options: ballots.VietnameseOptions(), Deadline: deadline, Eligible: []string{"m1", "m2", "m3"},
		Policy: ballots.VNGovernment(), Status: ballots.StatusClosed}
	onTime := ballots.Answer{ID: "1", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceAgree, At: deadline.Add(-time.Hour), ReceivedAt: deadline.Add(-time.Hour), Seq: 1}
	// m1 also changed their mind too late: the on-time answer counts, m1 is not late
	changed := ballots.Answer{ID: "2", BallotID: "b", MemberID: "m1", Choice: ballots.ChoiceDisagree, At: deadline.Add(time.Hour), ReceivedAt: deadline.Add(time.Hour), Seq: 2}
	// given in 2023, received by a hub in 2026 (the sample in an enrolled profile)
	years := ballots.Answer{ID: "3", BallotID: "b", MemberID: "m2", Choice: ballots.ChoiceAgree, At: deadline.Add(-time.Hour), ReceivedAt: deadline.AddDate(3, 0, 0), Seq: 3}
	for _, tc := range []struct {
		name    string
		answers []ballots.Answer
		want    int
	}{
		{"none", nil, 0},
		{"on time", []ballots.Answer{onTime}, 0},
		{"changed too late", []ballots.Answer{onTime, changed}, 0},
		{"received years later", []ballots.Answer{onTime, changed, years}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := lateMembers(b, tc.answers); got != tc.want {
				t.Errorf("lateMembers = %d, want %d", got, tc.want)
			}
		})
	}
}
