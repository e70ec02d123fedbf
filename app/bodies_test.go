package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/sample"
)

// twoBodyProfile is the built-in sample (the Government and its steering
// committee) seen by the Government Office's secretary, on the fixed clock.
func twoBodyProfile(t testing.TB) (*core.Profile, string) {
	t.Helper()
	p, err := core.Create(t.TempDir(), testPass, meetings.Member{Name: sample.SecretaryName, Title: sample.SecretaryTitle, Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	p.SetClock(func() time.Time { return fixedNow })
	if err := sample.Load(p); err != nil {
		t.Fatal(err)
	}
	return p, p.Bodies()[1].ID
}

// formItem finds a form row by its label.
func formItem(t *testing.T, f *formDialog, label string) *widget.FormItem {
	t.Helper()
	for _, it := range f.form.Items {
		if it.Text == label {
			return it
		}
	}
	t.Fatalf("the form has no row %q", label)
	return nil
}

func hasFormItem(f *formDialog, label string) bool {
	for _, it := range f.form.Items {
		if it.Text == label {
			return true
		}
	}
	return false
}

func TestBodies_MergedListsNameEachRowsBodyAndFilter(t *testing.T) {
	e := newEnv(t, langVI, "")
	p, cmte := twoBodyProfile(t)
	s := e.open(p)
	s.show(scrMeetings)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	if !ms.bodies.sel.Visible() || len(ms.shown) != 5 {
		t.Fatalf("filter shown %v, %d meetings; want the filter and all 5", ms.bodies.sel.Visible(), len(ms.shown))
	}
	if !e.hasText(" · "+sample.CommitteeName) || !e.hasText(" · Chính phủ · Mật · ") {
		t.Error("the rows do not name their body (and the restricted one is not marked)")
	}
	tests := []struct {
		choice string
		want   int
	}{
		{sample.CommitteeName, 3},
		{sample.GovernmentName, 2},
		{"Tất cả cơ quan", 5},
	}
	for _, tt := range tests {
		ms.bodies.sel.SetSelected(tt.choice)
		if len(ms.shown) != tt.want {
			t.Errorf("meetings of %q: %d, want %d", tt.choice, len(ms.shown), tt.want)
		}
	}
	s.show(scrBallots)
	bs := s.screens[scrBallots].(*ballotsScreen)
	bs.bodies.sel.SetSelected(sample.CommitteeName)
	if len(bs.shown) != 2 {
		t.Errorf("committee ballots: %d, want 2", len(bs.shown))
	}
	for _, r := range bs.shown {
		if r.b.Body != cmte {
			t.Errorf("ballot %q of body %q under the committee filter", r.b.Title, r.b.Body)
		}
	}
	bs.bodies.sel.SetSelected(sample.GovernmentName)
	if len(bs.shown) != 1 {
		t.Errorf("Government ballots: %d, want 1", len(bs.shown))
	}
}

func TestBodies_NewMeetingPicksTheBodyItsParticipantsAndRestricted(t *testing.T) {
	e := newEnv(t, langVI, "")
	p, cmte := twoBodyProfile(t)
	s := e.open(p)
	s.show(scrMeetings)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	test.Tap(ms.newBtn)
	f := e.u.form
	if f == nil {
		t.Fatal("no form")
	}
	test.Type(f.form.Items[0].Widget.(*keyEntry), "Phiên họp Ban Chỉ đạo bất thường")
	// Without a body, the form says to choose one.
	test.Tap(f.save)
	if !f.errText.Visible() || !strings.Contains(f.errText.seg.Text, "chọn cơ quan") {
		t.Fatalf("no body chosen: %q", f.errText.seg.Text)
	}
	picker := formItem(t, f, "Cơ quan").Widget.(*widget.Select)
	group := e.find(func(o fyneObject) bool { _, ok := o.(*widget.CheckGroup); return ok }).(*widget.CheckGroup)
	picker.SetSelected(sample.CommitteeName)
	if n := len(group.Options); n != len(p.MembersOf(cmte)) {
		t.Fatalf("participants offered: %d, want the committee's %d members", n, len(p.MembersOf(cmte)))
	}
	for _, o := range group.Options {
		if o == "Trần Hồng Hà" {
			t.Fatal("a Government member who is not on the committee is offered")
		}
	}
	group.SetSelected([]string{"Phạm Minh Chính", "Phạm Thị Thanh Trà"})
	restricted := e.find(func(o fyneObject) bool { c, ok := o.(*widget.Check); return ok && strings.HasPrefix(c.Text, "Mật") }).(*widget.Check)
	restricted.SetChecked(true)
	test.Tap(f.save)
	var made meetings.Meeting
	e.l.waitFor(t, "the new meeting", func() bool {
		for _, m := range p.Meetings() {
			if m.Title == "Phiên họp Ban Chỉ đạo bất thường" {
				made = m
				return true
			}
		}
		return false
	})
	if made.Body != cmte || !made.Restricted || len(made.Participants) != 2 {
		t.Errorf("made %+v, want the committee's, restricted to 2", made)
	}
}

func TestBodies_OneBodyShowsNoBodies(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	s.show(scrMeetings)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	if ms.bodies.sel.Visible() {
		t.Error("a body filter with one body")
	}
	test.Tap(ms.newBtn)
	f := e.u.form
	if hasFormItem(f, "Cơ quan") {
		t.Error("a body picker with one body")
	}
	if !hasFormItem(f, "Thành phần") {
		t.Error("no participants in the meeting form")
	}
	f.d.Hide()
	s.show(scrMembers)
	if e.hasText(": Thành viên") || e.hasText("Chủ tọa ·") {
		t.Error("the members list names bodies with one body")
	}
}

func TestBodies_BallotFormPicksTheBody(t *testing.T) {
	e := newEnv(t, langVI, "")
	p, cmte := twoBodyProfile(t)
	s := e.open(p)
	s.show(scrBallots)
	bs := s.screens[scrBallots].(*ballotsScreen)
	test.Tap(bs.newBtn)
	f := e.u.form
	test.Type(f.form.Items[0].Widget.(*keyEntry), "Phiếu lấy ý kiến Ban Chỉ đạo")
	test.Type(f.form.Items[1].Widget.(*keyEntry), "Đồng ý thông qua?")
	formItem(t, f, "Cơ quan").Widget.(*widget.Select).SetSelected(sample.CommitteeName)
	test.Tap(f.save)
	e.l.waitFor(t, "the new ballot", func() bool {
		for _, b := range p.Ballots() {
			if b.Title == "Phiếu lấy ý kiến Ban Chỉ đạo" {
				if b.Body != cmte || len(b.Eligible) != 11 {
					t.Fatalf("ballot of %q for %d, want the committee's 11 voters", b.Body, len(b.Eligible))
				}
				return true
			}
		}
		return false
	})
}

func TestBodies_MemberFormEditsARolePerBody(t *testing.T) {
	e := newEnv(t, langEN, "")
	p, cmte := twoBodyProfile(t)
	s := e.open(p)
	s.show(scrMembers)
	msc := s.screens[scrMembers].(*membersScreen)
	var ha meetings.Member
	for _, m := range msc.all {
		if m.Name == "Trần Hồng Hà" {
			ha = m
		}
	}
	if !e.hasText("Chính phủ: Member") {
		t.Error("the members list does not name the bodies")
	}
	msc.edit(ha)
	f := e.u.form
	rows := formItem(t, f, "Bodies").Widget
	var sels []*widget.Select
	for _, o := range rows.(*fyne.Container).Objects {
		if sel, ok := o.(*widget.Select); ok {
			sels = append(sels, sel)
		}
	}
	if len(sels) != 2 || sels[0].Selected != "Member" || sels[1].Selected != "Not a member" {
		t.Fatalf("membership rows %d: %v", len(sels), sels)
	}
	sels[1].SetSelected("Chair")
	test.Tap(f.save)
	e.l.waitFor(t, "the membership", func() bool {
		m, _ := p.Member(ha.ID)
		r, _ := m.RoleIn(cmte)
		return r == meetings.RoleChair
	})
	m, _ := p.Member(ha.ID)
	if r, _ := m.RoleIn(meetings.MainBody); r != meetings.RoleMember || m.Role != meetings.RoleMember {
		t.Errorf("after the edit: %+v", m)
	}
}
