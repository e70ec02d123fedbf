package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// The fixture's papers: one on an agenda item of each session and one on
// the open ballot, in Vietnamese.
const (
	paperReport  = "Báo cáo kết quả cải cách hành chính 6 tháng đầu năm 2023"
	paperLand    = "Dự thảo Luật Đất đai (sửa đổi)"
	paperPlan    = "Dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023"
	paperProgram = "Tờ trình về chương trình phiên họp"
)

// fixturePapers attaches the fixture's papers through the core, as the
// secretary: the report is read (opened), the land law is confidential and
// was replaced after it was read, the plan and the programme never opened.
// It returns their IDs by title.
func fixturePapers(t *testing.T, p *core.Profile) map[string]string {
	t.Helper()
	meeting := func(title string) meetings.Meeting {
		for _, m := range p.Meetings() {
			if strings.Contains(m.Title, title) {
				return m
			}
		}
		t.Fatalf("no meeting %q", title)
		return meetings.Meeting{}
	}
	fifth, sixth := meeting("thứ năm"), meeting("thứ sáu")
	ballot := fixtureOpenBallot(t, p)
	ids := map[string]string{}
	add := func(in core.PaperInput, pages int) string {
		t.Helper()
		in.FileName = in.Title + ".pdf"
		pp, err := p.AddPaper(in, bytes.NewReader(makeReaderPDF(t, readerPaper{pages: pages})))
		if err != nil {
			t.Fatalf("add %q: %v", in.Title, err)
		}
		ids[in.Title] = pp.ID
		return pp.ID
	}
	open := func(id string) {
		t.Helper()
		r, _, err := p.OpenPaper(id, 0)
		if err != nil {
			t.Fatal(err)
		}
		r.Close()
	}
	open(add(core.PaperInput{MeetingID: fifth.ID, ItemID: fifth.Agenda[1].ID, Title: paperReport}, 2))
	land := add(core.PaperInput{MeetingID: sixth.ID, ItemID: sixth.Agenda[1].ID, Title: paperLand, Confidential: true}, 1)
	open(land)
	if _, err := p.ReplacePaper(land, "luat-dat-dai-v2.pdf", bytes.NewReader(makeReaderPDF(t, readerPaper{pages: 2}))); err != nil {
		t.Fatal(err)
	}
	add(core.PaperInput{MeetingID: sixth.ID, ItemID: sixth.Agenda[0].ID, Title: paperProgram}, 3)
	add(core.PaperInput{BallotID: ballot.ID, Title: paperPlan}, 1)
	return ids
}

// papersScreen shows the Papers screen once its list is loaded.
func showPapers(t *testing.T, e *env, s *shell) *papersScreen {
	t.Helper()
	s.show(scrPapers)
	ps := s.screens[scrPapers].(*papersScreen)
	ps.load()
	e.l.settle(e.u)
	e.l.waitFor(t, "the papers", func() bool { return ps.loaded })
	return ps
}

// rowTitles is the Papers screen's rows as text: "# group" or the paper's
// title with its badges.
func rowTitles(ps *papersScreen) []string {
	var out []string
	for _, r := range ps.rows {
		if r.g != nil {
			out = append(out, "# "+r.g.title)
			continue
		}
		s := r.e.v.Title
		if r.e.v.Marking == papers.MarkingConfidential {
			s += " [mật]"
		}
		s += " [" + string(r.e.v.Read) + "]"
		if r.page >= 0 {
			s += " [page]"
		}
		out = append(out, s)
	}
	return out
}

