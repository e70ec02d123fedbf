package core_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/report"
)

// reportText is a saved document's text as pdftotext reads it, white space
// made single spaces.
func reportText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// TestReports_FromTheProfile: given a session held with a consent block
// and a named vote, and a ballot with answers, each document is saved from
// the profile and reads back with what the profile holds.
func TestReports_FromTheProfile(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	start := time.Date(2023, 7, 19, 1, 0, 0, 0, time.UTC) // 08:00 in Hà Nội
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: start, Place: "Trụ sở Chính phủ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Phát biểu khai mạc", Presenter: "Thủ tướng Chính phủ", Minutes: 10}); err != nil {
		t.Fatal(err)
	}
	rep, _ := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Báo cáo cải cách hành chính 6 tháng", Presenter: "Bộ Nội vụ", Minutes: 25})
	if err := p.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	inv := filepath.Join(dir, p.ReportFileName(report.KindInvitation, m.ID, report.Vietnamese))
	if err := p.SaveReport(report.KindInvitation, m.ID, report.Vietnamese, inv); err != nil {
		t.Fatal(err)
	}
	if got := filepath.Base(inv); got != "giay-moi-phien-hop-thu-nam-2023-07-19.pdf" {
		t.Errorf("file name %q", got)
	}
	text := reportText(t, inv)
	for _, w := range []string{"GIẤY MỜI", "08:00, Thứ Tư, ngày 19/07/2023", "Phạm Thị Thanh Trà, Bộ trưởng Bộ Nội vụ",
		"Phát biểu khai mạc", "08:10 – 08:35", "Nguyễn Thư Ký"} {
		if !strings.Contains(text, w) {
			t.Errorf("invitation lacks %q", w)
		}
	}

	// The session: the opening adopted without debate, a named vote on
	// the report.
	if err := p.SetMeetingStatus(m.ID, meetings.StatusInSession); err != nil {
		t.Fatal(err)
	}
	for _, mb := range ms[:2] {
		if err := p.SetAttendance(m.ID, mb.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.SetAttendance(m.ID, p.Self().ID, true); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AdoptConsentBlock(m.ID); err != nil {
		t.Fatal(err)
	}
	vote, err := p.QuickVote(m.ID, rep.ID, "Thông qua báo cáo?", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordAnswerFor(vote.ID, ms[0].ID, ballots.ChoiceAgree, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordAnswerFor(vote.ID, ms[1].ID, ballots.ChoiceDisagree, ""); err != nil {
		t.Fatal(err)
	}
	minutes := filepath.Join(dir, "bien-ban.pdf")
	if err := p.SaveReport(report.KindMinutes, m.ID, report.Vietnamese, minutes); err != nil {
		t.Fatal(err)
	}
	text = reportText(t, minutes)
	for _, w := range []string{"BIÊN BẢN", "Chủ trì: Phạm Minh Chính, Thủ tướng Chính phủ.", "Số thành viên có mặt: 2/3 (cần 2).",
		"Thành viên vắng mặt (1): - Phạm Thị Thanh Trà", "Khách mời, thư ký: - Nguyễn Thư Ký",
		"Thông qua theo danh mục không thảo luận", "Biểu quyết: Thông qua báo cáo?", "Phạm Minh Chính, Thủ tướng Chính phủ Đồng ý",
		"Trần Lưu Quang, Phó Thủ tướng Không đồng ý", "Biểu quyết đang diễn ra."} {
		if !strings.Contains(text, w) {
			t.Errorf("minutes lack %q", w)
		}
	}

	// A ballot between sessions: one member answered with a comment.
	b, err := p.IssueBallot(core.BallotInput{Title: "Kế hoạch cải cách hành chính", Question: "Thông qua kế hoạch?", Deadline: start.Add(7 * 24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordPaperAnswer(b.ID, ms[2].ID, ballots.ChoiceOther, "Đề nghị bổ sung chỉ tiêu số hóa.", nil); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "tong-hop.pdf")
	if err := p.SaveReport(report.KindSummary, b.ID, report.English, summary); err != nil {
		t.Fatal(err)
	}
	text = reportText(t, summary)
	for _, w := range []string{"REPORT", "Thông qua kế hoạch?", "Phạm Thị Thanh Trà", "Đề nghị bổ sung chỉ tiêu số hóa.", "on paper",
		"Phạm Minh Chính, Thủ tướng Chính phủ", "Not yet verified by the hub"} {
		if !strings.Contains(text, w) {
			t.Errorf("summary lacks %q", w)
		}
	}
}

// TestSaveReport_LeavesNoPartialFile: an output that cannot be written is
// refused with a translated error and leaves nothing behind, and a
// document that cannot be made leaves the file already there alone.
func TestSaveReport_LeavesNoPartialFile(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
	}{
		{"missing folder", filepath.Join(dir, "no", "such", "folder", "giay-moi.pdf")},
		{"a folder in the way", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := p.SaveReport(report.KindInvitation, m.ID, report.Vietnamese, tt.path)
			if core.ErrorKey(err) != "err.report.write" {
				t.Fatalf("err = %v (key %q), want err.report.write", err, core.ErrorKey(err))
			}
			var de *meetings.Error
			if !errors.As(err, &de) || de.Args["path"] != tt.path {
				t.Errorf("the error does not name the path: %v", err)
			}
		})
	}
	left, _ := os.ReadDir(dir)
	if len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}

	existing := filepath.Join(dir, "bien-ban.pdf")
	os.WriteFile(existing, []byte("the old minutes"), 0o644)
	if err := p.SaveReport(report.KindMinutes, "no-such-meeting", report.Vietnamese, existing); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("err = %v, want not found", err)
	}
	if b, _ := os.ReadFile(existing); string(b) != "the old minutes" {
		t.Errorf("the existing file became %q", b)
	}
	// A meeting with no agenda makes a correct document.
	if err := p.SaveReport(report.KindMinutes, m.ID, report.Vietnamese, existing); err != nil {
		t.Fatal(err)
	}
	if text := reportText(t, existing); !strings.Contains(text, "Phiên họp không có nội dung trong chương trình.") {
		t.Errorf("minutes of a meeting with no agenda: %q", text)
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("files in the folder: %v, want just the minutes", left)
	}
}

// TestInvitation_ListsThePapersEveryParticipantReceives: given an agenda
// item with a paper for every participant, a confidential one, a paper
// sent to one named member and a recalled one, the invitation lists the
// first two under the item, the confidential one marked, and says
// nothing of the other two (a participant not on a list must not learn of
// the paper from the invitation).
func TestInvitation_ListsThePapersEveryParticipantReceives(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thường kỳ", Start: time.Date(2023, 7, 19, 1, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định về tổ chức bộ máy", Presenter: "Bộ Nội vụ", Minutes: 20})
	if err != nil {
		t.Fatal(err)
	}
	add := func(in core.PaperInput, salt string) string {
		t.Helper()
		in.MeetingID, in.ItemID, in.FileName = m.ID, it.ID, salt+".pdf"
		pp, err := p.AddPaper(in, bytes.NewReader(testPDF(t, 1, salt)))
		if err != nil {
			t.Fatal(err)
		}
		return pp.ID
	}
	add(core.PaperInput{Title: "Tờ trình số 12/TTr-BNV"}, "to-trinh")
	add(core.PaperInput{Title: "Phương án nhân sự", Confidential: true}, "nhan-su")
	add(core.PaperInput{Title: "Ý kiến riêng của Bộ Tư pháp", To: []string{ms[0].ID}}, "rieng")
	recalled := add(core.PaperInput{Title: "Bản dự thảo đã thu hồi"}, "thu-hoi")
	if err := p.RecallPaper(recalled); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		lang report.Lang
		want []string
	}{
		{report.Vietnamese, []string{"- Tờ trình số 12/TTr-BNV", "- Phương án nhân sự (Mật)"}},
		{report.English, []string{"- Tờ trình số 12/TTr-BNV", "- Phương án nhân sự (Confidential)"}},
	} {
		in, err := p.InvitationReport(m.ID, tt.lang)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, pp := range in.Agenda[0].Papers {
			got = append(got, pp.Title)
		}
		if len(got) != 2 {
			t.Errorf("%s: the item lists %q; want the two papers every participant receives", tt.lang, got)
		}
		path := filepath.Join(t.TempDir(), "giay-moi.pdf")
		if err := p.SaveReport(report.KindInvitation, m.ID, tt.lang, path); err != nil {
			t.Fatal(err)
		}
		text := reportText(t, path)
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: the invitation lacks %q in %q", tt.lang, w, text)
			}
		}
		for _, w := range []string{"Bộ Tư pháp", "thu hồi"} {
			if strings.Contains(text, w) {
				t.Errorf("%s: the invitation tells of a paper not for everyone: %q", tt.lang, w)
			}
		}
	}
}
