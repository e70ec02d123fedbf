package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/ecabinet/ecabinet/ballots"
)

// The documents are checked as a reader gets them: written to a file,
// read back with poppler's pdftotext and pdfinfo, and rendered with
// pdftoppm.

// render writes a document to a file in a temporary directory.
func render(t *testing.T, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatalf("write: %v", err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// pdfText is the text of page n (0: every page) as pdftotext reads it,
// with every run of white space made one space.
func pdfText(t *testing.T, path string, n int) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if n > 0 {
		args = append(args, "-f", strconv.Itoa(n), "-l", strconv.Itoa(n))
	}
	out, err := exec.Command("pdftotext", append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Text wrapped in a cell or paragraph comes back over several lines:
	// the checks read it as one.
	return strings.Join(strings.Fields(string(out)), " ")
}

// pdfPages is the page count pdfinfo reads.
func pdfPages(t *testing.T, path string) int {
	t.Helper()
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

// checkPageNumbers checks "Trang x/y" (or "Page x/y") on every page.
func checkPageNumbers(t *testing.T, path string, l Lang) int {
	t.Helper()
	n := pdfPages(t, path)
	for i := 1; i <= n; i++ {
		want := fmt.Sprintf(labels[l]["page"], i, strconv.Itoa(n))
		if !strings.Contains(pdfText(t, path, i), want) {
			t.Errorf("page %d of %d lacks %q", i, n, want)
		}
	}
	return n
}

func contains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("the document lacks %q", w)
		}
	}
}

func TestInvitation(t *testing.T) {
	tests := []struct {
		name string
		in   func() Invitation
		want []string
	}{
		{"vi", func() Invitation { return invitation(Vietnamese) }, []string{
			"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 12 tháng 7 năm 2023",
			"BAN CHỈ ĐẠO CẢI CÁCH HÀNH", "GIẤY MỜI", "Ban Chỉ đạo Cải cách hành chính của Chính phủ trân trọng kính mời:",
			"Phạm Thị Thanh Trà, Bộ trưởng Bộ Nội vụ", "08:00, Thứ Tư, ngày 19/07/2023", "Trụ sở Chính phủ, số 1 Hoàng Hoa Thám",
			"Chương trình họp", "Phát biểu khai mạc phiên họp", "08:10 – 08:35", "Tổng thời gian dự kiến: 1 giờ 15 phút.",
			"Nơi nhận:", "(Bản in từ eCabinet, chưa ký)", "Thư ký Ban Chỉ đạo", "Số:"}},
		{"en", func() Invitation { return invitation(English) }, []string{
			"SOCIALIST REPUBLIC OF VIET NAM", "Independence - Freedom - Happiness", "Hà Nội, 12 July 2023",
			"INVITATION", "has the honour to invite:", "08:00, Wednesday, 19 July 2023", "Agenda",
			"Planned length: 1 h 15 min.", "(Printed from eCabinet, not signed)", "Recipients:"}},
		{"no agenda", func() Invitation { in := invitation(Vietnamese); in.Agenda = nil; in.Place = ""; return in }, []string{
			"Chương trình họp sẽ được gửi sau.", "Sẽ thông báo sau."}},
		{"everyone invited", func() Invitation { in := invitation(Vietnamese); in.Participants = nil; return in }, []string{
			"Các thành viên Ban Chỉ đạo Cải cách hành chính của Chính phủ."}},
		{"papers", func() Invitation {
			in := invitation(Vietnamese)
			in.Agenda[1].Papers = []AgendaPaper{{Title: "Báo cáo số 3412/BC-BNV"}, {Title: "Phương án sắp xếp tổ chức", Confidential: true}}
			return in
		}, []string{"- Báo cáo số 3412/BC-BNV", "- Phương án sắp xếp tổ chức (Mật)"}},
		{"papers en", func() Invitation {
			in := invitation(English)
			in.Agenda[1].Papers = []AgendaPaper{{Title: "Report 3412/BC-BNV", Confidential: true}}
			return in
		}, []string{"- Report 3412/BC-BNV (Confidential)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in()
			path := render(t, func(b *bytes.Buffer) error { return WriteInvitation(b, in) })
			contains(t, pdfText(t, path, 0), tt.want...)
			checkPageNumbers(t, path, in.Lang)
		})
	}
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		in   func() Summary
		want []string
		not  []string
	}{
		{"vi open", func() Summary {
			return summary(Vietnamese, 6, "Đề nghị bổ sung chỉ tiêu về số hóa hồ sơ.")
		}, []string{
			"BÁO CÁO", "Tổng hợp ý kiến thành viên về Dự thảo Kế hoạch", "Đồng ý thông qua dự thảo Kế hoạch",
			"Thời hạn trả lời: 17:00, 26/07/2023.", "Tình trạng phiếu: đang lấy ý kiến.", "Mẫu số: tổng số thành viên",
			"Thông qua — số phiếu ngang nhau, quyết định theo ý kiến của Chủ tọa", "Đồng ý: 4/8", "Ý kiến khác: 1/8",
			"(phiếu giấy)", "gửi muộn, không tính", "Đề nghị bổ sung chỉ tiêu về số hóa hồ sơ.",
			"Đại diện Ngân hàng Nhà nước Việt Nam, Thành viên Ban Chỉ đạo",
			"Chưa được máy chủ xác nhận: kết quả trên do máy này tự tính."}, nil},
		{"en verified", func() Summary {
			s := summary(English, 8, "Please add a target for digitised records.")
			s.Ballot.Status, s.Ballot.ClosedAt = ballots.StatusClosed, s.Ballot.Deadline
			s.Result = ballots.Tally(s.Ballot, nil)
			s.Verification = Verification{State: CheckVerified, Fingerprint: "3F2A-77C1-0B9E"}
			return s
		}, []string{"REPORT", "Summary of members' opinions on", "Ballot: closed at 17:00, 26 July 2023.",
			"Every member has answered.", "The result was signed by the hub", "(SHA-256): 3F2A-77C1-0B9E", "on paper"},
			[]string{"Not yet verified"}},
		{"mismatch", func() Summary {
			s := summary(Vietnamese, 3, "")
			s.Verification = Verification{State: CheckMismatch, Problem: "counted here: rejected"}
			return s
		}, []string{"CẢNH BÁO: kết quả máy chủ đã ký không khớp", "counted here: rejected"}, nil},
		{"no answers", func() Summary { return summary(Vietnamese, 0, "") }, []string{
			"Chưa có thành viên nào gửi ý kiến.", "đã trả lời: 0; chưa trả lời: 8.", "Phạm Minh Chính, Thủ tướng Chính phủ"},
			[]string{"Nội dung ý kiến"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in()
			path := render(t, func(b *bytes.Buffer) error { return WriteSummary(b, in) })
			text := pdfText(t, path, 0)
			contains(t, text, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("the document has %q", n)
				}
			}
			checkPageNumbers(t, path, in.Lang)
		})
	}
}

