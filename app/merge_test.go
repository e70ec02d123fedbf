package app

import (
	"image"
	"image/draw"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// twoSecretaries is the tests' committee with the secretary on a second
// computer too, both synced through the real hub.
type twoSecretaries struct {
	*committee
	sec2    *core.Profile
	meeting meetings.Meeting // the sixth session, as both hold it
}

func newTwoSecretaries(t *testing.T) *twoSecretaries {
	t.Helper()
	c := memberCommittee(t)
	sec2 := c.hub.EnrollMember(t, c.sec.Self().ID)
	sec2.SetClock(func() time.Time { return memberNow })
	replicatest.Sync(t, sec2)
	ts := &twoSecretaries{committee: c, sec2: sec2}
	for _, m := range sec2.Meetings() {
		if m.Title == sixthTitle {
			ts.meeting = m
		}
	}
	if ts.meeting.ID == "" {
		t.Fatal("the sixth session did not reach the second computer")
	}
	return ts
}

// staleTitles has both computers retitle the sixth session offline; the
// first computer's change reaches the hub first.
func (ts *twoSecretaries) staleTitles(t *testing.T, first, second string) {
	t.Helper()
	m := ts.meeting
	if err := ts.sec.UpdateMeeting(m.ID, m.Rev, core.MeetingInput{Title: first, Start: m.Start, Place: m.Place}); err != nil {
		t.Fatal(err)
	}
	if err := ts.sec2.UpdateMeeting(m.ID, m.Rev, core.MeetingInput{Title: second, Start: m.Start, Place: m.Place}); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, ts.sec)
}

const (
	firstTitle  = "Phiên họp thứ sáu Ban Chỉ đạo (dự thảo của Vụ Tổng hợp)"
	secondTitle = "Phiên họp thứ sáu Ban Chỉ đạo Cải cách hành chính — họp trực tuyến"
)

func TestMerge_SecondSecretaryKeepsItsTitleAndBothConverge(t *testing.T) {
	ts := newTwoSecretaries(t)
	m := ts.meeting
	// given both secretary computers retitled the session offline, the
	// first one's change already on the hub
	ts.staleTitles(t, firstTitle, secondTitle)
	e := newEnv(t, langVI, "")
	s := e.open(ts.sec2)
	// when the second computer syncs, its change is refused as stale
	replicatest.Sync(t, ts.sec2)
	e.l.waitFor(t, "the refusal banner with Merge", func() bool { return e.button("Hợp nhất…") != nil })
	if got, _ := ts.sec2.Meeting(m.ID); got.Title != firstTitle {
		t.Fatalf("after the refusal the computer shows %q, want the hub's %q", got.Title, firstTitle)
	}
	// then Merge shows the title field by field, the secretary's own value chosen
	test.Tap(e.button("Hợp nhất…"))
	e.l.waitFor(t, "the merge dialog", func() bool { return e.u.merge != nil })
	md := e.u.merge
	if len(md.picks) != 1 || md.picks[core.FieldTitle] == nil {
		t.Fatalf("fields offered %v, want only the title", md.picks)
	}
	if !md.picks[core.FieldTitle].useMine() {
		t.Error("the secretary changed the title: their value should be chosen by default")
	}
	for _, want := range []string{"Của đồng chí", "Hiện tại (trên máy chủ)", firstTitle, secondTitle, "Tiêu đề"} {
		if !e.hasText(want) {
			t.Errorf("the merge dialog does not show %q", want)
		}
	}
	// picking the current value and back moves the one choice
	md.picks[core.FieldTitle].cur.SetSelected(md.picks[core.FieldTitle].cur.Options[0])
	if md.picks[core.FieldTitle].useMine() {
		t.Error("choosing the current value should clear the secretary's")
	}
	md.picks[core.FieldTitle].mine.SetSelected(md.picks[core.FieldTitle].mine.Options[0])
	// when the secretary saves the merge
	test.Tap(e.button("Lưu bản hợp nhất"))
	e.l.waitFor(t, "the banner to go", func() bool { return e.button("Hợp nhất…") == nil && len(s.notices.Objects) == 0 })
	if len(e.u.rejections) != 0 {
		t.Errorf("a merged refusal is still listed: %+v", e.u.rejections)
	}
	// then both computers end with the merged title, on a newer revision
	replicatest.Sync(t, ts.sec2)
	replicatest.Sync(t, ts.sec)
	afterFirst := m.Rev + 1
	for _, p := range []*core.Profile{ts.sec, ts.sec2} {
		got, _ := p.Meeting(m.ID)
		if got.Title != secondTitle || got.Rev != afterFirst+1 {
			t.Errorf("%s: %q rev %d, want %q rev %d", p.DeviceID(), got.Title, got.Rev, secondTitle, afterFirst+1)
		}
	}
	e.l.waitFor(t, "the list to show the merged title", func() bool { return e.hasText(secondTitle) })
	// and the refusal stays merged after a new sync round
	if rejs, _ := ts.sec2.UnresolvedRejections(); len(rejs) != 0 {
		t.Errorf("unresolved refusals after the merge: %+v", rejs)
	}
}

