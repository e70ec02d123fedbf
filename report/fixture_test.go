package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// The fixtures are the fifth session of the Government Steering Committee
// for Administrative Reform (19 July 2023, ../shared/samples), as the core
// would assemble it.

var ict = time.FixedZone("ICT", 7*60*60)

var (
	fifthStart = time.Date(2023, 7, 19, 8, 0, 0, 0, ict)
	madeAt     = time.Date(2023, 7, 12, 16, 30, 0, 0, ict)
)

var heading = Heading{Body: "Ban Chỉ đạo Cải cách hành chính của Chính phủ", City: "Hà Nội", Date: madeAt}

var committee = []Person{
	{"Phạm Minh Chính", "Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo"},
	{"Trần Lưu Quang", "Phó Thủ tướng Chính phủ"},
	{"Phạm Thị Thanh Trà", "Bộ trưởng Bộ Nội vụ, Phó Trưởng ban thường trực"},
	{"Trần Việt Trường", "Chủ tịch UBND thành phố Cần Thơ"},
	{"Đại diện Văn phòng Chính phủ", "Thành viên Ban Chỉ đạo"},
	{"Đại diện Bộ Tài chính", "Thành viên Ban Chỉ đạo"},
	{"Đại diện Bộ Tư pháp", "Thành viên Ban Chỉ đạo"},
	{"Đại diện Ngân hàng Nhà nước Việt Nam", "Thành viên Ban Chỉ đạo"},
}

var fifthAgenda = []AgendaEntry{
	{Title: "Phát biểu khai mạc phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 10},
	{Title: "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023; phương hướng, nhiệm vụ 6 tháng cuối năm 2023", Presenter: "Bộ trưởng Bộ Nội vụ Phạm Thị Thanh Trà", Minutes: 25},
	{Title: "Tham luận: Kết quả giải quyết thủ tục hành chính 6 tháng đầu năm 2023", Presenter: "Văn phòng Chính phủ; UBND tỉnh Cà Mau", Minutes: 15},
	{Title: "Tham luận: Kết quả cải cách tài chính công 6 tháng đầu năm 2023, phương hướng, nhiệm vụ 6 tháng cuối năm 2023", Presenter: "Bộ Tài chính", Minutes: 10},
	{Title: "Kết luận phiên họp", Presenter: "Thủ tướng Chính phủ Phạm Minh Chính", Minutes: 15},
}

const fifthTitle = "Phiên họp thứ năm của Ban Chỉ đạo Cải cách hành chính của Chính phủ"

func invitation(l Lang) Invitation {
	return Invitation{
		Lang: l, Location: ict, Heading: heading, Made: madeAt,
		Title: fifthTitle, Start: fifthStart, Place: "Trụ sở Chính phủ, số 1 Hoàng Hoa Thám, Ba Đình, Hà Nội",
		Participants: slices.Clone(committee), Agenda: slices.Clone(fifthAgenda),
		Signer: Signer{Name: "Thư ký Ban Chỉ đạo"},
	}
}

// ids are the member IDs of the committee fixture, m0 … m7.
func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("m%d", i)
	}
	return out
}

func ballot() ballots.Ballot {
	return ballots.Ballot{
		ID: "b1", Title: "Dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023",
		Question: "Đồng ý thông qua dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023 của Ban Chỉ đạo?",
		Options:  ballots.VietnameseOptions(), Deadline: time.Date(2023, 7, 26, 17, 0, 0, 0, ict),
		Eligible: ids(len(committee)), ChairID: "m0", Policy: ballots.VNGovernment(), Status: ballots.StatusOpen,
	}
}