// TestSummaryLongComment: a 5,000-character comment wraps, and the table
// runs on over the following pages with its heading row on each.
func TestSummaryLongComment(t *testing.T) {
	sentence := "Đề nghị làm rõ trách nhiệm của người đứng đầu trong việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính. "
	comment := strings.Repeat(sentence, 5000/len([]rune(sentence))+1)
	comment = string([]rune(comment)[:5000]) + " KẾT-THÚC-Ý-KIẾN"
	in := summary(Vietnamese, 8, comment)
	path := render(t, func(b *bytes.Buffer) error { return WriteSummary(b, in) })
	n := checkPageNumbers(t, path, Vietnamese)
	if n < 3 {
		t.Fatalf("pages = %d, want the table to run over at least 3", n)
	}
	text := pdfText(t, path, 0)
	contains(t, text, "KẾT-THÚC-Ý-KIẾN", "Đại diện Ngân hàng Nhà nước Việt Nam")
	if got, want := strings.Count(text, "người đứng đầu"), strings.Count(comment, "người đứng đầu"); got < want-2 {
		// A phrase cut by a line end may not be found whole; a missing
		// page of the comment would lose dozens.
		t.Errorf("the comment's phrase appears %d times, want about %d", got, want)
	}
	for i := 2; i <= n; i++ {
		if page := pdfText(t, path, i); strings.Contains(page, "người đứng đầu") && !strings.Contains(page, "Nội dung ý kiến") {
			t.Errorf("page %d continues the table without its heading row", i)
		}
	}
}