func TestPapers_ListsGroupedWithBadges(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	fixturePapers(t, p)
	s := e.open(p)
	ps := showPapers(t, e, s)

	// The open ballot closes on 26 July, the sixth session is on 11
	// August (both to come, the sooner first), the fifth is over.
	want := []string{
		"# " + openTitle,
		paperPlan + " [unread]",
		"# " + sixthTitle,
		paperProgram + " [unread]",
		paperLand + " [mật] [updated]",
		"# " + fifthTitle,
		paperReport + " [read]",
	}
	if got := rowTitles(ps); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, text := range []string{"Mới", "Đã cập nhật", "Mật", "Có trên máy này", "2 phiên bản", "Phiên họp · 11/08/2023"} {
		if !e.hasText(text) {
			t.Errorf("the screen does not say %q", text)
		}
	}
	// The badges are on the right rows.
	for i, r := range ps.rows {
		if r.e == nil {
			continue
		}
		it := newPaperItem(nil)
		ps.updateRow(i, it)
		read := ""
		if it.read.Visible() {
			read = it.read.text
		}
		wantRead := map[papers.ReadState]string{papers.ReadUnread: "Mới", papers.ReadUpdated: "Đã cập nhật", papers.ReadCurrent: ""}[r.e.v.Read]
		if read != wantRead {
			t.Errorf("%q shows %q, want %q", r.e.v.Title, read, wantRead)
		}
		if it.marking.Visible() != (r.e.v.Marking == papers.MarkingConfidential) {
			t.Errorf("%q: the Mật chip shown is %v", r.e.v.Title, it.marking.Visible())
		}
	}
}

func TestPapers_EmptyState(t *testing.T) {
	e := newEnv(t, langVI, "")
	s := e.open(secretaryProfile(t))
	ps := showPapers(t, e, s)
	if len(ps.rows) != 0 || !e.hasText("Chưa có tài liệu nào") {
		t.Fatalf("rows %v; the empty screen does not say there are none", rowTitles(ps))
	}
}

func TestPapers_SearchWithoutDiacritics(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	fixturePapers(t, p)
	s := e.open(p)
	ps := showPapers(t, e, s)
	// The text of the papers on this computer is searched too, once
	// indexed (1+2+2+3 pages): "đất đai" is in the land law's title and on
	// page 3 of the programme, whose title does not say it.
	e.l.waitFor(t, "the text index", func() bool { return ps.index.ix.Len() >= 1+2+2+3 && !ps.index.busy() })

	for _, tc := range []struct{ query, want string }{
		{"dat dai", "# " + sixthTitle + "\n" + paperProgram + " [unread] [page]\n" + paperLand + " [mật] [updated]"},
		{"DỰ THẢO kế", "# " + openTitle + "\n" + paperPlan + " [unread]"},
		{"khong co dau", ""},
	} {
		ps.search.SetText(tc.query)
		if got := strings.Join(rowTitles(ps), "\n"); got != tc.want {
			t.Errorf("%q finds:\n%s\nwant:\n%s", tc.query, got, tc.want)
		}
	}
	if !ps.note.root.Visible() || !e.hasText("Không có kết quả nào khớp") {
		t.Error("a search that finds nothing does not say so")
	}

	// "bất động sản" is on page 3 of the programme only.
	ps.search.SetText("bat dong san")
	want := "# " + sixthTitle + "\n" + paperProgram + " [unread] [page]"
	if got := strings.Join(rowTitles(ps), "\n"); got != want {
		t.Fatalf("the text search finds:\n%s\nwant:\n%s", got, want)
	}
	if !e.hasText("tìm thấy ở trang 3") {
		t.Error("the row does not say on which page the text is")
	}
}

// writePDF writes a generated paper to a file, as a secretary's disk holds
// one.
func writePDF(t *testing.T, name string, pages int) fyne.URI {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, makeReaderPDF(t, readerPaper{pages: pages}), 0o600); err != nil {
		t.Fatal(err)
	}
	return storage.NewFileURI(path)
}

// meetingPapers opens the sixth session's Papers tab.
func meetingPapers(t *testing.T, e *env, s *shell) *paperPane {
	t.Helper()
	ms := sixthSession(t, s)
	ms.detail.tabs.Select(ms.detail.papersTab)
	pp := ms.detail.papers
	e.l.settle(e.u)
	return pp
}

