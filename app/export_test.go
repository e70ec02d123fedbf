package app

import (
	"bytes"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

func TestExport_SignedJSONBesideTheCSV(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	var closed ballots.Ballot
	for _, b := range p.Ballots() {
		if b.Status == ballots.StatusClosed {
			closed = b
		}
	}
	s := e.open(p)
	bs := openBallot(t, s, closed.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) > 0 })
	if e.button("Xuất kết quả") == nil || e.button("Xuất JSON có chữ ký") == nil {
		t.Fatal("a closed ballot should offer the CSV and the signed JSON export side by side")
	}
	saveShot(t, "export-buttons-vi.png", e.shot())
	// the button asks where to save (a file dialog)
	test.Tap(e.button("Xuất JSON có chữ ký"))
	if len(e.w.Canvas().Overlays().List()) == 0 {
		t.Error("no file dialog")
	}
	closeOverlays(e)
	// and what it writes is the command line's signed export
	var buf bytes.Buffer
	if err := p.WriteBallotJSON(closed.ID, &buf); err != nil {
		t.Fatal(err)
	}
	if payload, err := core.VerifyExport(buf.Bytes()); err != nil || payload.Ballot.ID != closed.ID {
		t.Fatalf("export does not verify: %v", err)
	}
	open := fixtureOpenBallot(t, p)
	bs = openBallot(t, s, open.ID)
	bs.detail.tabs.SelectIndex(1)
	e.l.waitFor(t, "the results", func() bool { return len(bs.detail.results.who) == len(open.Eligible) })
	if e.button("Xuất JSON có chữ ký") != nil {
		t.Error("signed export offered on an open ballot")
	}
}

func TestExportName(t *testing.T) {
	day := time.Date(2023, 7, 26, 23, 30, 0, 0, time.UTC) // 27 July in Hanoi
	for _, tc := range []struct {
		name, what, title, want string
	}{
		{"vi", "tong-hop-y-kien", "Phiếu lấy ý kiến về dự thảo Chương trình Phiên họp thứ năm",
			"tong-hop-y-kien-phieu-lay-y-kien-ve-du-thao-chuong-trinh-phien-hop-thu-nam-2023-07-27"},
		{"đ and punctuation", "tong-hop-y-kien", "Đề án số 06/ĐA: “Đất đai”!",
			"tong-hop-y-kien-de-an-so-06-da-dat-dai-2023-07-27"},
		{"long title cut at a word", "opinion-summary", longBallotTitle,
			"opinion-summary-phieu-lay-y-kien-thanh-vien-ban-chi-dao-ve-du-thao-bao-cao-2023-07-27"},
		{"no title", "tong-hop-y-kien", "  ", "tong-hop-y-kien-2023-07-27"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exportName(tc.what, tc.title, day); got != tc.want {
				t.Errorf("exportName(%q) = %q, want %q", tc.title, got, tc.want)
			}
		})
	}
}

func FuzzExportName(f *testing.F) {
	f.Add("Phiếu lấy ý kiến về Kế hoạch cải cách hành chính 6 tháng cuối năm 2023")
	f.Add("../../etc/passwd")
	f.Fuzz(func(t *testing.T, title string) {
		got := exportName("tong-hop-y-kien", title, fixedNow)
		for _, r := range got {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("exportName(%q) = %q has %q", title, got, r)
			}
		}
		if len(got) > len("tong-hop-y-kien-")+maxSlug+len("-2023-07-21") {
			t.Fatalf("exportName(%q) = %q is too long", title, got)
		}
	})
}