func TestMinutes(t *testing.T) {
	tests := []struct {
		name string
		in   func() Minutes
		want []string
		not  []string
	}{
		{"vi draft", func() Minutes { return minutes(Vietnamese) }, []string{
			"BIÊN BẢN", "DỰ THẢO — biên bản chưa được chốt", "I. THÀNH PHẦN THAM DỰ",
			"Chủ trì: Phạm Minh Chính, Thủ tướng Chính phủ, Trưởng Ban Chỉ đạo.",
			"Số thành viên có mặt: 6/8 (cần 6). Phiên họp đủ điều kiện tiến hành.", "Thành viên vắng mặt (2):",
			"Đại diện Bộ Tư pháp", "II. NỘI DUNG VÀ KẾT QUẢ",
			"Thông qua theo danh mục không thảo luận (không có ý kiến phản đối).",
			"Biểu quyết: Thông qua Báo cáo kết quả công tác cải cách hành chính", "Kết quả: Thông qua — đủ số thành viên đồng ý",
			"Trần Việt Trường, Chủ tịch UBND thành phố Cần Thơ", "Không đồng ý", "Không biểu quyết: Đại diện Bộ Tài chính."}, nil},
		{"en final with conclusions", func() Minutes {
			m := minutes(English)
			m.Finalised = fifthStart.Add(5 * time.Hour)
			m.Items[4].Conclusion = "Ministries shall finish digitising records by the end of 2023."
			return m
		}, []string{"MINUTES", "I. ATTENDANCE", "The quorum was met.", "Adopted in the consent block",
			"Conclusion:", "Ministries shall finish digitising records by the end of 2023.",
			"The minutes were finalised at 13:00, 19 July 2023."}, []string{"DRAFT"}},
		{"no agenda, no quorum", func() Minutes {
			m := minutes(Vietnamese)
			m.Items, m.Present, m.Chair = nil, nil, nil
			m.Quorum.Present, m.Quorum.Met = 0, false
			return m
		}, []string{"Phiên họp không có nội dung trong chương trình.", "Phiên họp không đủ số thành viên theo quy định.",
			"Thành viên có mặt (0):", "Không có."}, []string{"Chủ trì:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in()
			path := render(t, func(b *bytes.Buffer) error { return WriteMinutes(b, in) })
			text := pdfText(t, path, 0)
			contains(t, text, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("the document has %q", n)
				}
			}
			checkPageNumbers(t, path, in.Lang)
		})
	}
}

// TestDiacritics: names in every Vietnamese vowel and tone come back
// whole, typed precomposed (NFC) or decomposed (NFD, as pasted from macOS
// or Word); an emoji and control characters do not break the document.
func TestDiacritics(t *testing.T) {
	name := everyDiacritic()
	for _, form := range []norm.Form{norm.NFC, norm.NFD} {
		t.Run(fmt.Sprint(form), func(t *testing.T) {
			in := invitation(Vietnamese)
			in.Participants = []Person{{Name: form.String(name), Title: form.String("Thứ trưởng Bộ Tư pháp")}}
			in.Agenda[0].Presenter = form.String("Nguyễn Thị Ưng Ửng") + " 🙂\x07\t"
			path := render(t, func(b *bytes.Buffer) error { return WriteInvitation(b, in) })
			text := pdfText(t, path, 0)
			for _, w := range strings.Fields(norm.NFC.String(name)) {
				contains(t, text, w)
			}
			contains(t, text, "Thứ trưởng Bộ Tư pháp", "Nguyễn Thị Ưng Ửng ?")
		})
	}
}

func TestUnknownLanguage(t *testing.T) {
	in := invitation("fr")
	if err := WriteInvitation(&bytes.Buffer{}, in); !errors.Is(err, ErrLanguage) {
		t.Fatalf("err = %v, want ErrLanguage", err)
	}
}

// failWriter fails every write, as a full disk does.
type failWriter struct{}

var errFull = errors.New("no space left on device")

func (failWriter) Write([]byte) (int, error) { return 0, errFull }

func TestWriteFails(t *testing.T) {
	if err := WriteSummary(failWriter{}, summary(Vietnamese, 3, "")); !errors.Is(err, errFull) {
		t.Fatalf("err = %v, want the writer's error", err)
	}
}

func TestLabelsComplete(t *testing.T) {
	for key := range labels[Vietnamese] {
		if labels[English][key] == "" {
			t.Errorf("%q has no English", key)
		}
	}
	for key := range labels[English] {
		if labels[Vietnamese][key] == "" {
			t.Errorf("%q has no Vietnamese", key)
		}
	}
	// Every standing, reason and policy word a ballot can have is worded.
	for _, k := range []string{"standing.open", "standing.passed", "standing.rejected", "status.draft", "status.open", "status.closed",
		"reason." + ballots.ReasonThresholdMet, "reason." + ballots.ReasonThresholdNotMet, "reason." + ballots.ReasonChairTiebreak,
		"reason." + ballots.ReasonQuorumNotMet, "reason." + ballots.ReasonNoMembers, "reason." + ballots.ReasonUndecided,
		"reason." + ballots.ReasonPolicyInvalid, "rule." + string(ballots.DenominatorAllMembers), "rule." + string(ballots.DenominatorAnswers),
		"rule." + string(ballots.ThresholdMajority), "rule." + string(ballots.ThresholdTwoThirds),
		"rule.tie." + string(ballots.TieBreakChair), "rule.tie." + string(ballots.TieBreakNone),
		"rule.silent." + string(ballots.NonResponseIgnored), "rule.silent." + string(ballots.NonResponseAgree)} {
		if labels[Vietnamese][k] == "" {
			t.Errorf("%q is not worded", k)
		}
	}
}