func TestPapers_DropAttachesToTheChosenAgendaItem(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	pp := meetingPapers(t, e, s)
	if !e.hasText("Chưa có tài liệu") {
		t.Error("the empty tab does not say so")
	}

	// when two files are dropped on the window with item 2 chosen
	pp.itemSel.SetSelectedIndex(1)
	s.dropped([]fyne.URI{writePDF(t, "Báo cáo đánh giá.pdf", 2), writePDF(t, "Phụ lục.pdf", 1)})
	e.l.waitFor(t, "the papers attached", func() bool { return len(pp.shown) == 2 })

	m, _ := p.Meeting(pp.meetingID)
	for _, x := range pp.shown {
		if x.v.Owner.AgendaItemID != m.Agenda[1].ID {
			t.Errorf("%q went to item %s, want item 2", x.v.Title, x.v.Owner.AgendaItemID)
		}
		if cur, _ := x.v.CurrentVersion(); cur.MediaType != papers.MediaTypePDF || !x.v.Offline {
			t.Errorf("%q: %s, offline %v", x.v.Title, cur.MediaType, x.v.Offline)
		}
	}
	if !e.hasText("Tài liệu (2)") {
		t.Error("the tab does not count the papers")
	}
	// then the Papers screen lists them under the meeting
	ps := showPapers(t, e, s)
	want := []string{"# " + sixthTitle, "Báo cáo đánh giá [unread]", "Phụ lục [unread]"}
	if got := rowTitles(ps); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows %q, want %q", got, want)
	}

	// A drop elsewhere says where papers go, and attaches nothing.
	s.dropped([]fyne.URI{writePDF(t, "Khác.pdf", 1)})
	e.l.settle(e.u)
	if !e.hasText("Hãy mở một phiên họp") {
		t.Error("a drop on the Papers screen does not say where to drop")
	}
}

func TestPapers_AttachFormSetsMarkingAndList(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	pp := meetingPapers(t, e, s)

	// The form the file dialog opens: a confidential paper for two members.
	f := pp.attachForm(writePDF(t, "Tờ trình.pdf", 1))
	if where := f.form.Items[0].Widget.(*widget.Label).Text; !strings.HasPrefix(where, "1. ") {
		t.Errorf("the form says the paper is for %q, want the item chosen", where)
	}
	f.form.Items[1].Widget.(*keyEntry).SetText("Tờ trình về cắt giảm quy định kinh doanh")
	f.form.Items[2].Widget.(interface{ SetSelected(string) }).SetSelected("Mật")
	box := f.form.Items[3].Widget.(*fyne.Container)
	box.Objects[0].(interface{ SetSelected(string) }).SetSelected("Chỉ những thành viên được chọn")
	who := findCheckGroup(box)
	who.SetSelected([]string{"Phạm Minh Chính", "Phạm Thị Thanh Trà"})
	f.submit()
	e.l.waitFor(t, "the paper attached", func() bool { return len(pp.shown) == 1 })

	got := pp.shown[0].v
	if got.Title != "Tờ trình về cắt giảm quy định kinh doanh" || got.Marking != papers.MarkingConfidential {
		t.Errorf("attached %q marked %s", got.Title, got.Marking)
	}
	if got.Distribution.Rule != papers.RuleNamed || len(got.Distribution.Members) != 2 {
		t.Errorf("distribution %+v, want the two members chosen", got.Distribution)
	}
	rec, _ := p.PaperRecipients(got.ID)
	if len(rec) != 3 { // the two and the secretary
		t.Errorf("recipients %v, want the two members and the secretariat", rec)
	}

	// A file that is not what its name says is refused, translated, and
	// nothing is attached.
	bad := filepath.Join(t.TempDir(), "giả.pdf")
	if err := os.WriteFile(bad, []byte("đây không phải là một tệp PDF"), 0o600); err != nil {
		t.Fatal(err)
	}
	f = pp.attachForm(storage.NewFileURI(bad))
	f.submit()
	e.l.settle(e.u)
	if !f.errText.Visible() || strings.Contains(f.errText.seg.Text, "err.") {
		t.Errorf("the refusal reads %q", f.errText.seg.Text)
	}
	if ps, _ := p.Papers(core.PaperFilter{}); len(ps) != 1 {
		t.Errorf("%d papers after a refused file, want 1", len(ps))
	}
}