// summary is a ballot of the committee with n answers: agree, except the
// third (other opinion, with comment) and the fifth (disagree, late); the
// second was given on paper.
func summary(l Lang, n int, comment string) Summary {
	b := ballot()
	var answers []ballots.Answer
	var rows []AnswerRow
	at := time.Date(2023, 7, 20, 9, 0, 0, 0, ict)
	for i := 0; i < n && i < len(committee); i++ {
		a := ballots.Answer{ID: fmt.Sprint("a", i), BallotID: b.ID, MemberID: b.Eligible[i], Choice: ballots.ChoiceAgree,
			At: at.Add(time.Duration(i) * 3 * time.Hour), Seq: uint64(i + 1)}
		switch i {
		case 1:
			a.Paper = true
		case 2:
			a.Choice, a.Comment = ballots.ChoiceOther, comment
		case 4:
			a.Choice, a.At = ballots.ChoiceDisagree, b.Deadline.Add(2*time.Hour)
		}
		a.ReceivedAt = a.At.Add(30 * time.Second)
		answers = append(answers, a)
	}
	res := ballots.Tally(b, answers)
	counted := ballots.Counted(b, answers)
	for i, a := range answers {
		c, ok := counted[a.MemberID]
		rows = append(rows, AnswerRow{Member: committee[i], Choice: a.Choice, Comment: a.Comment, SignedAt: a.At,
			ReceivedAt: a.ReceivedAt, Late: b.IsLate(a), Paper: a.Paper, Counted: ok && c.ID == a.ID})
	}
	var missing []Person
	for i := len(answers); i < len(committee); i++ {
		missing = append(missing, committee[i])
	}
	return Summary{Lang: l, Location: ict, Heading: heading, Made: madeAt, Ballot: b, Result: res,
		Answers: rows, Missing: missing, Signer: Signer{Name: "Thư ký Ban Chỉ đạo"}}
}

func minutes(l Lang) Minutes {
	vb := ballot()
	vb.ID, vb.Title, vb.Question = "v1", fifthAgenda[1].Title, "Thông qua Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023"
	vb.Eligible, vb.Status, vb.ClosedAt = ids(6), ballots.StatusClosed, fifthStart.Add(40*time.Minute)
	var answers []ballots.Answer
	var named []NamedAnswer
	for i := 0; i < 5; i++ {
		c := ballots.ChoiceAgree
		if i == 3 {
			c = ballots.ChoiceDisagree
		}
		answers = append(answers, ballots.Answer{ID: fmt.Sprint("v", i), BallotID: vb.ID, MemberID: vb.Eligible[i], Choice: c, At: fifthStart.Add(35 * time.Minute)})
		named = append(named, NamedAnswer{Member: committee[i], Choice: c})
	}
	items := make([]MinutesItem, len(fifthAgenda))
	for i, a := range fifthAgenda {
		items[i] = MinutesItem{Title: a.Title, Presenter: a.Presenter}
	}
	items[0].Adopted = true
	items[1].Votes = []Vote{{Question: vb.Question, Ballot: vb, Result: ballots.Tally(vb, answers), Named: named, NotVoted: committee[5:6]}}
	chair := committee[0]
	return Minutes{
		Lang: l, Location: ict, Heading: Heading{Body: heading.Body, City: "Hà Nội", Date: fifthStart}, Made: fifthStart.Add(3 * time.Hour),
		Title: fifthTitle, Start: fifthStart, Place: "Trụ sở Chính phủ", Status: meetings.StatusClosed,
		Chair: &chair, Present: committee[:6], Absent: committee[6:],
		Others: []Person{{"Thư ký Ban Chỉ đạo", "Vụ Cải cách hành chính, Bộ Nội vụ"}},
		Quorum: meetings.QuorumStatus{Present: 6, Voters: 8, Needed: 6, Met: true},
		Items:  items, Signer: Signer{Name: "Thư ký Ban Chỉ đạo"},
	}
}

// everyDiacritic is a name with every Vietnamese vowel in every tone, and đ.
func everyDiacritic() string {
	var b strings.Builder
	for _, v := range []string{"a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"} {
		for _, tone := range []string{"", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"} {
			b.WriteString(v + tone)
		}
		b.WriteString(" ")
	}
	b.WriteString("Đđ")
	return b.String()
}
