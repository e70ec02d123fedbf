package app

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
)

func TestSessionPapers_Text(t *testing.T) {
	pv := func(read papers.ReadState, offline, readable, recalled bool) core.PaperView {
		v := core.PaperView{Read: read, Offline: offline, Readable: readable}
		v.Recalled = recalled
		return v
	}
	for _, tc := range []struct {
		name string
		list []core.PaperView
		want string
	}{
		{"no papers: no line", nil, ""},
		{"all read and here", []core.PaperView{pv(papers.ReadCurrent, true, true, false)}, "1 tài liệu"},
		{"new, updated, not here", []core.PaperView{
			pv(papers.ReadUnread, false, true, false),
			pv(papers.ReadUpdated, true, true, false),
			pv(papers.ReadCurrent, true, true, false),
		}, "3 tài liệu · 1 mới · 1 đã cập nhật · 1 chưa tải về"},
		// a paper this device holds no key for is not "to download"
		{"not for this computer", []core.PaperView{pv(papers.ReadUnread, false, false, false)}, "1 tài liệu · 1 mới"},
		{"a recalled paper is left out", []core.PaperView{pv(papers.ReadUnread, false, true, true)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setLanguage(langVI)
			if got := countSessionPapers(tc.list).text(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	// The secretariat of the session's body is told about its members'
	// reading, not its own.
	for _, tc := range []struct {
		name string
		sp   sessionPapers
		want string
	}{
		{"members behind", sessionPapers{total: 3, unread: 3, updated: 1, tracked: true, notRead: 4}, "3 tài liệu · 4 thành viên chưa đọc hết"},
		{"everyone has read", sessionPapers{total: 2, unread: 2, tracked: true}, "2 tài liệu · mọi thành viên đã đọc"},
		{"and what is not here", sessionPapers{total: 1, notHere: 1, tracked: true, notRead: 1}, "1 tài liệu · 1 thành viên chưa đọc hết · 1 chưa tải về"},
	} {
		t.Run("secretariat: "+tc.name, func(t *testing.T) {
			setLanguage(langVI)
			if got := tc.sp.text(); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHome_NextSessionSaysWhereItsPapersStand(t *testing.T) {
	// given the secretariat with papers on the next session, one of them
	// never opened
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	fixturePapers(t, p)
	var sixth string
	for _, m := range p.Meetings() {
		if strings.Contains(m.Title, "thứ sáu") {
			sixth = m.ID
		}
	}
	list, err := p.Papers(core.PaperFilter{MeetingID: sixth})
	if err != nil || len(list) == 0 {
		t.Fatalf("the sixth session's papers: %v, %v", list, err)
	}
	want := countSessionPapers(list)
	if want.unread == 0 {
		t.Fatal("the fixture should leave a paper of the sixth session unread")
	}
	// The secretariat sees its members' reading: nobody has opened them.
	want.tracked, want.notRead = true, membersNotRead(p, list)
	if want.notRead == 0 {
		t.Fatal("no member on the sixth session's papers' lists")
	}
	// when the home opens
	e.open(p)
	row := e.homeRow(t, "thứ sáu")
	// then the session's line counts its papers and the members who have
	// not read them
	var got []string
	for _, o := range row.lines.Objects {
		if l, ok := o.(*line); ok {
			got = append(got, l.seg.Text)
		}
	}
	if len(got) != 3 || got[2] != want.text() || !strings.Contains(got[2], "chưa đọc hết") {
		t.Errorf("the session's line reads %q, want a third line %q", got, want.text())
	}
}

// TestNotifyPapers_EachVersionOnce: a paper new or updated for me is
// announced on the desktop once per version, many at once in one line; the
// papers I attached myself are no news to me.
func TestNotifyPapers_EachVersionOnce(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	fixturePapers(t, p)
	s := e.open(p)
	e.l.settle(e.u)
	if news := loadPaperNews(p, allPapers(t, p)); len(news) != 0 {
		t.Fatalf("the secretariat's own papers announced to it: %+v", news)
	}
	s.extras.paperNews = []paperNews{{id: "p1", title: "Tờ trình dự thảo Luật Đất đai", version: 1}}
	test.AssertNotificationSent(t, fyne.NewNotification("Tài liệu mới: Tờ trình dự thảo Luật Đất đai", "Xem ở màn hình Tài liệu (Ctrl+4)."), s.notifyPapers)
	test.AssertNotificationSent(t, nil, s.notifyPapers) // once
	s.extras.paperNews = []paperNews{{id: "p1", title: "Tờ trình dự thảo Luật Đất đai", version: 2, updated: true}}
	test.AssertNotificationSent(t, fyne.NewNotification("Tài liệu đã cập nhật: Tờ trình dự thảo Luật Đất đai", "Xem ở màn hình Tài liệu (Ctrl+4)."), s.notifyPapers)
	for i := range 5 {
		s.extras.paperNews = append(s.extras.paperNews, paperNews{id: "q" + strconv.Itoa(i), title: "T", version: 1})
	}
	test.AssertNotificationSent(t, fyne.NewNotification("eCabinet", "5 tài liệu mới hoặc đã cập nhật: xem màn hình Tài liệu."), s.notifyPapers)
}

func allPapers(t *testing.T, p *core.Profile) []core.PaperView {
	t.Helper()
	all, err := p.Papers(core.PaperFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return all
}