func findCheckGroup(o fyne.CanvasObject) interface{ SetSelected([]string) } {
	var found interface{ SetSelected([]string) }
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if g, ok := o.(interface{ SetSelected([]string) }); ok && found == nil {
			found = g
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
		}
		if sc, ok := o.(*container.Scroll); ok {
			walk(sc.Content)
		}
	}
	walk(o)
	return found
}

func TestPapers_OpenThenReplaceShowsUpdated(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	pp := meetingPapers(t, e, s)
	s.dropped([]fyne.URI{writePDF(t, "Báo cáo tiến độ.pdf", 1)})
	e.l.waitFor(t, "the paper attached", func() bool { return len(pp.shown) == 1 })
	id := pp.shown[0].v.ID

	// when the member opens it from the Papers screen (Enter on the list)
	ps := showPapers(t, e, s)
	var opened *reader
	ps.opened = func(r *reader) { opened = r }
	e.w.Canvas().Focus(ps.list)
	ps.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // past the header
	ps.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	e.l.waitFor(t, "the reader", func() bool { return opened != nil })
	t.Cleanup(func() { opened.opt.Win.Close(); e.l.settle(e.u) })
	if opened.src.Title != "Báo cáo tiến độ" || opened.src.Size != pp.shown[0].v.Versions[0].Size() {
		t.Errorf("the reader has %q, %d bytes", opened.src.Title, opened.src.Size)
	}
	e.l.waitFor(t, "the badge to clear", func() bool {
		return len(ps.rows) == 2 && ps.rows[1].e.v.Read == papers.ReadCurrent
	})

	// and the secretariat replaces it
	pp.replaceURI(id, writePDF(t, "Báo cáo tiến độ (sửa).pdf", 2))
	e.l.waitFor(t, "the new version", func() bool {
		return len(ps.rows) == 2 && len(ps.rows[1].e.v.Versions) == 2
	})
	// then it shows as updated since it was read
	if got := ps.rows[1].e.v.Read; got != papers.ReadUpdated {
		t.Fatalf("read state %s after a new version, want updated", got)
	}
	if !e.hasText("Đã cập nhật") || !e.hasText("2 phiên bản") {
		t.Error("the list does not show the paper as updated")
	}
}

func TestPapers_RecallAsksThenRemoves(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	pp := meetingPapers(t, e, s)
	s.dropped([]fyne.URI{writePDF(t, "Phụ lục.pdf", 1)})
	e.l.waitFor(t, "the paper attached", func() bool { return len(pp.shown) == 1 })
	paper := pp.shown[0].v.Paper

	// Cancelling keeps it.
	d := pp.recall(paper)
	if !e.hasText("lần đồng bộ tiếp theo") {
		t.Error("the confirmation does not say it leaves members' computers at their next sync")
	}
	d.Dismiss()
	e.l.settle(e.u)
	if got, _ := p.Paper(paper.ID); got.Recalled {
		t.Fatal("cancelling recalled the paper")
	}

	// Confirming recalls it: it leaves the tab and the Papers screen.
	pp.recall(paper)
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the paper to go", func() bool { return len(pp.shown) == 0 })
	if got, _ := p.Paper(paper.ID); !got.Recalled {
		t.Fatal("the paper is not recalled")
	}
	if ps := showPapers(t, e, s); len(ps.rows) != 0 {
		t.Errorf("the Papers screen still lists %v", rowTitles(ps))
	}
}

