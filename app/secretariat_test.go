package app

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// fakeOffice is an in-memory hubOffice (our own interface) for golden
// images, whose device IDs and sync times must not move; the real hub's
// office is tested in TestDevices_RealHub.
type fakeOffice struct {
	mu      sync.Mutex
	devs    []replica.DeviceRow
	revoked []string
	invited []string
	inv     replica.Invitation
}

func (f *fakeOffice) Invite(_ context.Context, member string, ttl time.Duration) (replica.Invitation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invited = append(f.invited, member)
	return f.inv, nil
}

func (f *fakeOffice) HubDevices(context.Context) ([]replica.DeviceRow, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]replica.DeviceRow(nil), f.devs...), nil
}

func (f *fakeOffice) RevokeDevice(_ context.Context, dev string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked = append(f.revoked, dev)
	for i := range f.devs {
		if f.devs[i].ID == dev {
			f.devs[i].Revoked = true
		}
	}
	return nil
}

func (f *fakeOffice) Close() {}

// useOffice makes the screens reach o instead of a hub.
func useOffice(t *testing.T, o hubOffice) {
	t.Helper()
	prev := setOpenOffice(func(*core.Profile) (hubOffice, error) { return o, nil })
	t.Cleanup(func() { setOpenOffice(prev) })
}

// memberID is the fixture member whose name starts with name.
func memberID(t *testing.T, p *core.Profile, name string) meetings.Member {
	t.Helper()
	for _, m := range p.Members() {
		if strings.HasPrefix(m.Name, name) {
			return m
		}
	}
	t.Fatalf("no member %q", name)
	return meetings.Member{}
}

// officeFixture is the committee's devices as the hub lists them: the
// chair's laptop in use and an old one revoked, a deputy prime minister's
// not synced for nine days, a minister's never synced.
func officeFixture(t *testing.T, p *core.Profile) *fakeOffice {
	chinh, quang, tra := memberID(t, p, "Phạm Minh"), memberID(t, p, "Trần Lưu"), memberID(t, p, "Phạm Thị")
	row := func(id string, m meetings.Member, last time.Time, app string, revoked bool) replica.DeviceRow {
		return replica.DeviceRow{ID: id, Member: m.ID, Name: m.Name, Role: string(m.Role), LastSync: last, App: app, Revoked: revoked}
	}
	return &fakeOffice{
		devs: []replica.DeviceRow{
			row("k7q2m4x9w3", chinh, fixedNow.Add(-25*time.Minute), "1.4.0", false),
			row("a1b2c3d4e5", chinh, fixedNow.AddDate(0, -2, 0), "1.2.1", true),
			row("p9r8s7t6u5", quang, fixedNow.Add(-9*24*time.Hour), "1.3.2", false),
			row("z5y4x3w2v1", tra, time.Time{}, "", false),
		},
		inv: replica.Invitation{Hub: "https://hub.vpcp.gov.vn:8443", Code: "n3k5q7r2m4x6w8z1.b4c6d8f2g3h5j7k9",
			Fingerprint: "7F3A 91C2 44DE 0B6F 5A18 C3E9 2D07 B8F4", Member: quang.Name, Expires: fixedNow.Add(24 * time.Hour)},
	}
}

func TestGolden_DevicesAndRevoke(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			o := officeFixture(t, p)
			useOffice(t, o)
			s := e.open(p)
			e.ctrl(fyne.Key8) // the devices' shortcut
			ds := s.screens[scrDevices].(*devicesScreen)
			if s.current != scrDevices {
				t.Fatalf("Ctrl+8 shows screen %d", s.current)
			}
			e.l.waitFor(t, "the devices", func() bool { return ds.loaded })
			test.AssertImageMatches(t, code+"/devices.png", e.shot())

			// every voter is listed: with their devices, or with none
			want := map[string]int{"Phạm Minh Chính": 2, "Trần Lưu Quang": 1, "Phạm Thị Thanh Trà": 1, "Trần Việt Trường": 1}
			got := map[string]int{}
			for _, r := range ds.rows {
				got[r.m.Name]++
			}
			for name, n := range want {
				if got[name] != n {
					t.Errorf("%s has %d rows, want %d (%v)", name, got[name], n, ds.rows)
				}
			}
			// when the secretary revokes the deputy prime minister's device
			var quang deviceLine
			for _, r := range ds.rows {
				if r.dev != nil && r.dev.ID == "p9r8s7t6u5" {
					quang = r
				}
			}
			ds.confirmRevoke(quang.m, *quang.dev)
			// the confirmation names the member and the device
			if !e.hasText("Trần Lưu Quang") || !e.hasText("P9R8-S7T6") {
				t.Fatal("the confirmation does not name the member and the device")
			}
			test.AssertImageMatches(t, code+"/devices_revoke.png", e.shotDialog(e.u.lastConfirm))
			e.u.lastConfirm.Confirm()
			e.l.waitFor(t, "the revocation", func() bool {
				for _, r := range ds.rows {
					if r.dev != nil && r.dev.ID == "p9r8s7t6u5" {
						return r.dev.Revoked
					}
				}
				return false
			})
			if len(o.revoked) != 1 || o.revoked[0] != "p9r8s7t6u5" {
				t.Fatalf("revoked %v", o.revoked)
			}
		})
	}
}

