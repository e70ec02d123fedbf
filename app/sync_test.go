package app

import (
	"image"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// statusText is what the status bar says about the connection.
func statusText(e *env) string { return e.u.shell.status.state.seg.Text }

// statusShot is the bottom of the window: the status bar.
func (e *env) statusShot() image.Image {
	img := e.shot()
	b := img.Bounds()
	h := int(e.u.shell.status.view().Size().Height * e.w.Canvas().Scale())
	return img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(b.Min.X, b.Max.Y-h, b.Max.X, b.Max.Y))
}

func TestStatusBar_OnlineAfterSyncThenOfflineWhenTheHubStops(t *testing.T) {
	// given a member's device enrolled with a running hub, the replicator on
	c := memberCommittee(t)
	e := newEnv(t, langVI, "")
	e.u.syncOff = false
	s := e.open(c.member)
	// then after the first round the status bar says it is connected
	e.l.waitFor(t, "online", func() bool { return strings.HasPrefix(statusText(e), "Đã kết nối — đồng bộ lúc ") })
	if !s.status.syncBtn.Visible() || s.status.joinBtn.Visible() {
		t.Error("an enrolled profile should offer “Đồng bộ ngay”, not “Tham gia ban”")
	}
	// when the member answers, the replicator sends it and the hub accepts it
	bs := openBallot(t, s, c.ballot.ID)
	f := bs.detail.answer
	f.options.SetSelected("Đồng ý")
	test.Tap(f.submit)
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the hub's receipt", func() bool {
		return f.saved.Visible() && strings.HasPrefix(f.saved.head.seg.Text, "Máy chủ đã nhận lúc")
	})
	if !strings.Contains(f.saved.head.seg.Text, "có biên nhận có chữ ký") {
		t.Errorf("receipt banner %q should say the receipt is signed", f.saved.head.seg.Text)
	}
	e.l.waitFor(t, "the inbox chip", func() bool {
		return e.find(func(o fyneObject) bool { ch, ok := o.(*chip); return ok && ch.text == "Máy chủ đã nhận" }) != nil
	})
	// when the hub stops and the member asks for a sync (Ctrl+S)
	c.hub.Stop()
	e.u.syncNow()
	// then the status bar says the work is kept on this computer
	e.l.waitFor(t, "offline", func() bool { return statusText(e) == "Ngoại tuyến — đã lưu trên máy này" })
}

func TestStatusBar_NotEnrolledOffersToJoin(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	e.u.dir = p.Dir()
	s := e.open(p)
	if got := statusText(e); got != "Chỉ làm việc trên máy này" {
		t.Errorf("status %q, want “Chỉ làm việc trên máy này”", got)
	}
	b := e.button("Tham gia ban (kết nối máy chủ)")
	if b == nil || s.status.syncBtn.Visible() {
		t.Fatal("a profile that is not enrolled should offer to join, not to sync")
	}
	test.Tap(b)
	j := e.u.join
	if j == nil || !j.folder.Visible() || !strings.HasSuffix(j.folder.Text, "-2") {
		t.Fatal("joining from an open profile should offer a new folder beside it")
	}
	test.Tap(e.button("Quay lại"))
	if e.u.shell == nil || e.w.Canvas().Content() != e.u.shell.view() {
		t.Error("Back should return to the main window")
	}
}

