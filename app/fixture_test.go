package app

import (
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// The tests' committee, built through the core on a fixed clock so that
// golden images do not move: the Steering Committee for Administrative
// Reform around its fifth session (19 July 2023), with the Vietnamese text
// of the news report in shared/samples. The built-in sample committee
// (package sample) is exercised by the first-run test; the golden images
// use this fixture so that they change only when the screens do.

func at(day, month, hour, minute int) time.Time {
	return time.Date(2023, time.Month(month), day, hour, minute, 0, 0, vnTime)
}

type fixtureMember struct {
	key string
	meetings.Member
}

var fixtureCommittee = []fixtureMember{
	{"chinh", meetings.Member{Name: "Phạm Minh Chính", Title: "Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo", Role: meetings.RoleChair}},
	{"quang", meetings.Member{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng Chính phủ", Role: meetings.RoleMember}},
	{"tra", meetings.Member{Name: "Phạm Thị Thanh Trà", Title: "Bộ trưởng Bộ Nội vụ, Phó Trưởng ban thường trực", Role: meetings.RoleMember}},
	{"truong", meetings.Member{Name: "Trần Việt Trường", Title: "Chủ tịch UBND thành phố Cần Thơ", Role: meetings.RoleMember}},
	{"vpcp", meetings.Member{Name: "Đại diện Văn phòng Chính phủ", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{"btc", meetings.Member{Name: "Đại diện Bộ Tài chính", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{"btp", meetings.Member{Name: "Đại diện Bộ Tư pháp", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{"camau", meetings.Member{Name: "Đại diện UBND tỉnh Cà Mau", Title: "Khách mời, trình bày tham luận", Role: meetings.RoleGuest}},
}

type fixtureAnswer struct {
	key     string
	when    time.Time
	choice  ballots.Choice
	comment string
}

const (
	fifthTitle = "Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính của Chính phủ"
	sixthTitle = "Phiên họp thứ sáu Ban Chỉ đạo Cải cách hành chính của Chính phủ"
	govPlace   = "Trụ sở Chính phủ, Hà Nội"
	openTitle  = "Phiếu lấy ý kiến về Kế hoạch cải cách hành chính 6 tháng cuối năm 2023"
)

// buildCommittee fills a secretary's profile, its dates shifted by years
// (see memberProfile); the clock is left at fixedNow, shifted likewise.
func buildCommittee(t testing.TB, p *core.Profile, years int) {
	t.Helper()
	at := func(day, month, hour, minute int) time.Time { return at(day, month, hour, minute).AddDate(years, 0, 0) }
	clock := func(tm time.Time) { p.SetClock(func() time.Time { return tm }) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]string{}
	clock(at(1, 7, 9, 0))
	for _, m := range fixtureCommittee {
		added, err := p.AddMember(m.Member)
		must(err)
		ids[m.key] = added.ID
	}

	meeting := func(title string, start time.Time, items []meetings.AgendaItem) string {
		m, err := p.CreateMeeting(core.MeetingInput{Title: title, Start: start, Place: govPlace})
		must(err)
		for _, it := range items {
			_, err := p.AddAgendaItem(m.ID, it)
			must(err)
		}
		return m.ID
	}
	fifth := meeting(fifthTitle, at(19, 7, 8, 0), []meetings.AgendaItem{
		{Title: "Phát biểu khai mạc phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 10},
		{Title: "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023; phương hướng, nhiệm vụ 6 tháng cuối năm 2023", Presenter: "Bộ trưởng Bộ Nội vụ Phạm Thị Thanh Trà", Minutes: 25},
		{Title: "Tham luận: Kết quả giải quyết thủ tục hành chính trên Cổng Dịch vụ công quốc gia", Presenter: "Văn phòng Chính phủ", Minutes: 15},
		{Title: "Tham luận: Cải cách hành chính, chuyển đổi số tại thành phố Cần Thơ", Presenter: "Chủ tịch UBND thành phố Cần Thơ Trần Việt Trường", Minutes: 15},
		{Title: "Thảo luận, cho ý kiến về các giải pháp 6 tháng cuối năm 2023", Presenter: "Các thành viên Ban Chỉ đạo", Minutes: 40},
		{Title: "Kết luận phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 15},
	})
	clock(at(19, 7, 8, 0))
	must(p.SetMeetingStatus(fifth, meetings.StatusPublished))
	must(p.SetMeetingStatus(fifth, meetings.StatusInSession))
	for _, k := range []string{"chinh", "quang", "tra", "truong", "vpcp", "btc"} {
		must(p.SetAttendance(fifth, ids[k], true))
	}
	clock(at(19, 7, 11, 30))
	must(p.SetMeetingStatus(fifth, meetings.StatusClosed))

	clock(at(20, 7, 15, 0))
	sixth := meeting(sixthTitle, at(11, 8, 8, 0), []meetings.AgendaItem{
		{Title: "Báo cáo tiến độ thực hiện Kế hoạch cải cách hành chính 6 tháng cuối năm 2023", Presenter: "Bộ Nội vụ", Minutes: 20},
		{Title: "Đánh giá việc cắt giảm, đơn giản hóa quy định liên quan đến hoạt động kinh doanh", Presenter: "Văn phòng Chính phủ", Minutes: 20},
		{Title: "Thảo luận và kết luận", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 30},
	})
	must(p.SetMeetingStatus(sixth, meetings.StatusPublished))
	meeting("Phiên họp chuyên đề về cải cách thủ tục hành chính", at(5, 9, 8, 0), nil)

	ballot := func(issued time.Time, title, question string, deadline time.Time, answers []fixtureAnswer) string {
		clock(issued)
		b, err := p.IssueBallot(core.BallotInput{Title: title, Question: question, MeetingID: fifth, Deadline: deadline})
		must(err)
		for _, a := range answers {
			clock(a.when)
			_, err := p.RecordAnswerFor(b.ID, ids[a.key], a.choice, a.comment)
			must(err)
		}
		return b.ID
	}
	closed := ballot(at(10, 7, 9, 0), "Phiếu lấy ý kiến về dự thảo Chương trình Phiên họp thứ năm",
		"Văn phòng Chính phủ gửi dự thảo Chương trình Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính của Chính phủ. Đề nghị đồng chí cho biết ý kiến.",
		at(14, 7, 17, 0), []fixtureAnswer{
			{"chinh", at(11, 7, 9, 0), ballots.ChoiceAgree, ""},
			{"quang", at(11, 7, 10, 0), ballots.ChoiceAgree, ""},
			{"tra", at(11, 7, 14, 0), ballots.ChoiceAgree, "Nhất trí."},
			{"truong", at(12, 7, 8, 30), ballots.ChoiceAgree, ""},
			{"vpcp", at(12, 7, 9, 0), ballots.ChoiceAgree, ""},
			{"btc", at(13, 7, 15, 0), ballots.ChoiceOther, "Đề nghị bổ sung nội dung về kinh phí số hóa."},
			{"btp", at(14, 7, 10, 0), ballots.ChoiceAgree, ""},
		})
	clock(at(15, 7, 8, 30))
	must(p.CloseBallot(closed))

	ballot(at(20, 7, 9, 0), openTitle,
		"Thực hiện kết luận của Thủ tướng Chính phủ tại Phiên họp thứ năm, Bộ Nội vụ trình dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023, tập trung đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và nâng cao tỷ lệ sử dụng dịch vụ công trực tuyến toàn trình. Đề nghị đồng chí cho biết ý kiến: đồng chí có đồng ý thông qua dự thảo Kế hoạch không?",
		at(26, 7, 17, 0), []fixtureAnswer{
			{"quang", at(20, 7, 10, 15), ballots.ChoiceAgree, "Nhất trí với dự thảo Kế hoạch."},
			{"tra", at(20, 7, 14, 30), ballots.ChoiceAgree, "Nhất trí. Bộ Nội vụ sẽ tiếp thu ý kiến của các thành viên để hoàn thiện Kế hoạch."},
			{"btc", at(20, 7, 16, 5), ballots.ChoiceOther, "Đề nghị làm rõ nguồn kinh phí bảo đảm thực hiện các nhiệm vụ số hóa."},
			{"vpcp", at(21, 7, 8, 20), ballots.ChoiceAgree, "Đồng ý; đề nghị bổ sung chỉ tiêu số hóa hồ sơ, kết quả giải quyết thủ tục hành chính."},
			{"btp", at(21, 7, 8, 45), ballots.ChoiceDisagree, "Chưa nhất trí với thời hạn hoàn thành rà soát văn bản; đề nghị lùi đến hết quý IV."},
		})
	clock(fixedNow.AddDate(years, 0, 0))
}
