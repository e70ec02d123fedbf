// Package sample builds the built-in sample: two bodies served by one
// secretariat, the Government (Chính phủ, the main body) and its Steering
// Committee for Administrative Reform (Ban Chỉ đạo Cải cách hành chính của
// Chính phủ), with overlapping members. The committee is as reported for its
// fifth session on 19 July 2023, with that session's agenda, two upcoming
// sessions, and opinion ballots, one still open and one closed; the
// Government has a regular session coming, a restricted (mật) thematic
// session in preparation and an open ballot of its own.
//
// It works only through the application core, as a secretary would, so the
// sample is made of the same signed operations as real data. Names of people
// are those the news report gives; members the report does not name are
// designated by their office ("Đại diện Bộ Tài chính").
package sample

import (
	"errors"
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// SecretaryName and SecretaryTitle describe the member a sample profile
// belongs to: the Government Office's secretary, the organisation's
// secretariat, who keeps the members and prepares the sessions of both
// bodies.
const (
	SecretaryName  = "Thư ký Văn phòng Chính phủ"
	SecretaryTitle = "Vụ Tổng hợp, Văn phòng Chính phủ"
)

// The bodies' names. The Government is the main body, renamed; the
// committee is created.
const (
	GovernmentName = "Chính phủ"
	CommitteeName  = "Ban Chỉ đạo Cải cách hành chính của Chính phủ"
)

// Vietnam keeps UTC+7 all year, so a fixed zone is exact and needs no tzdata.
var vietnam = time.FixedZone("ICT", 7*60*60)

// Member keys: the sample refers to its members by these, not by the IDs
// the core assigns.
const (
	kChinh  = "chinh"
	kQuang  = "quang"
	kTra    = "tra"
	kTruong = "truong"
	kVPCP   = "vpcp"
	kBTC    = "btc"
	kBTP    = "btp"
	kNHNN   = "nhnn"
	kHaNoi  = "hanoi"
	kHCM    = "hcm"
	kDaNang = "danang"
	kCaMau  = "camau"
	kSec    = "sec"
	kHa     = "ha"
	kKhai   = "khai"
	kSon    = "son"
	kPhoc   = "phoc"
	kLong   = "long"
)

type person struct {
	key string
	meetings.Member
}

// inGovernment are the committee's members who are also members of the
// Government, with their role there: the Prime Minister chairs both, a
// Deputy Prime Minister and the Minister of Home Affairs sit on both.
var inGovernment = map[string]meetings.Role{kChinh: meetings.RoleChair, kQuang: meetings.RoleMember, kTra: meetings.RoleMember}

// committeeSecretary prepares the committee's sessions and is not the
// Government's secretary: a secretary of one body only.
var committeeSecretary = person{kSec, meetings.Member{Name: "Thư ký Ban Chỉ đạo", Title: "Vụ Cải cách hành chính, Bộ Nội vụ", Role: meetings.RoleSecretary}}

// government are the Government's members who are not on the committee
// (as in July 2023).
var government = []person{
	{kHa, meetings.Member{Name: "Trần Hồng Hà", Title: "Phó Thủ tướng Chính phủ", Role: meetings.RoleMember}},
	{kKhai, meetings.Member{Name: "Lê Minh Khái", Title: "Phó Thủ tướng Chính phủ", Role: meetings.RoleMember}},
	{kSon, meetings.Member{Name: "Trần Văn Sơn", Title: "Bộ trưởng, Chủ nhiệm Văn phòng Chính phủ", Role: meetings.RoleMember}},
	{kPhoc, meetings.Member{Name: "Hồ Đức Phớc", Title: "Bộ trưởng Bộ Tài chính", Role: meetings.RoleMember}},
	{kLong, meetings.Member{Name: "Lê Thành Long", Title: "Bộ trưởng Bộ Tư pháp", Role: meetings.RoleMember}},
}

// committee is the membership: the chair, ten members, and a guest.
var committee = []person{
	{kChinh, meetings.Member{Name: "Phạm Minh Chính", Title: "Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo", Role: meetings.RoleChair}},
	{kQuang, meetings.Member{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng Chính phủ", Role: meetings.RoleMember}},
	{kTra, meetings.Member{Name: "Phạm Thị Thanh Trà", Title: "Bộ trưởng Bộ Nội vụ, Phó Trưởng ban thường trực", Role: meetings.RoleMember}},
	{kTruong, meetings.Member{Name: "Trần Việt Trường", Title: "Chủ tịch UBND thành phố Cần Thơ", Role: meetings.RoleMember}},
	{kVPCP, meetings.Member{Name: "Đại diện Văn phòng Chính phủ", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kBTC, meetings.Member{Name: "Đại diện Bộ Tài chính", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kBTP, meetings.Member{Name: "Đại diện Bộ Tư pháp", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kNHNN, meetings.Member{Name: "Đại diện Ngân hàng Nhà nước Việt Nam", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kHaNoi, meetings.Member{Name: "Đại diện UBND thành phố Hà Nội", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kHCM, meetings.Member{Name: "Đại diện UBND Thành phố Hồ Chí Minh", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kDaNang, meetings.Member{Name: "Đại diện UBND thành phố Đà Nẵng", Title: "Thành viên Ban Chỉ đạo", Role: meetings.RoleMember}},
	{kCaMau, meetings.Member{Name: "Đại diện UBND tỉnh Cà Mau", Title: "Khách mời, trình bày tham luận", Role: meetings.RoleGuest}},
}

// The fifth session, as the report tells it.
const (
	fifthTitle = "Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính của Chính phủ"
	sixthTitle = "Phiên họp thứ sáu Ban Chỉ đạo Cải cách hành chính của Chính phủ"
	topicTitle = "Phiên họp chuyên đề về cải cách thủ tục hành chính và dịch vụ công trực tuyến toàn trình"
	govPlace   = "Trụ sở Chính phủ, Hà Nội"
)

var fifthStart = time.Date(2023, 7, 19, 8, 0, 0, 0, vietnam)

// itemConclusion and itemReport name agenda items ballots refer to.
const (
	itemReport     = "report"
	itemConclusion = "conclusion"
)

type item struct {
	key string
	meetings.AgendaItem
}

var fifthAgenda = []item{
	{"", meetings.AgendaItem{Title: "Phát biểu khai mạc phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 10}},
	{itemReport, meetings.AgendaItem{Title: "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023; phương hướng, nhiệm vụ 6 tháng cuối năm 2023", Presenter: "Bộ trưởng Bộ Nội vụ Phạm Thị Thanh Trà", Minutes: 25}},
	{"", meetings.AgendaItem{Title: "Tham luận: Kết quả giải quyết thủ tục hành chính 6 tháng đầu năm 2023", Presenter: "Văn phòng Chính phủ; UBND tỉnh Cà Mau", Minutes: 15}},
	{"", meetings.AgendaItem{Title: "Tham luận: Kết quả cải cách tài chính công 6 tháng đầu năm 2023, phương hướng, nhiệm vụ 6 tháng cuối năm 2023", Presenter: "Bộ Tài chính", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Tham luận: Kết quả cải cách thể chế, tồn tại, hạn chế, giải pháp đẩy mạnh trong 6 tháng cuối năm 2023", Presenter: "Bộ Tư pháp", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Tham luận: Xây dựng đội ngũ cán bộ, công chức, viên chức góp phần hoàn thành các nhiệm vụ của ngành", Presenter: "Ngân hàng Nhà nước Việt Nam", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Tham luận: Giải pháp đổi mới tổ chức, hoạt động của chính quyền đô thị trực thuộc Thủ đô", Presenter: "UBND thành phố Hà Nội", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Tham luận: Kết quả cải cách hành chính 6 tháng đầu năm 2023, những khó khăn, vướng mắc và giải pháp trong 6 tháng cuối năm 2023", Presenter: "UBND thành phố Cần Thơ, thành phố Đà Nẵng, Thành phố Hồ Chí Minh", Minutes: 20}},
	{itemConclusion, meetings.AgendaItem{Title: "Kết luận phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 15}},
}

var sixthAgenda = []item{
	{"", meetings.AgendaItem{Title: "Phát biểu khai mạc phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Báo cáo tình hình thực hiện kết luận của Thủ tướng Chính phủ tại Phiên họp thứ năm", Presenter: "Bộ trưởng Bộ Nội vụ Phạm Thị Thanh Trà", Minutes: 20}},
	{"", meetings.AgendaItem{Title: "Báo cáo kết quả số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và kết nối với Cổng Dịch vụ công quốc gia", Presenter: "Văn phòng Chính phủ", Minutes: 15}},
	{"", meetings.AgendaItem{Title: "Tham luận: Chia sẻ kinh nghiệm nâng cao hiệu quả cải cách hành chính gắn với chuyển đổi số", Presenter: "UBND tỉnh Quảng Ninh", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Tham luận: Kinh nghiệm và giải pháp sắp xếp cơ quan chuyên môn, đơn vị sự nghiệp công", Presenter: "UBND tỉnh Quảng Ngãi", Minutes: 10}},
	{"", meetings.AgendaItem{Title: "Kết luận phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 15}},
}

var topicAgenda = []item{
	{"", meetings.AgendaItem{Title: "Đánh giá việc cung cấp dịch vụ công trực tuyến toàn trình theo Nghị định số 42/2022/NĐ-CP", Presenter: "Văn phòng Chính phủ", Minutes: 20}},
	{"", meetings.AgendaItem{Title: "Tháo gỡ vướng mắc trong kết nối, khai thác Cơ sở dữ liệu quốc gia về dân cư khi giải quyết thủ tục hành chính", Presenter: "Bộ Công an", Minutes: 20}},
	{"", meetings.AgendaItem{Title: "Nâng cao hiệu quả thực hiện cơ chế tự chủ tài chính trong các đơn vị sự nghiệp công lập", Presenter: "UBND thành phố Hải Phòng", Minutes: 15}},
}

// absentFromFifth are the members not recorded as present at the fifth
// session (followed from a provincial bridge point).
var absentFromFifth = map[string]bool{kDaNang: true}

// answer is one member's answer; at is when it was given, as an offset
// from the day the ballot was issued (whole days plus the time of day).
type answer struct {
	member  string
	choice  ballots.Choice
	comment string
	at      time.Duration
}

// day and hm build answer times: day(1)+hm(9, 30) is 09:30 the next day.
func day(n int) time.Duration   { return time.Duration(n) * 24 * time.Hour }
func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// The open ballot, consulting members in writing after the fifth session.
const (
	openTitle    = "Phiếu lấy ý kiến về Kế hoạch cải cách hành chính 6 tháng cuối năm 2023"
	openQuestion = "Thực hiện kết luận của Thủ tướng Chính phủ tại Phiên họp thứ năm, Bộ Nội vụ trình dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023, tập trung đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và nâng cao tỷ lệ sử dụng dịch vụ công trực tuyến toàn trình. Đề nghị đồng chí cho biết ý kiến: đồng chí có đồng ý thông qua dự thảo Kế hoạch không?"
)

// openAnswers are the answers the secretariat has recorded so far: about
// half the members, the chair not yet.
var openAnswers = []answer{
	{kQuang, ballots.ChoiceAgree, "Nhất trí với dự thảo Kế hoạch.", day(1) + hm(8, 45)},
	{kTra, ballots.ChoiceAgree, "Nhất trí. Bộ Nội vụ sẽ tiếp thu ý kiến của các thành viên để hoàn thiện Kế hoạch.", day(1) + hm(10, 30)},
	{kVPCP, ballots.ChoiceAgree, "Đồng ý; đề nghị bổ sung chỉ tiêu số hóa hồ sơ, kết quả giải quyết thủ tục hành chính.", day(1) + hm(15, 15)},
	{kBTC, ballots.ChoiceOther, "Đề nghị làm rõ nguồn kinh phí bảo đảm thực hiện các nhiệm vụ số hóa.", day(2) + hm(9, 20)},
	{kBTP, ballots.ChoiceDisagree, "Chưa nhất trí với thời hạn hoàn thành rà soát văn bản quy định việc nộp, xuất trình sổ hộ khẩu, sổ tạm trú giấy; đề nghị lùi đến hết quý IV.", day(2) + hm(14, 5)},
	{kTruong, ballots.ChoiceAgree, "Thống nhất; đề nghị sớm cho phép kết nối đồng bộ hồ sơ chứng thực điện tử của địa phương lên Cổng Dịch vụ công quốc gia.", day(2) + hm(16, 50)},
}

// The closed ballot on the notice of the fifth session's conclusions.
const (
	closedTitle    = "Phiếu lấy ý kiến về dự thảo Thông báo kết luận của Thủ tướng Chính phủ tại Phiên họp thứ năm Ban Chỉ đạo"
	closedQuestion = "Văn phòng Chính phủ gửi dự thảo Thông báo kết luận của Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo tại Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính của Chính phủ. Đề nghị đồng chí cho biết ý kiến: đồng chí có đồng ý với dự thảo Thông báo kết luận không?"
)

// It was issued on Thursday 20 July 2023, due on Monday 24 July, and closed
// the next morning.
var (
	closedIssued   = time.Date(2023, 7, 20, 9, 0, 0, 0, vietnam)
	closedDeadline = time.Date(2023, 7, 24, 17, 0, 0, 0, vietnam)
	closedAt       = time.Date(2023, 7, 25, 8, 30, 0, 0, vietnam)
)

// closedAnswers: every member answered on a working day, one with another
// opinion.
var closedAnswers = []answer{
	{kTra, ballots.ChoiceAgree, "Nhất trí.", hm(14, 30)},
	{kVPCP, ballots.ChoiceAgree, "Nhất trí với dự thảo.", hm(16, 5)},
	{kQuang, ballots.ChoiceAgree, "", day(1) + hm(8, 40)},
	{kBTP, ballots.ChoiceAgree, "", day(1) + hm(9, 55)},
	{kBTC, ballots.ChoiceAgree, "", day(1) + hm(11, 20)},
	{kTruong, ballots.ChoiceAgree, "", day(1) + hm(14, 10)},
	{kNHNN, ballots.ChoiceOther, "Đề nghị bổ sung nội dung tiếp tục đẩy mạnh cải cách chế độ công vụ, nâng cao kỷ luật, kỷ cương hành chính.", day(1) + hm(16, 30)},
	{kHaNoi, ballots.ChoiceAgree, "", day(4) + hm(8, 50)},
	{kHCM, ballots.ChoiceAgree, "", day(4) + hm(10, 15)},
	{kDaNang, ballots.ChoiceAgree, "", day(4) + hm(14, 40)},
	{kChinh, ballots.ChoiceAgree, "Đồng ý.", day(4) + hm(16, 20)},
}

// The Government's sessions: a regular one, published, and a thematic one
// on law-making, restricted (mật) to some of its members, in preparation.
const (
	govRegularTitle = "Phiên họp Chính phủ thường kỳ"
	govLawTitle     = "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật"
)

var govRegularAgenda = []item{
	{"", meetings.AgendaItem{Title: "Tình hình kinh tế - xã hội, kết quả thực hiện các nghị quyết của Chính phủ", Presenter: "Bộ Kế hoạch và Đầu tư", Minutes: 30}},
	{"", meetings.AgendaItem{Title: "Tình hình giải ngân vốn đầu tư công", Presenter: "Bộ Tài chính", Minutes: 20}},
	{"", meetings.AgendaItem{Title: "Công tác chỉ đạo, điều hành của Chính phủ, Thủ tướng Chính phủ", Presenter: "Văn phòng Chính phủ", Minutes: 20}},
	{"", meetings.AgendaItem{Title: "Kết luận phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 15}},
}

var govLawAgenda = []item{
	{"", meetings.AgendaItem{Title: "Đề nghị xây dựng Luật Công chứng (sửa đổi)", Presenter: "Bộ Tư pháp", Minutes: 30}},
	{"", meetings.AgendaItem{Title: "Dự án Luật Thủ đô (sửa đổi)", Presenter: "UBND thành phố Hà Nội", Minutes: 30}},
}

// govLawParticipants are invited to the restricted session.
var govLawParticipants = []string{kChinh, kHa, kQuang, kKhai, kLong, kSon}

// The Government's open ballot: its members consulted in writing.
const (
	govBallotTitle    = "Phiếu lấy ý kiến thành viên Chính phủ về dự thảo Nghị định sửa đổi, bổ sung Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính"
	govBallotQuestion = "Văn phòng Chính phủ trình dự thảo Nghị định sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính. Đề nghị đồng chí cho biết ý kiến: đồng chí có đồng ý thông qua dự thảo Nghị định không?"
)

var govBallotAnswers = []answer{
	{kSon, ballots.ChoiceAgree, "Nhất trí.", hm(15, 0)},
	{kLong, ballots.ChoiceAgree, "Nhất trí; đề nghị rà soát thống nhất với Luật Xử lý vi phạm hành chính.", day(1) + hm(9, 10)},
	{kPhoc, ballots.ChoiceOther, "Đề nghị làm rõ chi phí vận hành bộ phận một cửa cấp xã.", day(1) + hm(14, 40)},
}

// CreateProfile creates a profile in dir for the Government Office's
// secretary and loads the sample into it, with its papers (LoadPapers).
// The profile is returned open; on error nothing is returned open (a
// profile that was created but could not be filled stays on disk and can
// be filled again with Load).
func CreateProfile(dir string, pass []byte) (*core.Profile, error) {
	p, err := core.Create(dir, pass, meetings.Member{Name: SecretaryName, Title: SecretaryTitle, Role: meetings.RoleSecretary})
	if err != nil {
		return nil, err
	}
	if err := Load(p); err != nil {
		return nil, errors.Join(err, p.Close())
	}
	if err := LoadPapers(p); err != nil { // papers.go
		return nil, errors.Join(err, p.Close())
	}
	return p, nil
}

// Load fills a secretary's profile with the sample committee. It is meant
// for an empty profile: it adds the members, meetings and ballots every time
// it is called. Dates of the upcoming sessions and of the open ballot are
// relative to the profile's clock (p.Now()); the fifth session and the
// closed ballot keep their dates of July 2023.
//
// To date the recorded answers and the close of the past ballot, Load sets
// the profile's clock while it works and puts back a clock that runs from
// the time p.Now() gave when Load started (the real clock when the profile
// had the real clock).
func Load(p *core.Profile) error {
	if !p.IsOrgSecretary() {
		return core.ErrForbidden
	}
	l := &loader{p: p, now: p.Now(), ids: map[string]string{}, items: map[string]string{}}
	defer l.restoreClock()
	steps := []func() error{l.bodies, l.members, l.fifthSession, l.upcoming, l.closedBallot, l.openBallot, l.government}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("load the sample committee: %w", err)
		}
	}
	return nil
}

type loader struct {
	p     *core.Profile
	now   time.Time         // the profile's time when Load started
	saved func() time.Time  // the profile's clock before at changed it
	ids   map[string]string // member key → ID
	items map[string]string // agenda item key → ID
	fifth string            // the fifth session's ID
	cmte  string            // the committee's body ID
}

// at sets the profile's clock to t, so that what is saved next is dated t.
func (l *loader) at(t time.Time) {
	prev := l.p.SetClock(func() time.Time { return t })
	if l.saved == nil {
		l.saved = prev
	}
}

// restoreClock puts back the clock the profile had before at changed it.
func (l *loader) restoreClock() {
	if l.saved != nil {
		l.p.SetClock(l.saved)
	}
}

// bodies names the main body the Government and creates the committee.
func (l *loader) bodies() error {
	if err := l.p.RenameBody(meetings.MainBody, GovernmentName); err != nil {
		return err
	}
	b, err := l.p.CreateBody(CommitteeName)
	l.cmte = b.ID
	return err
}

// members adds the committee's members (some of them also the
// Government's), its secretary, and the Government's other members, each
// with their role in each body.
func (l *loader) members() error {
	add := func(m person, bodies ...meetings.Membership) error {
		nm := m.Member
		nm.Role, nm.Bodies = meetings.RoleMember, bodies
		added, err := l.p.AddMember(nm)
		if err != nil {
			return fmt.Errorf("member %s: %w", m.Name, err)
		}
		l.ids[m.key] = added.ID
		return nil
	}
	for _, m := range append(append([]person(nil), committee...), committeeSecretary) {
		bodies := []meetings.Membership{{Body: l.cmte, Role: m.Role}}
		if r, ok := inGovernment[m.key]; ok {
			bodies = append([]meetings.Membership{{Body: meetings.MainBody, Role: r}}, bodies...)
		}
		if err := add(m, bodies...); err != nil {
			return err
		}
	}
	for _, m := range government {
		if err := add(m, meetings.Membership{Body: meetings.MainBody, Role: m.Role}); err != nil {
			return err
		}
	}
	return nil
}

// meeting creates a committee meeting with its agenda.
func (l *loader) meeting(title string, start time.Time, place string, agenda []item) (string, error) {
	return l.meetingOf(core.MeetingInput{Title: title, Start: start, Place: place, Body: l.cmte}, agenda)
}

// meetingOf creates a meeting with its agenda.
func (l *loader) meetingOf(in core.MeetingInput, agenda []item) (string, error) {
	title := in.Title
	m, err := l.p.CreateMeeting(in)
	if err != nil {
		return "", fmt.Errorf("meeting %s: %w", title, err)
	}
	for _, it := range agenda {
		added, err := l.p.AddAgendaItem(m.ID, it.AgendaItem)
		if err != nil {
			return "", fmt.Errorf("agenda item %s: %w", it.Title, err)
		}
		if it.key != "" {
			l.items[it.key] = added.ID
		}
	}
	return m.ID, nil
}

// fifthSession is the session of 19 July 2023: held, attendance recorded,
// closed.
func (l *loader) fifthSession() error {
	id, err := l.meeting(fifthTitle, fifthStart, govPlace, fifthAgenda)
	if err != nil {
		return err
	}
	l.fifth = id
	for _, to := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession} {
		if err := l.p.SetMeetingStatus(id, to); err != nil {
			return err
		}
	}
	for _, m := range committee {
		if m.Role.Votes() && !absentFromFifth[m.key] {
			if err := l.p.SetAttendance(id, l.ids[m.key], true); err != nil {
				return err
			}
		}
	}
	return l.p.SetMeetingStatus(id, meetings.StatusClosed)
}

// upcoming adds the sixth session, published, three weeks from now, and a
// thematic session still in draft, about six weeks from now.
func (l *loader) upcoming() error {
	sixth, err := l.meeting(sixthTitle, morning(l.now, 21), govPlace, sixthAgenda)
	if err != nil {
		return err
	}
	if err := l.p.SetMeetingStatus(sixth, meetings.StatusPublished); err != nil {
		return err
	}
	_, err = l.meeting(topicTitle, morning(l.now, 44), govPlace, topicAgenda)
	return err
}

// morning is 08:00 Vietnam time, days after t's day there.
func morning(t time.Time, days int) time.Time {
	y, mo, d := t.In(vietnam).Date()
	return time.Date(y, mo, d+days, 8, 0, 0, 0, vietnam)
}

// closedBallot is the consultation on the notice of conclusions, issued the
// day after the fifth session, answered by everyone and closed.
func (l *loader) closedBallot() error {
	l.at(closedIssued)
	b, err := l.p.IssueBallot(core.BallotInput{
		Title:        closedTitle,
		Question:     closedQuestion,
		MeetingID:    l.fifth,
		AgendaItemID: l.items[itemConclusion],
		Deadline:     closedDeadline,
	})
	if err != nil {
		return fmt.Errorf("ballot %s: %w", closedTitle, err)
	}
	if err := l.answers(b.ID, midnight(closedIssued), closedAnswers); err != nil {
		return err
	}
	l.at(closedAt)
	return l.p.CloseBallot(b.ID)
}

// openBallot is the consultation in progress: issued three days ago, due in
// five days, about half the members answered (all before today), the chair
// not yet.
func (l *loader) openBallot() error {
	today := midnight(l.now)
	issuedDay := today.AddDate(0, 0, -3)
	l.at(issuedDay.Add(hm(9, 0)))
	b, err := l.p.IssueBallot(core.BallotInput{
		Title:        openTitle,
		Question:     openQuestion,
		MeetingID:    l.fifth,
		AgendaItemID: l.items[itemReport],
		Deadline:     today.AddDate(0, 0, 5).Add(hm(17, 0)),
	})
	if err != nil {
		return fmt.Errorf("ballot %s: %w", openTitle, err)
	}
	return l.answers(b.ID, issuedDay, openAnswers)
}

// midnight is the start of t's day in Vietnam.
func midnight(t time.Time) time.Time {
	y, mo, d := t.In(vietnam).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, vietnam)
}

// answers records the answers members gave on paper, each dated from the
// day the ballot was issued.
func (l *loader) answers(ballotID string, issuedDay time.Time, as []answer) error {
	for _, a := range as {
		l.at(issuedDay.Add(a.at))
		if _, err := l.p.RecordAnswerFor(ballotID, l.ids[a.member], a.choice, a.comment); err != nil {
			return fmt.Errorf("answer of %s: %w", a.member, err)
		}
	}
	return nil
}

// government adds the Government's sessions and its open ballot.
func (l *loader) government() error {
	regular, err := l.meetingOf(core.MeetingInput{Title: govRegularTitle, Start: morning(l.now, 10), Place: govPlace, Body: meetings.MainBody}, govRegularAgenda)
	if err != nil {
		return err
	}
	if err := l.p.SetMeetingStatus(regular, meetings.StatusPublished); err != nil {
		return err
	}
	var invited []string
	for _, k := range govLawParticipants {
		invited = append(invited, l.ids[k])
	}
	if _, err := l.meetingOf(core.MeetingInput{Title: govLawTitle, Start: morning(l.now, 17), Place: govPlace,
		Body: meetings.MainBody, Participants: invited, Restricted: true}, govLawAgenda); err != nil {
		return err
	}
	today := midnight(l.now)
	issuedDay := today.AddDate(0, 0, -2)
	l.at(issuedDay.Add(hm(9, 0)))
	b, err := l.p.IssueBallot(core.BallotInput{
		Title:    govBallotTitle,
		Question: govBallotQuestion,
		Body:     meetings.MainBody,
		Deadline: today.AddDate(0, 0, 7).Add(hm(17, 0)),
	})
	if err != nil {
		return fmt.Errorf("ballot %s: %w", govBallotTitle, err)
	}
	return l.answers(b.ID, issuedDay, govBallotAnswers)
}
