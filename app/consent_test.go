package app

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// meetingByTitle is the profile's meeting whose title contains title.
func meetingByTitle(t *testing.T, p *core.Profile, title string) meetings.Meeting {
	t.Helper()
	for _, m := range p.Meetings() {
		if strings.Contains(m.Title, title) {
			return m
		}
	}
	t.Fatalf("no meeting %q", title)
	return meetings.Meeting{}
}

// showConsent opens the consent tab of the sixth session and waits for its
// summary.
func showConsent(t *testing.T, e *env, s *shell) *meetingDetail {
	t.Helper()
	d := sixthSession(t, s).detail
	found := false
	for _, it := range d.tabs.Items {
		found = found || it == d.consentTab
	}
	if !found || d.consentTab.Text != "Ý kiến trước phiên họp" {
		t.Fatalf("the published meeting has no consent tab (%q)", d.consentTab.Text)
	}
	d.tabs.Select(d.consentTab)
	e.l.waitFor(t, "the consent summary", func() bool { return d.consent.loaded })
	return d
}

func TestConsent_MemberMarksAnItem(t *testing.T) {
	c := memberCommittee(t)
	e := newEnv(t, langVI, "")
	s := e.open(c.member)
	d := showConsent(t, e, s)
	if d.consent.adopt.Visible() {
		t.Error("a member should not see the adopt button")
	}
	// the first row's three-way choice
	o := e.find(func(o fyne.CanvasObject) bool { _, ok := o.(*widget.RadioGroup); return ok })
	if o == nil {
		t.Fatal("no consent choice shown to the member")
	}
	rg := o.(*widget.RadioGroup)
	if strings.Join(rg.Options, "|") != "Không có ý kiến khác|Xin phát biểu|Phản đối" {
		t.Fatalf("options %q", rg.Options)
	}
	rg.SetSelected("Xin phát biểu")
	first := d.m.Agenda[0].ID
	e.l.settle(e.u)
	if d.consent.mine[first] != meetings.ConsentSpeak {
		t.Fatalf("the pane shows marks %v", d.consent.mine)
	}
	_, mine, err := c.member.ConsentSummary(d.id)
	if err != nil || mine[first] != meetings.ConsentSpeak {
		t.Fatalf("member's marks %v, %v", mine, err)
	}
}

func TestConsent_SecretaryAdoptsTheBlock(t *testing.T) {
	c := memberCommittee(t)
	sixth := meetingByTitle(t, c.member, "thứ sáu")
	first := sixth.Agenda[0].ID
	if err := c.member.MarkConsent(sixth.ID, first, meetings.ConsentSpeak); err != nil {
		t.Fatal(err)
	}
	if err := c.member.MarkConsent(sixth.ID, sixth.Agenda[1].ID, meetings.ConsentNoObjection); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.member)
	replicatest.Sync(t, c.sec)
	if err := c.sec.MarkConsent(sixth.ID, first, meetings.ConsentObject); err == nil {
		t.Error("the secretary should not be able to mark")
	}

	e := newEnv(t, langVI, "")
	s := e.open(c.sec)
	d := showConsent(t, e, s)
	if got := d.consent.tallies[first]; got.Speak != 1 || got.Adoptable {
		t.Fatalf("first item tally %+v", got)
	}
	if got := d.consent.tallies[sixth.Agenda[1].ID]; got.NoObjection != 1 || !got.Adoptable {
		t.Fatalf("second item tally %+v", got)
	}
	if !e.hasText("Có thể thông qua") || !e.hasText("Xin phát biểu 1") {
		t.Error("the aggregate is not shown")
	}
	adopt := e.button("Thông qua các nội dung không có ý kiến")
	if adopt == nil || adopt.Disabled() {
		t.Fatal("no enabled adopt button")
	}
	test.Tap(adopt)
	if e.u.lastConfirm == nil {
		t.Fatal("adopting did not ask first")
	}
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the items adopted", func() bool {
		return len(d.m.Agenda) == 3 && !d.m.Agenda[0].Adopted && d.m.Agenda[1].Adopted && d.m.Agenda[2].Adopted
	})
	d.tabs.Select(d.agendaTab)
	e.l.drain()
	if !e.hasText("Đã thông qua") {
		t.Error("adopted items show no chip in the agenda")
	}
}