func TestMerge_KeepCurrentDismissesTheRefusal(t *testing.T) {
	ts := newTwoSecretaries(t)
	ts.staleTitles(t, firstTitle, secondTitle)
	e := newEnv(t, langVI, "")
	s := e.open(ts.sec2)
	replicatest.Sync(t, ts.sec2)
	e.l.waitFor(t, "the refusal banner", func() bool { return e.button("Giữ bản hiện tại") != nil })
	// Settings offers the merge too
	st := s.screens[scrSettings].(*settingsScreen)
	if len(st.refused.Objects) != 1 {
		t.Fatalf("Settings lists %d refusals, want 1", len(st.refused.Objects))
	}
	test.Tap(e.button("Giữ bản hiện tại"))
	e.l.waitFor(t, "the banner to go", func() bool { return len(s.notices.Objects) == 0 })
	e.l.settle(e.u)
	if len(e.u.rejections) != 0 {
		t.Errorf("a refusal set aside is still listed: %+v", e.u.rejections)
	}
	if !strings.HasPrefix(st.refused.Objects[0].(*line).seg.Text, "Máy chủ chưa từ chối") {
		t.Errorf("Settings still lists the refusal: %q", st.refused.Objects[0].(*line).seg.Text)
	}
	if got, _ := ts.sec2.Meeting(ts.meeting.ID); got.Title != firstTitle {
		t.Errorf("title %q, want the current %q", got.Title, firstTitle)
	}
	// a new profile session does not announce it again
	rejs, _ := ts.sec2.UnresolvedRejections()
	if len(rejs) != 0 {
		t.Errorf("unresolved after keeping: %+v", rejs)
	}
}

// tapPending taps the status bar's count of waiting changes.
func (e *env) tapPending() {
	pending := e.u.shell.status.pending
	o := e.find(func(o fyne.CanvasObject) bool { t, ok := o.(*tappable); return ok && t.content == pending })
	if o == nil {
		e.t.Fatal("the status bar's count of waiting changes is not tappable")
	}
	test.Tap(o.(*tappable))
}

func TestMyChanges_FromTheStatusBarWithEachState(t *testing.T) {
	ts := newTwoSecretaries(t)
	ts.staleTitles(t, firstTitle, secondTitle)
	e := newEnv(t, langVI, "")
	s := e.open(ts.sec2)
	replicatest.Sync(t, ts.sec2) // refused
	e.l.waitFor(t, "the refusal", func() bool { return e.button("Hợp nhất…") != nil })
	m := ts.meeting
	if _, err := ts.sec2.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Kết luận phiên họp", Minutes: 10}); err != nil {
		t.Fatal(err)
	}
	e.tapPending()
	e.l.waitFor(t, "my changes", func() bool { return s.changesView != nil && len(s.changesView.items) == 2 })
	cv := s.changesView
	want := []struct{ title, state string }{
		{"Thêm nội dung họp: " + firstTitle + " — Kết luận phiên họp", "Đã lưu trên máy này"},
		{"Sửa phiên họp: " + firstTitle, "Bị từ chối"},
	}
	check := func(when string) {
		t.Helper()
		for i, w := range want {
			c := cv.items[i]
			text, _ := changeStateText(c)
			if changeTitle(c) != w.title || text != w.state {
				t.Errorf("%s, row %d: %q %q, want %q %q", when, i, changeTitle(c), text, w.title, w.state)
			}
		}
	}
	check("before the sync")
	if !strings.Contains(changeDetail(cv.items[1]), "người khác đã sửa nội dung này trước") {
		t.Errorf("the refused row does not say why: %q", changeDetail(cv.items[1]))
	}
	if !e.hasText("Sửa phiên họp: " + firstTitle) {
		t.Error("the list does not show the refused edit")
	}
	// the merge from the list, then a sync: every row moves on
	re, err := ts.sec2.RefusedEdit(cv.items[1].DevSeq)
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.sec2.MergeRefused(re, map[string]bool{core.FieldTitle: true}); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, ts.sec2)
	e.l.waitFor(t, "the new states", func() bool { return len(cv.items) == 3 && cv.items[0].State == core.StateAccepted })
	want = []struct{ title, state string }{
		{"Sửa phiên họp: " + secondTitle, "Máy chủ đã nhận"},
		{"Thêm nội dung họp: " + secondTitle + " — Kết luận phiên họp", "Máy chủ đã nhận"},
		{"Sửa phiên họp: " + secondTitle, "Bị từ chối"},
	}
	check("after the merge and a sync")
	if !strings.Contains(changeDetail(cv.items[2]), "đã hợp nhất thành thay đổi mới") {
		t.Errorf("the merged refusal's row: %q", changeDetail(cv.items[2]))
	}
	cv.d.Hide()
	e.l.settle(e.u)
	if s.changesView != nil {
		t.Error("closing the dialog should forget it")
	}
}

