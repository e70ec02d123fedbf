package app

import (
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// TestProfiles_ChooseUnlockSwitchAndAdd: two people share a computer.
// The unlock screen offers both profiles; choosing one and unlocking opens
// that one; Settings closes it and offers the choice again; "another
// person's profile" leads to a fresh folder's welcome, which leads back.
func TestProfiles_ChooseUnlockSwitchAndAdd(t *testing.T) {
	root := t.TempDir()
	dirA, dirB := filepath.Join(root, "a"), filepath.Join(root, "b")
	for dir, name := range map[string]string{dirA: "Trần Lưu Quang", dirB: "Phạm Thị Thanh Trà"} {
		p, err := core.Create(dir, testPass, meetings.Member{Name: name, Role: meetings.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		p.Close()
	}
	e := newEnv(t, langEN, dirA)
	prefs := e.u.app.Preferences()
	rememberProfile(prefs, dirB, "Phạm Thị Thanh Trà")
	rememberProfile(prefs, dirA, "Trần Lưu Quang")
	if got := knownProfiles(prefs); len(got) != 2 || got[0].Dir != dirA {
		t.Fatalf("known profiles %+v, want a then b", got)
	}

	e.u.start()
	pick := e.profileSelect()
	wantA := knownProfile{Dir: dirA, Label: "Trần Lưu Quang"}.chooserText()
	if pick == nil || len(pick.Options) != 2 || pick.Selected != wantA {
		t.Fatalf("the unlock screen's chooser: %+v", pick)
	}
	pick.SetSelectedIndex(1)
	if e.u.dir != dirB || !e.hasText(dirB) {
		t.Fatalf("after choosing b: dir %q", e.u.dir)
	}
	pass := e.find(func(o fyne.CanvasObject) bool { x, ok := o.(*widget.Entry); return ok && x.Password }).(*widget.Entry)
	test.Type(pass, string(testPass))
	pass.OnSubmitted(pass.Text)
	e.l.waitFor(t, "b's shell", func() bool { return e.u.shell != nil })
	if got := e.u.profile().Self().Name; got != "Phạm Thị Thanh Trà" {
		t.Fatalf("opened %q", got)
	}
	if got := knownProfiles(prefs); got[0].Dir != dirB || prefs.String(prefProfileDir) != dirB {
		t.Errorf("b was not remembered first: %+v", got)
	}

	// Settings → Switch profile: b is closed (it opens again) and the
	// chooser is back.
	e.u.switchProfile()
	e.l.waitFor(t, "the unlock screen", func() bool { return e.u.shell == nil && e.profileSelect() != nil })
	if e.u.profile() != nil {
		t.Fatal("the profile is still held after switching")
	}
	p, err := core.Open(dirB, testPass)
	if err != nil {
		t.Fatalf("b was left open: %v", err)
	}
	p.Close()

	// Another person's profile: a new folder beside, the welcome screen,
	// and from there the way back to the existing ones.
	e.button("Another person's profile on this computer…").OnTapped()
	if e.u.dir == dirA || e.u.dir == dirB || core.Exists(e.u.dir) || e.button("Create my profile") == nil {
		t.Fatalf("new profile: dir %q", e.u.dir)
	}
	back := e.profileSelect()
	if back == nil || back.Selected != "" {
		t.Fatalf("the welcome screen offers no way back: %+v", back)
	}
	back.SetSelectedIndex(0)
	if e.u.dir != dirB || e.button("Unlock") == nil {
		t.Errorf("back to b: dir %q", e.u.dir)
	}
}

// TestProfiles_NothingToChooseHidesTheChooser: one profile, nothing to
// choose; a vanished folder is forgotten.
func TestProfiles_NothingToChooseHidesTheChooser(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "only")
	p, err := core.Create(dir, testPass, meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	e := newEnv(t, langVI, dir)
	rememberProfile(e.u.app.Preferences(), filepath.Join(root, "gone"), "Đã xoá")
	rememberProfile(e.u.app.Preferences(), dir, "Thư ký")
	if got := knownProfiles(e.u.app.Preferences()); len(got) != 1 || got[0].Dir != dir {
		t.Fatalf("known %+v, want only the existing one", got)
	}
	e.u.start()
	if e.profileSelect() != nil {
		t.Error("a chooser with nothing else to choose")
	}
	if e.button("Hồ sơ của người khác trên máy này…") == nil {
		t.Error("no way to add another person's profile")
	}
}

func (e *env) profileSelect() *widget.Select {
	o := e.find(func(o fyne.CanvasObject) bool {
		s, ok := o.(*widget.Select)
		return ok && s.PlaceHolder == lang.X("profiles.pick", "Choose a profile")
	})
	if o == nil {
		return nil
	}
	return o.(*widget.Select)
}