func TestPlaceDate(t *testing.T) {
	tests := []struct {
		lang Lang
		date time.Time
		want string
	}{
		{Vietnamese, time.Date(2023, 7, 19, 12, 0, 0, 0, ict), "Hà Nội, ngày 19 tháng 7 năm 2023"},
		{Vietnamese, time.Date(2024, 2, 5, 12, 0, 0, 0, ict), "Hà Nội, ngày 05 tháng 02 năm 2024"},
		{Vietnamese, time.Date(2024, 12, 1, 12, 0, 0, 0, ict), "Hà Nội, ngày 01 tháng 12 năm 2024"},
		{English, time.Date(2024, 2, 5, 12, 0, 0, 0, ict), "Hà Nội, 5 February 2024"},
		// Late on the 4th in UTC is the 5th in Hà Nội.
		{Vietnamese, time.Date(2024, 2, 4, 20, 0, 0, 0, time.UTC), "Hà Nội, ngày 05 tháng 02 năm 2024"},
	}
	for _, tt := range tests {
		p := &page{lang: tt.lang, loc: ict}
		if got := p.placeDate("Hà Nội", tt.date); got != tt.want {
			t.Errorf("placeDate(%v, %s) = %q, want %q", tt.date, tt.lang, got, tt.want)
		}
	}
}

func TestFileName(t *testing.T) {
	day := time.Date(2023, 7, 19, 8, 0, 0, 0, ict)
	tests := []struct {
		kind  Kind
		lang  Lang
		title string
		want  string
	}{
		{KindInvitation, Vietnamese, "Phiên họp thứ 5 — Ban Chỉ đạo", "giay-moi-phien-hop-thu-5-ban-chi-dao-2023-07-19.pdf"},
		{KindSummary, Vietnamese, "Đề án “Đổi mới”", "tong-hop-y-kien-de-an-doi-moi-2023-07-19.pdf"},
		{KindMinutes, English, "Fifth session", "minutes-fifth-session-2023-07-19.pdf"},
		{KindMinutes, Vietnamese, "", "bien-ban-2023-07-19.pdf"},
		{KindInvitation, Vietnamese, strings.Repeat("Cải cách hành chính ", 10), "giay-moi-cai-cach-hanh-chinh-cai-cach-hanh-chinh-cai-2023-07-19.pdf"},
	}
	for _, tt := range tests {
		if got := FileName(tt.kind, tt.lang, tt.title, day); got != tt.want {
			t.Errorf("FileName(%s, %q) = %q, want %q", tt.kind, tt.title, got, tt.want)
		}
	}
}

// TestGolden compares page 1 of each kind, rendered at 50 dpi, with the
// image in testdata. Fonts render identically here, so the tolerance only
// absorbs anti-aliasing (one presenter changed in one cell differs by
// about 2.0); a mismatch (or a missing image) writes the new
// one to testdata/failed to be looked at and, if right, moved up.
func TestGolden(t *testing.T) {
	docs := map[string]func(*bytes.Buffer) error{
		"invitation": func(b *bytes.Buffer) error { return WriteInvitation(b, invitation(Vietnamese)) },
		"summary": func(b *bytes.Buffer) error {
			return WriteSummary(b, summary(Vietnamese, 6, "Đề nghị bổ sung chỉ tiêu về số hóa hồ sơ thủ tục hành chính."))
		},
		"minutes": func(b *bytes.Buffer) error { return WriteMinutes(b, minutes(Vietnamese)) },
	}
	for name, write := range docs {
		t.Run(name, func(t *testing.T) {
			path := render(t, write)
			prefix := filepath.Join(t.TempDir(), "page")
			if out, err := exec.Command("pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", path, prefix).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			got, err := os.ReadFile(prefix + ".png")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".png")
			want, err := os.ReadFile(golden)
			diff := 255.0
			if err == nil {
				diff, err = meanDiff(got, want)
			}
			if err != nil || diff > 0.5 {
				failed := filepath.Join("testdata", "failed", name+".png")
				_ = os.MkdirAll(filepath.Dir(failed), 0o755)
				_ = os.WriteFile(failed, got, 0o644)
				t.Errorf("page 1 differs from %s (mean difference %.2f, err %v); the new image is %s", golden, diff, err, failed)
			}
		})
	}
}

// meanDiff is the mean absolute difference of two images' grey levels
// (0–255); images of different sizes differ by 255.
func meanDiff(a, b []byte) (float64, error) {
	ia, err := png.Decode(bytes.NewReader(a))
	if err != nil {
		return 0, err
	}
	ib, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	if ia.Bounds() != ib.Bounds() {
		return 255, nil
	}
	r := ia.Bounds()
	var sum float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			d := grey(ia, x, y) - grey(ib, x, y)
			if d < 0 {
				d = -d
			}
			sum += d
		}
	}
	return sum / float64(r.Dx()*r.Dy()), nil
}

func grey(img image.Image, x, y int) float64 {
	r, g, b, _ := img.At(x, y).RGBA()
	return float64(r+g+b) / 3 / 257
}