func TestQuickVote_NeedsQuorumThenOpensTheBallot(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	sixth := meetingByTitle(t, p, "thứ sáu")
	if err := p.SetMeetingStatus(sixth.ID, meetings.StatusInSession); err != nil {
		t.Fatal(err)
	}
	s := e.open(p)
	d := sixthSession(t, s).detail
	vote := e.button("Biểu quyết")
	if vote == nil {
		t.Fatal("no vote action in session")
	}
	test.Tap(vote)
	f := e.u.form
	if f == nil {
		t.Fatal("no vote form")
	}
	f.submit()
	want := errorText(meetings.ErrNoQuorum)
	e.l.waitFor(t, "the quorum refusal", func() bool { return f.errText.Visible() && f.errText.seg.Text == want })
	if strings.Contains(want, "err.") {
		t.Fatalf("untranslated error %q", want)
	}
	for i, v := range meetings.Voters(p.Members()) {
		if i == 5 {
			break
		}
		if err := p.SetAttendance(d.id, v.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	f.submit()
	bs := s.screens[scrBallots].(*ballotsScreen)
	e.l.waitFor(t, "the new ballot", func() bool { return s.current == scrBallots && bs.detail.id != "" })
	b, err := p.Ballot(bs.detail.id)
	if err != nil || b.MeetingID != d.id || b.AgendaItemID != sixth.Agenda[0].ID || len(b.Eligible) != 5 {
		t.Fatalf("ballot %+v, %v", b, err)
	}
}

var testPDF = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestReadScan(t *testing.T) {
	if b, err := readScan("phieu.PDF", bytes.NewReader(testPDF)); err != nil || !bytes.Equal(b, testPDF) {
		t.Errorf("pdf: %v", err)
	}
	var pr problem
	if _, err := readScan("phieu.txt", bytes.NewReader(testPDF)); !errors.As(err, &pr) {
		t.Errorf("txt accepted: %v", err)
	}
	if _, err := readScan("phieu.png", strings.NewReader("not a png")); !errors.As(err, &pr) {
		t.Errorf("bad content accepted: %v", err)
	}
	big := append([]byte("%PDF-1.4\n"), make([]byte, ops.MaxScan)...)
	_, err := readScan("lon.pdf", bytes.NewReader(big))
	if !errors.As(err, &pr) || !strings.Contains(err.Error(), "2 MB") || !strings.Contains(err.Error(), "lon.pdf") {
		t.Errorf("too large: %v", err)
	}
}

func TestSecretary_RecordsPaperAnswerWithScan(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	s := e.open(p)
	b := fixtureOpenBallot(t, p)
	bs := openBallot(t, s, b.ID)
	f := bs.detail.answer
	if !f.scanRow.Visible() || f.attach.Text != "Đính kèm bản quét" {
		t.Fatal("the paper form has no scan attachment")
	}
	chair, _ := meetings.Chair(p.Members())
	f.member.SetSelected(chair.Name)
	f.options.SetSelected("Đồng ý")
	f.setScan("phieu.pdf", testPDF)
	test.Tap(f.submit)
	e.u.lastConfirm.Confirm()
	e.l.waitFor(t, "the recorded answer", func() bool { return f.saved.Visible() })
	if f.scan != nil {
		t.Error("the scan stays attached after recording")
	}
	_, answers, err := p.Tally(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	a := ballots.Effective(answers)[chair.ID]
	if !a.Paper || len(a.ScanSHA256) == 0 {
		t.Fatalf("answer %+v is not a paper answer with a scan", a)
	}
	scan, err := p.AnswerScan(b.ID, a.ID)
	if err != nil || !bytes.Equal(scan, testPDF) {
		t.Fatalf("scan %q, %v", scan, err)
	}
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) > 0 })
	e.l.drain()
	if !e.hasText("Phiếu giấy") {
		t.Error("paper answers show no chip in the results")
	}
}

func TestExport_ClosedBallotResultsAsCSV(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	var closed ballots.Ballot
	for _, b := range p.Ballots() {
		if b.Status == ballots.StatusClosed {
			closed = b
		}
	}
	if closed.ID == "" {
		t.Fatal("the fixture has no closed ballot")
	}
	var buf bytes.Buffer
	if err := p.WriteBallotCSV(closed.ID, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 8 || rows[0][0] != "answer_id" || rows[0][9] != "paper" {
		t.Fatalf("csv %q", rows)
	}
	for _, r := range rows[1:] {
		if r[8] != "true" || r[9] != "true" || r[2] == r[1] {
			t.Errorf("row %q: want counted, paper, with the member's name", r)
		}
	}

	s := e.open(p)
	bs := openBallot(t, s, closed.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) > 0 })
	if b := e.button("Xuất kết quả"); b == nil {
		t.Error("no export button on a closed ballot")
	}
	open := fixtureOpenBallot(t, p)
	bs = openBallot(t, s, open.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) == len(open.Eligible) })
	if e.button("Xuất kết quả") != nil {
		t.Error("export offered on an open ballot")
	}
}