func TestGolden_InviteWithQRCode(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			o := officeFixture(t, p)
			useOffice(t, o)
			s := e.open(p)
			s.show(scrDevices)
			ds := s.screens[scrDevices].(*devicesScreen)
			e.l.waitFor(t, "the devices", func() bool { return ds.loaded })
			// Ctrl+N on the devices screen opens the invitation
			e.ctrl(fyne.KeyN)
			id := s.invite
			if id == nil {
				t.Fatal("Ctrl+N opened no invitation")
			}
			// the whole committee is listed inside the dialog: its buttons
			// stay in the window on a 1366×768 laptop's (the list scrolls)
			e.w.Resize(defaultWindow)
			e.shotDialog(id.d)
			if pos, ok := inWindow(e, id.create); !ok || len(id.who.Options) < 8 {
				t.Errorf("with %d members listed, the dialog's button is at %v, outside the %v window", len(id.who.Options), pos, e.w.Canvas().Size())
			}
			e.w.Resize(fyne.NewSize(testWindowWidth, testWindowHeight))
			// creating it with no member chosen says what is missing
			test.Tap(id.create)
			if !id.errMsg.Visible() {
				t.Fatal("no member chosen, and nothing said")
			}
			// the list says who already has a device in use (the chair:
			// one in use, one revoked; a minister: none)
			hasDevice := map[string]string{langVI: " · đã có 1 thiết bị", langEN: " · 1 device in use"}[code]
			for _, o := range id.who.Options {
				switch {
				case strings.HasPrefix(o, "Phạm Minh Chính") && !strings.HasSuffix(o, hasDevice):
					t.Errorf("the chair's entry %q does not end with %q", o, hasDevice)
				case strings.HasPrefix(o, "Trần Việt Trường") && strings.Contains(o, " · "):
					t.Errorf("a member with no device is listed as %q", o)
				}
			}
			for i, o := range id.who.Options {
				if strings.HasPrefix(o, "Trần Lưu Quang") {
					id.who.SetSelectedIndex(i)
				}
			}
			test.Tap(id.create)
			e.l.waitFor(t, "the invitation", func() bool { return id.qr != nil })
			// the list is read again behind it (a new invitation changes nothing there yet)
			e.l.waitFor(t, "the list read again", func() bool { return !ds.reload.Disabled() })
			if len(o.invited) != 1 || o.invited[0] != memberID(t, p, "Trần Lưu").ID {
				t.Fatalf("invited %v", o.invited)
			}
			test.AssertImageMatches(t, code+"/invite.png", e.shotDialog(id.d))
			// the text to hand over is copied as a whole, and the join screen reads it
			test.Tap(id.copy)
			text := e.test.Clipboard().Content()
			if text != o.inv.Text() || !strings.Contains(text, o.inv.Fingerprint) {
				t.Fatalf("copied %q", text)
			}
			// Esc closes the dialog
			e.key(fyne.KeyEscape)
			if n := len(e.w.Canvas().Overlays().List()); n != 0 {
				t.Fatalf("%d overlays after Esc", n)
			}
		})
	}
}