func TestJoin_EnrollsWithARealHubAndShowsTheFingerprint(t *testing.T) {
	h := startHub(t)
	want, err := replica.HubFingerprint(h.P)
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, langVI, filepath.Join(t.TempDir(), "profile"))
	e.u.syncOff = false
	t.Cleanup(e.u.shutdown)
	e.u.start()
	test.Tap(e.button("Tham gia ban bằng lời mời"))
	j := e.u.join
	if j == nil {
		t.Fatal("no join screen")
	}
	// a wrong code is refused in words
	j.hub.SetText(h.URL)
	j.code.SetText("không-phải-mã-mời")
	j.fields.pass.SetText(string(testPass))
	j.fields.again.SetText(string(testPass))
	test.Tap(j.join)
	e.l.waitFor(t, "the refusal", func() bool { return j.errMsg.Visible() })
	if got, want := j.errMsg.seg.Text, lang.X("err.sync.invite_invalid", "?"); got != want || want == "?" {
		t.Errorf("error %q, want %q", got, want)
	}
	// the invite the Office gave enrolls this computer
	j.code.SetText(h.Init.Invite)
	test.Tap(j.join)
	e.l.waitFor(t, "the fingerprint", func() bool { return j.finger != nil })
	if j.finger.seg.Text != want {
		t.Errorf("fingerprint %q, want the hub's %q", j.finger.seg.Text, want)
	}
	if !e.hasText("So sánh dấu vân tay này với dấu vân tay trên màn hình của Văn phòng") || !e.hasText("Thư ký Ban Chỉ đạo") {
		t.Error("the words to compare the fingerprint, or the member enrolled as, are missing")
	}
	// nothing technical shows unasked: the profile's folder is under "Chi tiết"
	if e.hasText("Thư mục hồ sơ") || !e.hasText("Chi tiết") {
		t.Error("the join result shows the profile's folder, or no Details to find it under")
	}
	// then the profile opens and syncs
	test.Tap(e.button("Khớp — mở hồ sơ và đồng bộ"))
	e.l.waitFor(t, "the shell, synced", func() bool {
		return e.u.shell != nil && strings.HasPrefix(statusText(e), "Đã kết nối")
	})
}

func TestGolden_Join(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, filepath.Join(t.TempDir(), "profile"))
			e.u.start()
			newJoinScreen(e.u, e.u.start)
			e.w.SetContent(e.u.join.view())
			j := e.u.join
			j.hub.SetText("https://hub.vpcp.gov.vn:8443")
			j.code.SetText("K7QF-2M9X-TR4D-8HWA")
			test.AssertImageMatches(t, code+"/join.png", e.shot())
		})
	}
}

func TestGolden_StatusBarWithSync(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p, _ := memberProfile(t)
			e.open(p)
			e.u.setSync(syncState{Known: true, Enrolled: true, Online: true, LastSync: memberNow.Add(-55 * time.Minute), Pending: 0})
			test.AssertImageMatches(t, code+"/status_online.png", e.statusShot())
			e.u.setSync(syncState{Known: true, Enrolled: true, Syncing: true, Done: 30, Total: 48, Pending: 3})
			test.AssertImageMatches(t, code+"/status_syncing.png", e.statusShot())
			e.u.setSync(syncState{Known: true, Enrolled: true, LastSync: memberNow.Add(-55 * time.Minute), Pending: 2})
			test.AssertImageMatches(t, code+"/status_offline.png", e.statusShot())
		})
	}
}

func TestRefusedLateAnswer_ShowsTheWords(t *testing.T) {
	// given a member who answers on this computer while offline
	c := memberCommittee(t)
	e := newEnv(t, langVI, "")
	s := e.open(c.member)
	if _, err := c.member.AnswerBallot(c.ballot.ID, ballots.ChoiceAgree, "Nhất trí."); err != nil {
		t.Fatal(err)
	}
	// when the Office closes the ballot before the answer reaches the hub
	if err := c.sec.CloseBallot(c.ballot.ID); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)
	// then the member is told in words, without a blocking dialog
	words := "Phiếu này đã đóng trước khi ý kiến của bạn đến máy chủ; ý kiến không được tính."
	e.l.waitFor(t, "the refusal banner", func() bool { return e.hasText(words) })
	if len(s.notices.Objects) != 1 {
		t.Errorf("%d notices, want 1", len(s.notices.Objects))
	}
	// and Settings lists it
	s.show(scrSettings)
	st := s.screens[scrSettings].(*settingsScreen)
	found := false
	for _, o := range st.refused.Objects {
		if l, ok := o.(*line); ok && strings.Contains(l.seg.Text, words) {
			found = true
		}
	}
	if !found {
		t.Error("Settings → Đồng bộ does not list the refusal")
	}
}