func TestMyChanges_ScrollsThroughThousands(t *testing.T) {
	p := secretaryProfile(t)
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thường kỳ tháng 8", Start: at(1, 8, 8, 0), Place: govPlace})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1500 {
		if _, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Nội dung số " + strings.Repeat("I", i%5+1), Minutes: 5}); err != nil {
			t.Fatal(err)
		}
	}
	e := newEnv(t, langVI, "")
	s := e.open(p)
	s.showMyChanges()
	e.l.waitFor(t, "the first page", func() bool { return s.changesView != nil && len(s.changesView.items) == changesPage })
	cv := s.changesView
	// scrolling to the end of what is read brings the next page, and so on
	for page := 2; page <= 4; page++ {
		cv.list.ScrollToBottom()
		e.l.waitFor(t, "the next page", func() bool { return len(cv.items) == page*changesPage })
	}
	for i := 1; i < len(cv.items); i++ {
		if cv.items[i].DevSeq >= cv.items[i-1].DevSeq {
			t.Fatalf("row %d (%d) is not older than row %d (%d)", i, cv.items[i].DevSeq, i-1, cv.items[i-1].DevSeq)
		}
	}
}

func TestGolden_MergeAndMyChanges(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			ts := newTwoSecretaries(t)
			ts.staleTitles(t, firstTitle, secondTitle)
			e := newEnv(t, code, "")
			s := e.open(ts.sec2)
			replicatest.Sync(t, ts.sec2)
			e.l.waitFor(t, "the refusal", func() bool { return len(s.rejBanners) == 1 })
			test.AssertImageMatches(t, code+"/stale_banner.png", e.objectShot(s.notices))
			var seq uint64
			for k := range s.rejBanners {
				seq = k
			}
			s.offerMerge(seq)
			e.l.waitFor(t, "the merge dialog", func() bool { return e.u.merge != nil })
			test.AssertImageMatches(t, code+"/merge.png", e.dialogShot())
			e.u.merge.d.Hide()
			if _, err := ts.sec2.AddAgendaItem(ts.meeting.ID, meetings.AgendaItem{Title: "Kết luận phiên họp", Minutes: 10}); err != nil {
				t.Fatal(err)
			}
			s.showMyChanges()
			e.l.waitFor(t, "my changes", func() bool { return s.changesView != nil && len(s.changesView.items) == 2 })
			test.AssertImageMatches(t, code+"/my_changes.png", e.dialogShot())
		})
	}
}

// objectShot is the part of the window an object covers (the golden
// images of dialogs and banners leave out the screens around them, which
// change for their own reasons).
func (e *env) objectShot(o fyne.CanvasObject) image.Image {
	img := e.shot()
	scale := e.w.Canvas().Scale()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
	size := o.Size()
	r := image.Rect(int(pos.X*scale), int(pos.Y*scale), int((pos.X+size.Width)*scale), int((pos.Y+size.Height)*scale))
	r = r.Intersect(img.Bounds())
	// A copy, not a SubImage: the comparison reads the pixel buffer, which a
	// SubImage narrower than the window shares with the columns beside it.
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(out, out.Bounds(), img, r.Min, draw.Src)
	return out
}

// dialogShot is the dialog on top of the window.
func (e *env) dialogShot() image.Image {
	top := e.w.Canvas().Overlays().Top()
	pop, ok := top.(*widget.PopUp)
	if !ok {
		e.t.Fatalf("the top overlay is a %T, not a dialog", top)
	}
	return e.objectShot(pop.Content)
}

// A refusal that a headless sync received before the app started is
// announced when the app starts, and only once.
func TestRejection_ReceivedBeforeStartIsAnnouncedOnce(t *testing.T) {
	ts := newTwoSecretaries(t)
	ts.staleTitles(t, firstTitle, secondTitle)
	replicatest.Sync(t, ts.sec2) // `ecabinet sync`: refused as stale, the app not running
	rejs, err := ts.sec2.UnresolvedRejections()
	if err != nil || len(rejs) != 1 {
		t.Fatalf("unresolved refusals: %v, %v", rejs, err)
	}
	e := newEnv(t, langVI, "")
	s := e.open(ts.sec2)
	e.l.waitFor(t, "the refusal banner with Merge", func() bool { return e.button("Hợp nhất…") != nil })
	if n := len(s.notices.Objects); n != 1 {
		t.Fatalf("%d banners, want 1", n)
	}
	// the next start of the app (same preferences, nothing in memory)
	// does not announce it again; Settings still lists it
	s.notices.Objects = nil
	e.u.seenRej = map[uint64]bool{}
	e.u.markRejectionsSeen(rejs)
	if n := len(s.notices.Objects); n != 0 {
		t.Fatalf("announced again: %d banners", n)
	}
	if len(e.u.rejections) != 1 {
		t.Fatalf("Settings lists %d refusals, want 1", len(e.u.rejections))
	}
}
