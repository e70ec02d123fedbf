package app

import (
	"image"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/meetings"
)

// key types a key as the window would: to the focused widget, else to the
// canvas.
func (e *env) key(name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := e.w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := e.w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// ctrl types Ctrl (Cmd on macOS) with a key.
func (e *env) ctrl(k fyne.KeyName) {
	e.w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault})
}

func TestKeys_TabReachesEveryRailEntryAndEnterOpensIt(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	// given the usable entries of the rail
	want := map[*navItem]screenID{}
	for _, id := range s.keyed {
		want[s.nav[id]] = id
	}
	// when Tab is pressed until the focus comes round again
	reached := map[*navItem]bool{}
	c := e.w.Canvas()
	for range 200 {
		test.FocusNext(c)
		if n, ok := c.Focused().(*navItem); ok {
			if n.disabled {
				t.Errorf("Tab stopped on the disabled entry %q", n.label)
			}
			reached[n] = true
		}
	}
	// then every entry had the keyboard once
	for n := range want {
		if !reached[n] {
			t.Errorf("Tab never reaches %q", n.label)
		}
	}
	// and Enter on "Opinion ballots" opens it, Space on "Home" too
	c.Focus(s.nav[scrBallots])
	e.key(fyne.KeyReturn)
	if s.current != scrBallots {
		t.Errorf("Enter on the ballots entry shows screen %d", s.current)
	}
	c.Focus(s.nav[scrHome])
	e.key(fyne.KeySpace)
	if s.current != scrHome {
		t.Errorf("Space on the home entry shows screen %d", s.current)
	}
}

func TestKeys_ShortcutForEveryScreen(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	order := []screenID{scrHome, scrMeetings, scrBallots, scrPapers, scrMembers, scrSettings, scrAudit, scrDevices, scrStats}
	if len(s.keyed) != len(order) {
		t.Fatalf("%d screens have a shortcut, want %d", len(s.keyed), len(order))
	}
	keys := []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7, fyne.Key8, fyne.Key9}
	for i, want := range order {
		e.ctrl(keys[i])
		if s.current != want {
			t.Errorf("Ctrl+%s shows screen %d, want %d", keys[i], s.current, want)
		}
	}
	// and from inside a search field too
	s.show(scrMeetings)
	ms := s.screens[scrMeetings].(*meetingsScreen)
	e.w.Canvas().Focus(ms.search)
	ms.search.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierShortcutDefault})
	if s.current != scrHome {
		t.Errorf("Ctrl+1 in the search field shows screen %d", s.current)
	}
}

func TestKeys_EscClosesDialogsAndF1OpensHelp(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			s := e.open(secretaryProfile(t))
			over := func() int { return len(e.w.Canvas().Overlays().List()) }
			// (the home behind the help is drawn once its answer counts are in)
			h := s.screens[scrHome].(*homeScreen)
			e.l.waitFor(t, "the responses", func() bool { return len(h.model.tracking) == 1 && h.model.tracking[0].known })
			// F1 opens the help in the user's language, naming the screens' shortcuts
			e.key(fyne.KeyF1)
			if over() != 1 {
				t.Fatalf("F1 shows %d overlays, want the help", over())
			}
			helpWord := map[string]string{langVI: "Trợ giúp", langEN: "Help"}[code]
			if !e.hasText(helpWord) || !e.hasText("Ctrl+6") {
				t.Errorf("the help does not say %q with Ctrl+6", helpWord)
			}
			if code == langVI {
				test.AssertImageMatches(t, "vi/help.png", e.overlayShot())
			}
			// Esc closes it
			e.key(fyne.KeyEscape)
			if over() != 0 {
				t.Fatal("Esc left the help open")
			}
			// a form whose text field has the keyboard closes with Esc too
			s.show(scrMeetings)
			e.ctrl(fyne.KeyN)
			if over() != 1 || e.u.form == nil {
				t.Fatal("Ctrl+N on the meetings screen shows no form")
			}
			if _, ok := e.w.Canvas().Focused().(*keyEntry); !ok {
				t.Fatalf("the form's first field does not have the keyboard: %T", e.w.Canvas().Focused())
			}
			e.key(fyne.KeyEscape)
			if over() != 0 {
				t.Error("Esc in the form's field left the form open")
			}
			if n := len(e.p.Meetings()); n != 3 {
				t.Errorf("%d meetings after Esc, want the 3 there were", n)
			}
			// a dialog whose button has the keyboard (Tab put it there)
			// closes with Esc too: the button does not keep the key
			c := e.w.Canvas()
			e.key(fyne.KeyF1)
			c.FocusNext()
			if _, ok := c.Focused().(*keyButton); !ok {
				t.Fatalf("Tab in the help gives the keyboard to %T, want its Close button", c.Focused())
			}
			e.key(fyne.KeyEscape)
			if over() != 0 {
				t.Error("Esc with the help's Close button focused left the help open")
			}
			confirmed := false
			e.u.confirm("Xóa mục này?", "Không thể hoàn tác.", "Xóa", true, func() { confirmed = true })
			c.FocusNext()
			c.FocusNext() // from Cancel to the button that confirms
			if b, ok := c.Focused().(*keyButton); !ok || b.Text != "Xóa" {
				t.Fatalf("Tab twice in the confirmation gives the keyboard to %T, want its confirm button", c.Focused())
			}
			e.key(fyne.KeyEscape)
			if over() != 0 || confirmed {
				t.Errorf("Esc on the focused confirm button: %d overlays, confirmed %v; want it closed, not confirmed", over(), confirmed)
			}
			// the invitation dialog's own buttons too
			s.showInvite(nil)
			for range 5 {
				if _, ok := c.Focused().(*keyButton); ok {
					break
				}
				c.FocusNext()
			}
			if _, ok := c.Focused().(*keyButton); !ok || over() != 1 {
				t.Fatalf("Tab in the invitation reaches %T (%d overlays), want one of its buttons", c.Focused(), over())
			}
			e.key(fyne.KeyEscape)
			if over() != 0 {
				t.Error("Esc on the invitation's focused button left it open")
			}
			// and Space on it still confirms
			e.u.confirm("Xóa mục này?", "Không thể hoàn tác.", "Xóa", true, func() { confirmed = true })
			c.FocusNext()
			c.FocusNext()
			e.key(fyne.KeySpace)
			if !confirmed || over() != 0 {
				t.Errorf("Space on the confirm button: confirmed %v, %d overlays", confirmed, over())
			}
		})
	}
}

