package sample

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/core"
)

// The sample's papers: three PDFs made here (fpdf, Noto Sans, with the
// Vietnamese text of the fifth session's report), attached through the
// core as the secretary attaches a file, so they are stored encrypted in
// the profile's chunk store like any paper. One is confidential.

// samplePaper is one paper of the sample: where it goes and what it says.
type samplePaper struct {
	meeting, item string // the meeting's and the item's titles, by prefix
	ballot        bool   // the open ballot's paper
	title, file   string
	confidential  bool
	sections      []paperSection
}

type paperSection struct{ heading, body string }

var samplePapers = []samplePaper{
	{
		meeting: fifthTitle, item: "Báo cáo kết quả công tác cải cách hành chính",
		title: "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023",
		file:  "bao-cao-cchc-6-thang-dau-nam-2023.pdf",
		sections: []paperSection{
			{"I. Kết quả đạt được", "Trong 6 tháng đầu năm 2023, các bộ, thành viên Ban Chỉ đạo cải cách hành chính của Chính phủ đã có nhiều nỗ lực, quyết tâm trong việc tham mưu cho Chính phủ, Thủ tướng Chính phủ triển khai nhiều nhiệm vụ, giải pháp quan trọng nhằm phấn đấu thực hiện thắng lợi các mục tiêu, nhiệm vụ phát triển kinh tế - xã hội năm 2023."},
			{"II. Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "Đến nay, đã có 31,16% kết quả giải quyết thủ tục hành chính được cấp bản điện tử có giá trị pháp lý. Các bộ, ngành, địa phương tiếp tục đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình, nâng cao chất lượng phục vụ người dân và doanh nghiệp."},
			{"III. Tồn tại, hạn chế", "Việc thực hiện một số nhiệm vụ cải cách hành chính còn chậm so với kế hoạch; tỷ lệ hồ sơ trực tuyến toàn trình ở một số địa phương còn thấp; việc kết nối, chia sẻ dữ liệu giữa các hệ thống thông tin còn hạn chế."},
			{"IV. Phương hướng, nhiệm vụ 6 tháng cuối năm 2023", "Tập trung cắt giảm, đơn giản hóa thủ tục hành chính, quy định kinh doanh; đẩy mạnh phân cấp, phân quyền; hoàn thiện thể chế về đất đai, nhà ở và kinh doanh bất động sản; nâng cao chỉ số hài lòng của người dân."},
		},
	},
	{
		meeting: sixthTitle, item: "Báo cáo tình hình thực hiện kết luận",
		title:        "Tờ trình dự thảo Luật Đất đai (sửa đổi) — ý kiến của Ban Chỉ đạo",
		file:         "to-trinh-luat-dat-dai-sua-doi.pdf",
		confidential: true,
		sections: []paperSection{
			{"Tờ trình", "Thực hiện kết luận của Thủ tướng Chính phủ tại Phiên họp thứ năm, Bộ Nội vụ kính trình Ban Chỉ đạo cho ý kiến về các nội dung cải cách thủ tục hành chính trong dự thảo Luật Đất đai (sửa đổi)."},
			{"Nội dung xin ý kiến", "Đơn giản hóa thủ tục đăng ký đất đai, cấp giấy chứng nhận quyền sử dụng đất; công khai, minh bạch thông tin đất đai; kết nối cơ sở dữ liệu đất đai với Cơ sở dữ liệu quốc gia về dân cư."},
		},
	},
	{
		ballot: true,
		title:  "Dự thảo Kế hoạch cải cách hành chính 6 tháng cuối năm 2023",
		file:   "du-thao-ke-hoach-cchc-6-thang-cuoi-nam-2023.pdf",
		sections: []paperSection{
			{"Mục tiêu", "Đẩy mạnh cải cách thủ tục hành chính, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính và nâng cao tỷ lệ sử dụng dịch vụ công trực tuyến toàn trình."},
			{"Nhiệm vụ trọng tâm", "Rà soát, cắt giảm quy định kinh doanh; hoàn thành việc kết nối, chia sẻ dữ liệu với Cổng Dịch vụ công quốc gia; bảo đảm kinh phí thực hiện các nhiệm vụ số hóa."},
		},
	},
}

// LoadPapers attaches the sample's papers to a profile Load filled: the
// report to the fifth session, a confidential paper to the sixth, and the
// draft plan to the open ballot.
func LoadPapers(p *core.Profile) error {
	for _, sp := range samplePapers {
		in := core.PaperInput{Title: sp.title, FileName: sp.file, Confidential: sp.confidential}
		if sp.ballot {
			for _, b := range p.Ballots() {
				if b.Title == openTitle {
					in.BallotID = b.ID
				}
			}
		} else {
			for _, m := range p.Meetings() {
				if m.Title != sp.meeting {
					continue
				}
				in.MeetingID = m.ID
				for _, it := range m.Agenda {
					if strings.HasPrefix(it.Title, sp.item) {
						in.ItemID = it.ID
					}
				}
			}
		}
		if in.BallotID == "" && in.ItemID == "" {
			return fmt.Errorf("sample paper %q: its meeting or ballot is not in the profile", sp.title)
		}
		pdf, err := sp.pdf()
		if err != nil {
			return err
		}
		if _, err := p.AddPaper(in, bytes.NewReader(pdf)); err != nil {
			return fmt.Errorf("sample paper %q: %w", sp.title, err)
		}
	}
	return nil
}

// pdf writes the paper: a title page, then a page per section.
func (sp samplePaper) pdf() ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.AddUTF8FontFromBytes("noto", "", assets.NotoSansRegular)
	f.SetTitle(sp.title, true)
	f.SetFooterFunc(func() {
		f.SetY(-18)
		f.SetFont("noto", "", 9)
		f.CellFormat(0, 6, fmt.Sprintf("Trang %d", f.PageNo()), "", 0, "C", false, 0, "")
	})
	nfc := norm.NFC.String
	f.AddPage()
	f.SetFont("noto", "", 11)
	f.CellFormat(0, 6, nfc("BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH CỦA CHÍNH PHỦ"), "", 1, "C", false, 0, "")
	f.CellFormat(0, 6, nfc("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), "", 1, "C", false, 0, "")
	f.CellFormat(0, 6, nfc("Độc lập - Tự do - Hạnh phúc"), "", 1, "C", false, 0, "")
	f.Ln(30)
	f.SetFont("noto", "", 20)
	f.MultiCell(0, 11, nfc(sp.title), "", "C", false)
	f.Ln(10)
	f.SetFont("noto", "", 12)
	f.MultiCell(0, 7, nfc("Hà Nội, tháng 7 năm 2023"), "", "C", false)
	for _, s := range sp.sections {
		f.AddPage()
		f.Bookmark(nfc(s.heading), 0, -1)
		f.SetFont("noto", "", 16)
		f.MultiCell(0, 9, nfc(s.heading), "", "L", false)
		f.Ln(3)
		f.SetFont("noto", "", 12)
		for range 3 {
			f.MultiCell(0, 7, nfc(s.body), "", "J", false)
			f.Ln(3)
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("sample paper %q: %w", sp.title, err)
	}
	return buf.Bytes(), nil
}