func TestPapers_BallotTabAttaches(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	b := fixtureOpenBallot(t, p)
	bs := openBallot(t, s, b.ID)
	bs.detail.tabs.SelectIndex(2)
	e.l.settle(e.u)
	s.dropped([]fyne.URI{writePDF(t, "Dự thảo Kế hoạch.pdf", 1)})
	pp := bs.detail.papers
	e.l.waitFor(t, "the paper attached", func() bool { return len(pp.shown) == 1 })
	if got := pp.shown[0].v.Owner.BallotID; got != b.ID {
		t.Fatalf("attached to ballot %q, want %q", got, b.ID)
	}
}

func TestGolden_Papers(t *testing.T) {
	for _, code := range []string{langVI, langEN} {
		t.Run(code, func(t *testing.T) {
			e := newEnv(t, code, "")
			p := secretaryProfile(t)
			fixturePapers(t, p)
			s := e.open(p)
			ps := showPapers(t, e, s)
			e.l.waitFor(t, "the text index", func() bool { return !ps.index.busy() })
			test.AssertImageMatches(t, code+"/papers.png", e.shot())
		})
	}
}

// memberDownload fetches the papers a member may see from the hub.
func memberDownload(t *testing.T, p *core.Profile) {
	t.Helper()
	c, err := replica.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := replica.NewDownloader(p, c).RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A member's device, through a real hub: a paper arrives "not downloaded
// yet", is on the computer after the download, "new" until opened, and
// "updated" once the secretariat replaces it.
func TestPapers_MemberSeesNewThenUpdated(t *testing.T) {
	c := memberCommittee(t)
	replicatest.Sync(t, c.sec) // learns the member's device, to give it the key
	pp, err := c.sec.AddPaper(core.PaperInput{BallotID: c.ballot.ID, Title: "Đề án số hóa hồ sơ thủ tục hành chính", FileName: "de-an.pdf"},
		bytes.NewReader(makeReaderPDF(t, readerPaper{pages: 1})))
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)

	e := newEnv(t, langVI, "")
	s := e.open(c.member)
	ps := showPapers(t, e, s)
	row := func() *paperEntry {
		t.Helper()
		if len(ps.rows) != 2 || ps.rows[1].e == nil || ps.rows[1].e.v.ID != pp.ID {
			t.Fatalf("rows %v, want the ballot's paper", rowTitles(ps))
		}
		return ps.rows[1].e
	}
	if r := row(); r.v.Offline || !e.hasText("Chưa tải về") {
		t.Errorf("before the download: offline %v", r.v.Offline)
	}

	memberDownload(t, c.member)
	ps.load()
	e.l.waitFor(t, "the paper on this computer", func() bool { return len(ps.rows) == 2 && ps.rows[1].e.v.Offline })
	if r := row(); r.v.Read != papers.ReadUnread || !e.hasText("Mới") || !e.hasText("Có trên máy này") {
		t.Errorf("after the download: %s", r.v.Read)
	}
	r, _, err := c.member.OpenPaper(pp.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.Close()

	if _, err := c.sec.ReplacePaper(pp.ID, "de-an-v2.pdf", bytes.NewReader(makeReaderPDF(t, readerPaper{pages: 2}))); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec)
	replicatest.Sync(t, c.member)
	memberDownload(t, c.member)
	e.l.settle(e.u)
	ps.load()
	e.l.waitFor(t, "the new version", func() bool {
		return len(ps.rows) == 2 && len(ps.rows[1].e.v.Versions) == 2 && ps.rows[1].e.v.Offline
	})
	if r := row(); r.v.Read != papers.ReadUpdated || !e.hasText("Đã cập nhật") {
		t.Errorf("after the new version: %s", r.v.Read)
	}
	// The member has no secretariat's steps.
	if e.button("Đính kèm tài liệu") != nil {
		t.Error("a member is offered to attach papers")
	}
}