func TestKeys_SyncNowOfflineSaysSo(t *testing.T) {
	for _, tc := range []struct {
		name string
		st   syncState
		want string
	}{
		{"not enrolled", syncState{Known: true}, "Máy này chưa kết nối với máy chủ"},
		{"offline", syncState{Known: true, Enrolled: true}, "Ngoại tuyến: chưa kết nối được máy chủ"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, langVI, "")
			e.open(secretaryProfile(t))
			e.u.setSync(tc.st)
			e.ctrl(fyne.KeyS)
			if got := e.u.shell.status.state.seg.Text; len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
				t.Errorf("the status bar says %q, want %q…", got, tc.want)
			}
		})
	}
}

func TestSafety_PublishingAnEmptyAgendaAsksFirst(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	// given the draft session with nothing on its agenda
	d := openMeeting(t, s, "chuyên đề").detail
	if len(d.m.Agenda) != 0 || d.m.Status != meetings.StatusDraft {
		t.Fatalf("the fixture's special session: %d items, %s", len(d.m.Agenda), d.m.Status)
	}
	// when the secretary publishes it, the app asks first
	test.Tap(e.button("Công bố"))
	if e.u.lastConfirm == nil || !e.hasText("chưa có nội dung nào") {
		t.Fatal("publishing an empty agenda should ask first, saying why")
	}
	if d.m.Status != meetings.StatusDraft {
		t.Fatal("the session was published before the answer")
	}
	// and Esc (no) leaves it a draft
	e.key(fyne.KeyEscape)
	e.l.settle(e.u)
	if m, _ := p.Meeting(d.id); m.Status != meetings.StatusDraft {
		t.Errorf("after Esc the session is %s, want a draft", m.Status)
	}
	// yes publishes it
	test.Tap(e.button("Công bố"))
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the session to be published", func() bool { return d.m.Status == meetings.StatusPublished })
}

// overlayShot is shot with the dialogs laid out again too (wrapped text in
// them learns its height once it knows its width, as on screen).
func (e *env) overlayShot() image.Image {
	for range 2 {
		for _, o := range e.w.Canvas().Overlays().List() {
			o.Refresh()
		}
	}
	return e.shot()
}

func TestEmptyStates_ListsAndSearches(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	// a search that finds nothing says so, on each list
	ms := s.screens[scrMeetings].(*meetingsScreen)
	s.show(scrMeetings)
	ms.search.SetText("không tồn tại")
	if !ms.note.root.Visible() || !e.hasText("Không có kết quả nào khớp «không tồn tại»") {
		t.Error("the meetings list says nothing when the search finds nothing")
	}
	ms.search.SetText("")
	if ms.note.root.Visible() {
		t.Error("the note stays over a list with rows")
	}
	bs := s.screens[scrBallots].(*ballotsScreen)
	s.show(scrBallots)
	bs.setFilter(filterAwaiting) // the secretariat is asked nothing
	if !e.hasText("Không có phiếu nào trong mục «Chờ tôi trả lời»") {
		t.Error("an empty filter of the ballots says nothing")
	}
	mb := s.screens[scrMembers].(*membersScreen)
	s.show(scrMembers)
	mb.search.SetText("zzz")
	if !e.hasText("Không có kết quả nào khớp «zzz»") {
		t.Error("the members list says nothing when the search finds nothing")
	}
}

// TestKeys_TabLeavesEveryTextField: the desktop driver hands Tab to a
// focused widget that accepts it (fyne.Tabbable) and moves the focus
// otherwise; the app's fields, of one line or several, never keep it.
func TestKeys_TabLeavesEveryTextField(t *testing.T) {
	test.NewTempApp(t)
	for _, e := range []*keyEntry{newEntry(), newMultiLineEntry()} {
		var tab fyne.Tabbable = e
		if tab.AcceptsTab() {
			t.Errorf("a field (multi-line %v) keeps Tab: Tab would type into it instead of moving on", e.MultiLine)
		}
	}
}
