package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// openMeeting opens the sample's meeting whose title contains title.
func openMeeting(t *testing.T, s *shell, title string) *meetingsScreen {
	t.Helper()
	s.show(scrMeetings)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	for i, r := range ms.shown {
		if strings.Contains(r.m.Title, title) {
			ms.list.Select(i)
			return ms
		}
	}
	t.Fatalf("the sample has no meeting %q", title)
	return nil
}

// fifthSession opens the sample's fifth session, which is over.
func fifthSession(t *testing.T, s *shell) *meetingsScreen { return openMeeting(t, s, "thứ năm") }

// sixthSession opens the sample's next session, published and editable.
func sixthSession(t *testing.T, s *shell) *meetingsScreen { return openMeeting(t, s, "thứ sáu") }

// openBallot opens a ballot on the ballots screen.
func openBallot(t *testing.T, s *shell, id string) *ballotsScreen {
	t.Helper()
	s.show(scrBallots)
	bs := s.screens[scrBallots].(*ballotsScreen)
	for i, r := range bs.shown {
		if r.b.ID == id {
			bs.list.Select(i)
			return bs
		}
	}
	t.Fatalf("ballot %s is not listed", id)
	return nil
}

// fixtureOpenBallot is the committee's open ballot.
func fixtureOpenBallot(t *testing.T, p *core.Profile) ballots.Ballot {
	t.Helper()
	for _, b := range p.Ballots() {
		if b.Title == openTitle {
			return b
		}
	}
	t.Fatal("the fixture has no open ballot")
	return ballots.Ballot{}
}

func TestGolden_FirstRun(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, t.TempDir())
			e.u.start()
			test.AssertImageMatches(t, code+"/first_run.png", e.shot())
		})
	}
}

func TestGolden_Meetings(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			s := e.open(secretaryProfile(t))
			s.show(scrMeetings)
			test.AssertImageMatches(t, code+"/meetings.png", e.shot())
			fifthSession(t, s)
			test.AssertImageMatches(t, code+"/meeting_detail.png", e.shot())
		})
	}
}

func TestGolden_BallotsInboxAndResults(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			s := e.open(p)
			b := fixtureOpenBallot(t, p)
			bs := openBallot(t, s, b.ID)
			test.AssertImageMatches(t, code+"/ballots.png", e.shot())

			bs.detail.tabs.SelectIndex(1)
			r := bs.detail.results
			e.l.waitFor(t, "the tally", func() bool { return len(r.who) == len(b.Eligible) && r.standing.Visible() })
			test.AssertImageMatches(t, code+"/results.png", e.shot())
		})
	}
}

func TestAnswerBallot_ShowsSavedOnThisComputer(t *testing.T) {
	// given a member with an open ballot to answer
	e := newEnv(t, langVI, "")
	p, b := memberProfile(t)
	s := e.open(p)
	bs := openBallot(t, s, b.ID)
	f := bs.detail.answer
	if !f.form.Visible() || f.saved.Visible() {
		t.Fatal("the answer form should be shown, with nothing saved yet")
	}
	// when the member chooses "Đồng ý", writes a comment and confirms
	f.options.SetSelected("Đồng ý")
	test.Type(f.comment, "Nhất trí; đề nghị ưu tiên số hóa hồ sơ đất đai.")
	test.Tap(f.submit)
	if e.u.lastConfirm == nil {
		t.Fatal("sending should ask for confirmation first")
	}
	e.u.lastConfirm.Confirm()
	// then the answer is saved on this computer, and the form says so
	e.l.waitFor(t, "the saved answer", func() bool { return f.saved.Visible() })
	if got := f.saved.head.seg.Text; !strings.HasPrefix(got, "Đã lưu trên máy này lúc 09:00") {
		t.Errorf("saved banner %q, want it to start with %q", got, "Đã lưu trên máy này lúc 09:00")
	}
	a, ok := p.MyAnswer(b.ID)
	if !ok || a.Choice != ballots.ChoiceAgree || !strings.HasPrefix(a.Comment, "Nhất trí") {
		t.Fatalf("stored answer %+v (%v), want agree with the comment", a, ok)
	}
	e.l.waitFor(t, "the inbox row", func() bool {
		for _, r := range bs.shown {
			if r.b.ID == b.ID {
				return r.answered
			}
		}
		return false
	})
	if f.submit.Text != "Thay đổi ý kiến" {
		t.Errorf("button %q after answering, want %q", f.submit.Text, "Thay đổi ý kiến")
	}
	test.AssertImageMatches(t, "vi/answer_saved.png", e.shot())
}