func TestJoin_AcceptsTheInvitationText(t *testing.T) {
	e := newEnv(t, langVI, t.TempDir())
	j := newJoinScreen(e.u, func() {})
	e.w.SetContent(j.view())
	inv := replica.Invitation{Hub: "https://hub.vpcp.gov.vn:8443", Code: "n3k5q7r2m4x6w8z1.b4c6d8f2g3h5j7k9", Fingerprint: "7F3A", Member: "Trần Lưu Quang", Expires: fixedNow}
	tests := []struct{ name, text string }{
		{"the whole text pasted into the code", inv.Text()},
		{"the link pasted into the address", inv.Link()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j.hub.SetText("")
			j.code.SetText("")
			if strings.HasPrefix(tc.text, "ecabinet:") {
				j.hub.SetText(tc.text)
			} else {
				j.code.SetText(tc.text)
			}
			if j.hub.Text != inv.Hub || j.code.Text != inv.Code {
				t.Fatalf("address %q, code %q", j.hub.Text, j.code.Text)
			}
		})
	}
	// a code typed by hand is left as typed
	j.hub.SetText("https://10.0.0.5:8443")
	j.code.SetText("n3k5")
	if j.hub.Text != "https://10.0.0.5:8443" || j.code.Text != "n3k5" {
		t.Fatalf("typed text changed: %q %q", j.hub.Text, j.code.Text)
	}
}

// TestDevices_RealHub runs the devices screen and the invitation against a
// hub over TLS on 127.0.0.1: the screen lists the member's device with its
// last sync, the invitation it makes enrolls a new computer, and a
// revocation shuts the member's device out.
func TestDevices_RealHub(t *testing.T) {
	c := memberCommittee(t)
	e := newEnv(t, langVI, "")
	s := e.open(c.sec)
	s.show(scrDevices)
	ds := s.screens[scrDevices].(*devicesScreen)
	e.l.waitFor(t, "the devices", func() bool { return ds.loaded })
	var mine *replica.DeviceRow
	for _, r := range ds.rows {
		if r.dev != nil && r.dev.ID == c.member.DeviceID() {
			mine = r.dev
		}
	}
	if mine == nil || mine.LastSync.IsZero() || mine.App == "" || ds.err != nil {
		t.Fatalf("the member's device is not listed with its last sync: %v (%v)", ds.rows, ds.err)
	}
	// invite the chair's computer, and join with what the dialog shows
	chair := memberID(t, c.sec, "Phạm Minh")
	s.showInvite(&chair)
	test.Tap(s.invite.create)
	e.l.waitFor(t, "the invitation", func() bool { return s.invite.qr != nil || s.invite.errMsg.Visible() })
	if s.invite.qr == nil {
		t.Fatalf("no invitation: %s", s.invite.errMsg.seg.Text)
	}
	// the chair's computer joins by pasting the invitation's text
	e2 := newEnv(t, langVI, filepath.Join(t.TempDir(), "chair"))
	j := newJoinScreen(e2.u, func() {})
	e2.w.SetContent(j.view())
	j.code.SetText(s.invite.inv.Text())
	j.fields.pass.SetText(string(testPass))
	j.fields.again.SetText(string(testPass))
	j.run()
	e2.l.waitFor(t, "the enrollment", func() bool { return j.finger != nil || j.errMsg.Visible() })
	if j.finger == nil {
		t.Fatalf("joining with the invitation failed: %s", j.errMsg.seg.Text)
	}
	t.Cleanup(func() { j.result.Profile.Close() })
	if j.result.Profile.Self().ID != chair.ID || !e2.hasText("Khớp với dấu vân tay trong lời mời") {
		t.Fatalf("the invitation enrolled %+v, and said nothing of its fingerprint", j.result.Profile.Self())
	}
	// revoke the member's device
	m := memberID(t, c.sec, "Nguyễn Văn Thành")
	ds.confirmRevoke(m, *mine)
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the revocation", func() bool { return replica.IsRevoked(c.hub.P, c.member.DeviceID()) })
	cl, _ := replica.NewClient(c.member)
	defer cl.Close()
	if _, err := cl.SyncOnce(context.Background(), nil); err == nil {
		t.Fatal("the revoked device still syncs")
	}
}