func TestReminder_ShowsABannerAndTheInboxChip(t *testing.T) {
	c := memberCommittee(t)
	e := newEnv(t, langVI, "")
	s := e.open(c.member)
	bs := openBallot(t, s, c.ballot.ID)
	if bs.detail.remind.Visible() {
		t.Fatal("no reminder yet")
	}
	msg := "Đề nghị đồng chí gửi ý kiến trước 17 giờ ngày mai."
	if err := c.sec.RemindBallot(c.ballot.ID, msg); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)
	e.l.waitFor(t, "the reminder banner", func() bool {
		return bs.detail.remind.Visible() && bs.detail.remind.head.seg.Text == "Văn phòng nhắc: "+msg
	})
	if e.find(func(o fyneObject) bool {
		ch, ok := o.(*chip)
		return ok && strings.HasPrefix(ch.text, "Văn phòng nhắc: ")
	}) == nil {
		t.Error("the inbox row has no reminder chip")
	}
	if got := e.test.Preferences().StringList(prefNotified); len(got) != 1 {
		t.Errorf("notified reminders %v, want one", got)
	}
}

// TestStatusBar_HeldPaperSaysWhichAndIsNoRefusal: a round whose paper the
// hub could not store says which paper waits, without "the hub refused"
// before it (the hub refused nothing; the next sync retries), in each
// language; any other hub error keeps the refusal's words.
func TestStatusBar_HeldPaperSaysWhichAndIsNoRefusal(t *testing.T) {
	held := &replica.UploadHeldError{Paper: "Tờ trình dự thảo Nghị định", Hub: &replica.Error{Status: 503, Code: replica.CodeInternal, Message: "the hub could not store the chunk; try again"}}
	for _, tc := range []struct {
		code, held, other string
	}{
		{langVI, "Tài liệu “Tờ trình dự thảo Nghị định” chưa gửi được vì máy chủ tạm thời chưa lưu được tài liệu", "Máy chủ từ chối: "},
		{langEN, "The paper “Tờ trình dự thảo Nghị định” was not sent: the hub cannot store papers just now", "The hub refused: "},
	} {
		t.Run(tc.code, func(t *testing.T) {
			e := newEnv(t, tc.code, "")
			e.open(secretaryProfile(t))
			e.u.setSync(syncState{Known: true, Enrolled: true, Online: true, Err: held, Pending: 2})
			bar := e.u.shell.status
			if got := bar.state.seg.Text; !strings.HasPrefix(got, tc.held) {
				t.Errorf("the status bar says %q, want %q…", got, tc.held)
			}
			// Too long for the bar at this width: cut there, never
			// widening the window, and whole after a tap.
			if w, win := bar.view().MinSize().Width, e.w.Canvas().Size().Width; w > win {
				t.Errorf("the status bar asks for %.0f px in a window of %.0f", w, win)
			}
			if bar.who.Visible() {
				t.Error("who is signed in still shows beside a state that does not fit")
			}
			e.u.syncState.Err = held
			if n := len(e.w.Canvas().Overlays().List()); n != 0 {
				t.Fatalf("%d overlays before the tap", n)
			}
			test.Tap(bar.stateTap)
			if !overlayHasText(e.w.Canvas().Overlays().Top(), bar.state.seg.Text) {
				t.Error("a tap on the cut state does not show it whole")
			}
			e.u.setSync(syncState{Known: true, Enrolled: true, Online: true, Err: held.Hub, Pending: 2})
			if got := e.u.shell.status.state.seg.Text; !strings.HasPrefix(got, tc.other) {
				t.Errorf("another hub error: the status bar says %q, want %q…", got, tc.other)
			}
		})
	}
}

// overlayHasText reports whether a line or label in o reads text whole.
func overlayHasText(o fyne.CanvasObject, text string) bool {
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		switch x := o.(type) {
		case *widget.Label:
			if x.Text == text {
				return true
			}
		case *line:
			if x.seg.Text == text {
				return true
			}
		case *widget.RichText:
			if x.String() == text {
				return true
			}
		}
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case *fyne.Container:
			kids = x.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(x).Objects()
		}
		for _, c := range kids {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(o)
}