func TestAgenda_AddThenDeleteWithConfirmation(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	ms := sixthSession(t, s)
	d := ms.detail
	before := len(d.m.Agenda)

	// when the secretary adds an item through the dialog
	test.Tap(d.addBtn)
	f := e.u.form
	if f == nil {
		t.Fatal("no form dialog")
	}
	test.Type(f.form.Items[0].Widget.(*keyEntry), "Tham luận của Ủy ban nhân dân tỉnh Cà Mau")
	test.Type(f.form.Items[1].Widget.(*keyEntry), "UBND tỉnh Cà Mau")
	test.Type(f.form.Items[2].Widget.(*keyEntry), "15")
	test.Tap(f.save)
	// then it is saved and shown as the last item of the agenda
	e.l.waitFor(t, "the new item", func() bool { return len(d.m.Agenda) == before+1 })
	last := d.m.Agenda[before]
	if last.Title != "Tham luận của Ủy ban nhân dân tỉnh Cà Mau" || last.Minutes != 15 || last.Presenter != "UBND tỉnh Cà Mau" {
		t.Fatalf("added %+v", last)
	}
	d.agenda.ScrollToBottom()
	if !e.hasText("Tham luận của Ủy ban nhân dân tỉnh Cà Mau") {
		t.Error("the new item is not shown in the agenda")
	}

	// when the secretary deletes it, a confirmation is asked first
	row := e.find(func(o fyneObject) bool {
		r, ok := o.(*agendaItem)
		return ok && r.title.seg.Text == last.Title
	}).(*agendaItem)
	test.Tap(row.del)
	if len(d.m.Agenda) != before+1 {
		t.Fatal("deleted without confirmation")
	}
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the deletion", func() bool { return len(d.m.Agenda) == before })
	m, _ := p.Meeting(d.id)
	for _, it := range m.Agenda {
		if it.ID == last.ID {
			t.Fatal("the item is still in the meeting")
		}
	}
}

func TestAgenda_InvalidItemShowsTranslatedError(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	d := sixthSession(t, s).detail
	test.Tap(d.addBtn)
	f := e.u.form
	test.Type(f.form.Items[2].Widget.(*keyEntry), "900")
	test.Tap(f.save)
	want := errorText(&meetings.Error{Code: "err.agenda.title_required"})
	if strings.Contains(want, "err.") {
		t.Fatalf("err.agenda.title_required has no Vietnamese text: %q", want)
	}
	if !f.errText.Visible() || f.errText.seg.Text != want {
		t.Errorf("error %q, want %q", f.errText.seg.Text, want)
	}
	test.Type(f.form.Items[0].Widget.(*keyEntry), "Một nội dung")
	test.Tap(f.save)
	if !strings.Contains(f.errText.seg.Text, "600") {
		t.Errorf("error %q, want the minutes range with its limit", f.errText.seg.Text)
	}
}