func TestBallots_ResponseTrackingFiltersRemindAndClose(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			s := e.open(p)
			b := fixtureOpenBallot(t, p)
			bs := openBallot(t, s, b.ID)
			e.l.waitFor(t, "the responses", func() bool {
				for _, r := range bs.all {
					if r.b.ID == b.ID {
						return r.responsesKnown
					}
				}
				return false
			})
			var row ballotRow
			for _, r := range bs.all {
				if r.b.ID == b.ID {
					row = r
				}
			}
			missing := len(b.Eligible) - row.answeredN
			if missing <= 0 {
				t.Fatalf("the fixture's open ballot has no answer missing: %d/%d", row.answeredN, len(b.Eligible))
			}
			text, _ := responseChip(row, bs.now)
			want := map[string]string{langVI: "đã trả lời", langEN: "answered"}[code]
			if !strings.Contains(text, want) || !strings.HasPrefix(text, strings.Split(text, "/")[0]) {
				t.Fatalf("row chip %q", text)
			}
			shown := func(f ballotFilter) []string {
				bs.setFilter(f)
				var ids []string
				for _, r := range bs.shown {
					ids = append(ids, r.b.ID)
				}
				return ids
			}
			// five days before the deadline: answers missing, not closing soon, not overdue
			if got := shown(filterMissing); len(got) != 1 || got[0] != b.ID {
				t.Errorf("answers missing: %v", got)
			}
			if got := shown(filterClosingSoon); len(got) != 0 {
				t.Errorf("closing soon five days ahead: %v", got)
			}
			if got := shown(filterOverdue); len(got) != 0 {
				t.Errorf("overdue before the deadline: %v", got)
			}
			test.AssertImageMatches(t, code+"/ballots_overdue_none.png", e.shot())
			// twelve hours before the deadline it is closing soon; past it, overdue
			bs.tick(b.Deadline.Add(-12 * time.Hour))
			if got := shown(filterClosingSoon); len(got) != 1 {
				t.Errorf("closing soon twelve hours ahead: %v", got)
			}
			bs.tick(b.Deadline.Add(time.Hour))
			if got := shown(filterOverdue); len(got) != 1 {
				t.Errorf("overdue an hour after the deadline: %v", got)
			}
			test.AssertImageMatches(t, code+"/ballots_overdue.png", e.shot())
			bs.tick(fixedNow)
			bs.setFilter(filterAll)
			bs.open(b.ID)

			// "remind" names who will be reminded
			bs.detail.remindMembers()
			e.l.waitFor(t, "the reminder form", func() bool { return e.u.form != nil && len(e.w.Canvas().Overlays().List()) > 0 })
			if !e.hasText(map[string]string{langVI: "Sẽ nhắc", langEN: "will be reminded"}[code]) {
				t.Fatal("the reminder does not say who will be reminded")
			}
			test.AssertImageMatches(t, code+"/remind.png", e.shotDialog(e.u.form.d))
			// sending it says who was reminded
			e.u.form.submit()
			sent := map[string]string{langVI: "Đã nhắc 2 thành viên", langEN: "2 members were reminded"}[code]
			e.l.waitFor(t, "the reminder's confirmation", func() bool { return e.hasText(sent) })
			for _, o := range e.w.Canvas().Overlays().List() {
				e.w.Canvas().Overlays().Remove(o)
			}
			// "close" warns how many have not answered
			bs.detail.closeBallot()
			e.l.waitFor(t, "the close confirmation", func() bool { return e.u.lastConfirm != nil })
			if !e.hasText(map[string]string{langVI: "thành viên chưa trả lời", langEN: "members have not answered"}[code]) {
				t.Fatal("closing does not warn who has not answered")
			}
			e.u.lastConfirm.Hide()
		})
	}
}

func TestIssueBallot_ChoosesWhoIsAsked(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	s.show(scrBallots)
	bs := s.screens[scrBallots].(*ballotsScreen)
	e.ctrl(fyne.KeyN)
	f := e.u.form
	if f == nil || bs.eligible == nil {
		t.Fatal("Ctrl+N opened no issue form")
	}
	voters := meetings.Voters(p.Members())
	if got := len(bs.eligible.chosen()); got != len(voters) {
		t.Fatalf("%d asked by default, want every voter (%d)", got, len(voters))
	}
	test.AssertImageMatches(t, "vi/ballot_issue_eligible.png", e.shotDialog(f.d))
	f.form.Items[0].Widget.(*keyEntry).SetText("Phiếu lấy ý kiến về Đề án vị trí việc làm")
	f.form.Items[1].Widget.(*keyEntry).SetText("Đồng chí có đồng ý thông qua Đề án không?")
	// none ticked is refused, with the reason
	test.Tap(e.button("Bỏ chọn"))
	test.Tap(f.save)
	if !f.errText.Visible() || !strings.Contains(f.errText.seg.Text, "ít nhất một thành viên") {
		t.Fatalf("nobody asked: %q", f.errText.seg.Text)
	}
	// the chair and two members only
	for i, c := range bs.eligible.checks {
		c.SetChecked(i < 3)
	}
	test.Tap(f.save)
	e.l.waitFor(t, "the ballot", func() bool { return len(e.w.Canvas().Overlays().List()) == 0 })
	var issued ballots.Ballot
	for _, b := range p.Ballots() {
		if strings.Contains(b.Title, "vị trí việc làm") {
			issued = b
		}
	}
	want := []string{voters[0].ID, voters[1].ID, voters[2].ID}
	if strings.Join(issued.Eligible, ",") != strings.Join(want, ",") {
		t.Fatalf("eligible %v, want %v", issued.Eligible, want)
	}
}

