package app

import (
	"strings"
	"testing"

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
	// when the home opens
	e.open(p)
	row := e.homeRow(t, "thứ sáu")
	// then the session's line counts its papers and the new ones
	var got []string
	for _, o := range row.lines.Objects {
		if l, ok := o.(*line); ok {
			got = append(got, l.seg.Text)
		}
	}
	if len(got) != 3 || got[2] != want.text() || !strings.Contains(got[2], "mới") {
		t.Errorf("the session's line reads %q, want a third line %q", got, want.text())
	}
}