func TestMember_SeesNoSecretaryButtons(t *testing.T) {
	e := newEnv(t, langVI, "")
	p, b := memberProfile(t)
	s := e.open(p)
	ms := sixthSession(t, s)
	if ms.newBtn.Visible() {
		t.Error("a member sees “Phiên họp mới”")
	}
	d := ms.detail
	// A member has no lifecycle actions; their own meeting book has its
	// line (bookPanel).
	if d.addBtn.Visible() || d.actions.view().Visible() || !d.book.root.Visible() {
		t.Errorf("a member sees the agenda button or actions (%d), or no book line", len(d.actions.items))
	}
	for _, text := range []string{"Công bố", "Bắt đầu phiên họp", "Kết thúc phiên họp", "Thêm nội dung", "Giấy mời (PDF)"} {
		if e.button(text) != nil {
			t.Errorf("a member sees the button %q", text)
		}
	}
	if e.find(func(o fyneObject) bool { r, ok := o.(*agendaItem); return ok && r.buttons.Visible() }) != nil {
		t.Error("a member sees the agenda row buttons")
	}
	bs := openBallot(t, s, b.ID)
	if bs.newBtn.Visible() || bs.detail.actions.Visible() {
		t.Error("a member sees “Phát hành phiếu” or the ballot's close/extend buttons")
	}
	s.show(scrMembers)
	mem := s.screens[scrMembers].(*membersScreen)
	if mem.newBtn.Visible() || e.find(func(o fyneObject) bool { r, ok := o.(*memberItem); return ok && r.buttons.Visible() }) != nil {
		t.Error("a member sees the buttons to add, edit or remove members")
	}
}