func TestMembers_ContactDetails(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	s.show(scrMembers)
	ms := s.screens[scrMembers].(*membersScreen)
	tra := memberID(t, p, "Phạm Thị")
	ms.edit(tra)
	f := e.u.form
	test.Type(ms.contact[0], "tra.ptt@moha")
	test.Tap(f.save)
	if !f.errText.Visible() || !strings.Contains(f.errText.seg.Text, "thư điện tử") {
		t.Fatalf("a bad address: %q", f.errText.seg.Text)
	}
	ms.contact[0].SetText("tra.ptt@moha.gov.vn")
	test.Type(ms.contact[1], "024 3824 0101")
	test.Tap(f.save)
	e.l.waitFor(t, "the member", func() bool { return len(e.w.Canvas().Overlays().List()) == 0 })
	got, _ := p.Member(tra.ID)
	if got.Email != "tra.ptt@moha.gov.vn" || got.Phone != "024 3824 0101" {
		t.Fatalf("saved %+v", got)
	}
	e.l.waitFor(t, "the row", func() bool { return e.hasText("tra.ptt@moha.gov.vn · 024 3824 0101") })
}

// pastYears adds two earlier years of the committee's work: sessions held
// and ballots closed, with answers recorded from paper.
func pastYears(t *testing.T, p *core.Profile) {
	t.Helper()
	voters := meetings.Voters(p.Members())
	for y, n := range map[int][2]int{2021: {6, 38}, 2022: {9, 61}} {
		now := time.Date(y, 3, 1, 9, 0, 0, 0, vnTime)
		p.SetClock(func() time.Time { return now })
		for i := range n[0] {
			m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: now.AddDate(0, 0, i)})
			if err != nil {
				t.Fatal(err)
			}
			for _, st := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession, meetings.StatusClosed} {
				if err := p.SetMeetingStatus(m.ID, st); err != nil {
					t.Fatal(err)
				}
			}
		}
		for i := range n[1] {
			b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: now.Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.RecordAnswerFor(b.ID, voters[i%len(voters)].ID, ballots.ChoiceAgree, ""); err != nil {
				t.Fatal(err)
			}
			if err := p.CloseBallot(b.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	p.SetClock(func() time.Time { return fixedNow })
}

func TestGolden_Statistics(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			pastYears(t, p)
			s := e.open(p)
			e.ctrl(fyne.Key9)
			ss := s.screens[scrStats].(*statsScreen)
			e.l.waitFor(t, "the figures", func() bool { return ss.loaded && !ss.loading })
			if got := ss.stats.Year(2022); got.Sessions != 9 || got.Ballots != 61 || got.PaperAnswers != 61 {
				t.Fatalf("2022: %+v", got)
			}
			if ss.year.Selected != "2023" || len(ss.chart.groups) != 3 {
				t.Fatalf("year %q, chart %v", ss.year.Selected, ss.chart.groups)
			}
			test.AssertImageMatches(t, code+"/stats.png", e.shot())
			// all years together
			ss.year.SetSelectedIndex(len(ss.year.Options) - 1)
			if got := ss.tiles[0].value.seg.Text; got != "16" {
				t.Fatalf("all years: %s sessions, want 16", got)
			}
		})
	}
}

func TestFmtCount(t *testing.T) {
	defer setLanguage(langVI)
	for _, tc := range []struct {
		code string
		n    int
		want string
	}{{langVI, 575000, "575.000"}, {langVI, 75, "75"}, {langEN, 1670, "1,670"}, {langEN, 0, "0"}} {
		setLanguage(tc.code)
		if got := fmtCount(tc.n); got != tc.want {
			t.Errorf("%s %d: %q, want %q", tc.code, tc.n, got, tc.want)
		}
	}
}

// sizedDialog is a dialog that can be sized to its content.
type sizedDialog interface {
	Resize(fyne.Size)
	MinSize() fyne.Size
	Refresh()
}

// shotDialog is shot with dialog d sized again to its content: a dialog
// learns the height of its wrapped text once it knows its width, which the
// real window's next frame does and the test canvas does not.
func (e *env) shotDialog(d sizedDialog) image.Image {
	for range 2 {
		d.Refresh()
		d.Resize(d.MinSize())
	}
	return e.shot()
}