func TestSecretary_RecordsPaperAnswer(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	b := fixtureOpenBallot(t, p)
	bs := openBallot(t, s, b.ID)
	f := bs.detail.answer
	if !f.secretaryMode() || !f.member.Visible() || f.submit.Text != "Ghi nhận ý kiến" {
		t.Fatalf("the secretary should get the paper form (member select visible %v, button %q)", f.member.Visible(), f.submit.Text)
	}
	chair, _ := meetings.Chair(p.Members())
	f.member.SetSelected(chair.Name)
	f.options.SetSelected("Đồng ý")
	test.Tap(f.submit)
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the recorded answer", func() bool { return f.saved.Visible() })
	res, answers, err := p.Tally(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := ballots.Effective(answers)[chair.ID]; got.Choice != ballots.ChoiceAgree || res.Counts[ballots.ChoiceAgree] != 4 {
		t.Errorf("chair's answer %+v, %d agree; want the chair's agree counted (4 agree)", got, res.Counts[ballots.ChoiceAgree])
	}
}

func TestUnlock_WrongPassphraseShowsTranslatedError(t *testing.T) {
	dir := t.TempDir()
	p, err := core.Create(dir, testPass, meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	p.Close()

	e := newEnv(t, langVI, dir)
	e.u.start()
	s, ok := e.find(func(o fyneObject) bool { _, ok := o.(*widget.Entry); return ok }).(*widget.Entry)
	if !ok {
		t.Fatal("no passphrase entry")
	}
	test.Type(s, "không đúng mật khẩu")
	test.Tap(e.button("Mở khóa"))
	e.l.waitFor(t, "the error", func() bool { return e.hasText("Sai mật khẩu") })
	if e.u.shell != nil {
		t.Fatal("opened with a wrong passphrase")
	}
	// and the right one opens the profile
	test.Type(s, string(testPass))
	test.Tap(e.button("Mở khóa"))
	e.l.waitFor(t, "the main window", func() bool { return e.u.shell != nil })
	e.p = e.u.profile()
	t.Cleanup(func() { e.p.Close() })
}

func TestFirstRun_CreatesProfile(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, langVI, dir)
	fr := newFirstRun(e.u)
	e.w.SetContent(fr.view())
	test.Type(fr.name, "Nguyễn Thị Minh")
	test.Type(fr.title, "Chuyên viên Văn phòng Chính phủ")
	fr.role.SetSelected("Thư ký")
	test.Type(fr.fields.pass, "ngắn")
	test.Tap(fr.create)
	if !fr.errMsg.Visible() || !strings.Contains(fr.errMsg.seg.Text, "8 ký tự") {
		t.Errorf("short passphrase: %q", fr.errMsg.seg.Text)
	}
	fr.fields.pass.SetText("một câu đủ dài để nhớ")
	fr.fields.again.SetText("một câu đủ dài để nhớ")
	test.Tap(fr.create)
	e.l.waitFor(t, "the main window", func() bool { return e.u.shell != nil })
	p := e.u.profile()
	t.Cleanup(func() { p.Close() })
	if self := p.Self(); self.Name != "Nguyễn Thị Minh" || self.Role != meetings.RoleSecretary {
		t.Errorf("created %+v", self)
	}
}

func TestLanguageSwitch_RebuildsInEnglish(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	s.show(scrSettings)
	st := s.screens[scrSettings].(*settingsScreen)
	st.language.SetSelected("English")
	if currentLang != langEN || e.test.Preferences().String(prefLanguage) != langEN {
		t.Fatalf("language %q, preference %q", currentLang, e.test.Preferences().String(prefLanguage))
	}
	if e.u.shell == s || e.u.shell.current != scrSettings {
		t.Fatal("the UI was not rebuilt on the settings screen")
	}
	if !e.hasText("Works on this computer only") {
		t.Error("the status bar is not in English")
	}
}

func TestFirstRun_ExploreSample(t *testing.T) {
	dir := t.TempDir()
	e := newEnv(t, langVI, dir)
	e.u.cfg.Passphrase = testPass
	fr := newFirstRun(e.u)
	e.w.SetContent(fr.view())
	test.Tap(fr.sample)
	e.l.waitFor(t, "the sample committee", func() bool { return e.u.shell != nil })
	p := e.u.profile()
	t.Cleanup(func() { p.Close() })
	if !p.IsSecretary() || len(p.Meetings()) == 0 || len(p.Ballots()) == 0 {
		t.Fatalf("sample profile: secretary %v, %d meetings, %d ballots", p.IsSecretary(), len(p.Meetings()), len(p.Ballots()))
	}
	ms := e.u.shell.screens[scrMeetings].(*meetingsScreen)
	if ms.list.Length() != len(p.Meetings()) {
		t.Errorf("the list shows %d meetings, the profile has %d", ms.list.Length(), len(p.Meetings()))
	}
}

func TestAttendance_QuorumFollowsTheChecks(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	d := sixthSession(t, s).detail
	// when the secretary starts the session, three weeks before its day
	// (which is asked first, and confirmed)
	test.Tap(e.button("Bắt đầu phiên họp"))
	if d.m.Status != meetings.StatusPublished || e.u.lastConfirm == nil {
		t.Fatal("starting a session before its day should ask first")
	}
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the session to start", func() bool { return d.m.Status == meetings.StatusInSession })
	if d.quorum.head.seg.Text != "Chưa đủ số lượng: 0/7, cần 5" {
		t.Errorf("quorum %q at the start", d.quorum.head.seg.Text)
	}
	// and records five members present
	d.tabs.SelectIndex(1)
	for i := range 5 {
		if err := p.SetAttendance(d.id, d.voters[i].ID, true); err != nil {
			t.Fatal(err)
		}
	}
	// then the quorum is reached, as the attendance tab says
	e.l.waitFor(t, "the quorum", func() bool { return d.quorum.head.seg.Text == "Đủ số lượng: 5/7, cần 5" })
	if d.quorum.kind != chipSuccess {
		t.Errorf("quorum banner kind %v, want success", d.quorum.kind)
	}
	// and closing asks first
	test.Tap(e.button("Kết thúc phiên họp"))
	if d.m.Status != meetings.StatusInSession {
		t.Fatal("closed without confirmation")
	}
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the session to close", func() bool { return d.m.Status == meetings.StatusClosed })
}

func TestNewMeeting_ValidatesThenCreatesAndOpens(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	before := len(p.Meetings())
	ms.newItem() // Ctrl+N on the meetings screen
	f := e.u.form
	title := f.form.Items[0].Widget.(*keyEntry)
	date := f.form.Items[1].Widget.(*keyEntry)
	// an empty title is refused with the domain's translated message
	test.Tap(f.save)
	if want := errorText(&meetings.Error{Code: "err.meeting.title_required"}); f.errText.seg.Text != want || strings.Contains(want, "err.") {
		t.Errorf("error %q, want %q", f.errText.seg.Text, want)
	}
	// a date that does not exist is refused too
	test.Type(title, "Phiên họp thứ bảy Ban Chỉ đạo")
	date.SetText("31/02/2023")
	test.Tap(f.save)
	if !strings.Contains(f.errText.seg.Text, "ngày/tháng/năm") {
		t.Errorf("error %q, want the date format explained", f.errText.seg.Text)
	}
	date.SetText("15/09/2023")
	test.Tap(f.save)
	e.l.waitFor(t, "the new meeting", func() bool { return len(p.Meetings()) == before+1 })
	e.l.waitFor(t, "the new meeting opened", func() bool { return ms.detail.m.Title == "Phiên họp thứ bảy Ban Chỉ đạo" })
	if got := fmtDateTime(ms.detail.m.Start); got != "Thứ Sáu, 15/09/2023 · 08:00" {
		t.Errorf("start %q", got)
	}
}

func TestMembers_AddAndRemove(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	s.show(scrMembers)
	ms := s.screens[scrMembers].(*membersScreen)
	before := len(ms.shown)
	test.Tap(ms.newBtn)
	f := e.u.form
	test.Type(f.form.Items[0].Widget.(*keyEntry), "Đại diện Bộ Kế hoạch và Đầu tư")
	test.Type(f.form.Items[1].Widget.(*keyEntry), "Thành viên Ban Chỉ đạo")
	test.Tap(f.save)
	e.l.waitFor(t, "the new member", func() bool { return len(ms.shown) == before+1 })
	var added meetings.Member
	for _, m := range ms.shown {
		if m.Name == "Đại diện Bộ Kế hoạch và Đầu tư" {
			added = m
		}
	}
	if added.Role != meetings.RoleMember {
		t.Fatalf("added %+v, want a member", added)
	}
	ms.remove(added)
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the removal", func() bool { return len(ms.shown) == before })
}

// A closed ballot's header says "closed" once: the status chip, with no
// countdown chip repeating it.
func TestBallotDetail_ClosedSaysItOnce(t *testing.T) {
	p := secretaryProfile(t)
	e := newEnv(t, langVI, "")
	s := e.open(p)
	var closed string
	for _, b := range p.Ballots() {
		if b.Status == ballots.StatusClosed {
			closed = b.ID
		}
	}
	if closed == "" {
		t.Fatal("the fixture has no closed ballot")
	}
	d := openBallot(t, s, closed).detail
	if !d.status.Visible() || d.status.text != "Đã đóng" {
		t.Errorf("status chip %q (visible %v), want \"Đã đóng\"", d.status.text, d.status.Visible())
	}
	if d.left.Visible() {
		t.Errorf("a countdown chip %q repeats the status", d.left.text)
	}
}

// A tired secretary pastes a very long comment: the confirmation previews
// it and keeps its buttons in the window, the whole comment is saved, and
// the scan row shows its words beside the button, not an ellipsis.
func TestSecretary_LongCommentIsPreviewedAndSavedWhole(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	b := fixtureOpenBallot(t, p)
	f := openBallot(t, s, b.ID).detail.answer
	if got := f.scanName.Size().Width; got < fyne.MeasureText(f.scanName.seg.Text, theme.CaptionTextSize(), fyne.TextStyle{}).Width {
		t.Errorf("the scan row's words get %v px, fewer than they need", got)
	}
	chair, _ := meetings.Chair(p.Members())
	long := strings.Repeat("Ý kiến rất dài. ", 140)
	f.member.SetSelected(chair.Name)
	f.options.SetSelected("Đồng ý")
	f.comment.SetText(long)
	test.Tap(f.submit)
	quoted, ok := e.find(func(o fyneObject) bool {
		l, ok := o.(*line)
		return ok && strings.HasPrefix(l.seg.Text, "“Ý kiến")
	}).(*line)
	if !ok {
		t.Fatal("the confirmation does not quote the comment")
	}
	if n := len([]rune(quoted.seg.Text)); n > commentPreviewRunes+3 || !strings.HasSuffix(quoted.seg.Text, "…”") {
		t.Errorf("the confirmation quotes %d characters (%q…), want a preview", n, quoted.seg.Text[:20])
	}
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the recorded answer", func() bool { return f.saved.Visible() })
	_, answers, err := p.Tally(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := ballots.Effective(answers)[chair.ID].Comment; got != strings.TrimSpace(long) && got != long {
		t.Errorf("saved comment has %d bytes, want the whole %d", len(got), len(long))
	}
}
