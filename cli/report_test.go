package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReport_GivenTheSample_ThenEachDocumentIsSaved: a secretary records a
// conclusion, saves the invitation, the minutes and a summary of opinions
// of the sample committee from the command line, and finalises the
// minutes; a folder that does not exist is a translated error and leaves
// nothing.
func TestReport_GivenTheSample_ThenEachDocumentIsSaved(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "sample")
	if res := run(t, "--profile", dir, "sample"); res.code != 0 {
		t.Fatalf("sample: %d %s", res.code, res.stderr)
	}
	var meetings []struct{ ID, Title, Status string }
	runJSON(t, &meetings, "--profile", dir, "meeting", "list", "--json")
	var fifth string
	for _, m := range meetings {
		if m.Status == "closed" {
			fifth = m.ID
		}
	}
	var ballots []struct{ ID, Status string }
	runJSON(t, &ballots, "--profile", dir, "ballot", "list", "--json")
	closed := ballots[1].ID
	var show struct {
		Agenda []struct{ ID, Title string }
	}
	runJSON(t, &show, "--profile", dir, "--json", "meeting", "show", "--meeting", fifth)
	last := show.Agenda[len(show.Agenda)-1].ID
	const conclusion = "Các bộ, ngành, địa phương đẩy mạnh số hóa hồ sơ, kết quả giải quyết thủ tục hành chính."
	if res := run(t, "--profile", dir, "--lang", "vi", "minutes", "conclude", "--meeting", fifth, "--item", last, "--text", conclusion); res.code != 0 ||
		!strings.Contains(res.stdout, "Đã ghi kết luận cho nội dung “Kết luận phiên họp”.") {
		t.Fatalf("minutes conclude: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
	out := t.TempDir()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--lang", "vi", "report", "invitation", "--meeting", fifth}, []string{"GIẤY MỜI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Phát biểu khai mạc phiên họp", "Trang 1/"}},
		{[]string{"--lang", "vi", "report", "minutes", "--meeting", fifth}, []string{"BIÊN BẢN", "I. THÀNH PHẦN THAM DỰ", "Kết luận phiên họp", "Kết luận: " + conclusion, "DỰ THẢO"}},
		{[]string{"--lang", "en", "report", "summary", "--ballot", closed}, []string{"REPORT", "Summary of members' opinions on", "Page 1/"}},
		// The book: cover, agenda and contents, then the session's paper
		// on this computer (the sample's five-page report).
		{[]string{"--lang", "vi", "report", "book", "--meeting", fifth}, []string{"TẬP TÀI LIỆU HỌP", "Tài liệu của đồng chí", "CHƯƠNG TRÌNH HỌP", "MỤC LỤC", "Kết luận phiên họp", "Tài liệu họp của", "Trang 1/8", "Trang 8/8"}},
	}
	for i, tt := range tests {
		path := filepath.Join(out, tt.args[3]+".pdf")
		var res struct {
			Out   string
			Bytes int64
		}
		runJSON(t, &res, append(append([]string{"--profile", dir, "--json"}, tt.args...), "--out", path)...)
		if res.Out != path || res.Bytes < 1000 {
			t.Errorf("%d: output %+v", i, res)
		}
		text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(string(text)), " ")
		for _, w := range tt.want {
			if !strings.Contains(flat, w) {
				t.Errorf("%s lacks %q", tt.args[3], w)
			}
		}
	}

	// The secretariat prints a member's book: their name on the cover and
	// in the watermark, not the secretary's.
	var members []struct{ ID, Name string }
	runJSON(t, &members, "--profile", dir, "member", "list", "--json")
	var tra string
	for _, m := range members {
		if m.Name == "Phạm Thị Thanh Trà" {
			tra = m.ID
		}
	}
	trasBook := filepath.Join(t.TempDir(), "tra.pdf")
	runJSON(t, new(struct{}), "--profile", dir, "--json", "--lang", "vi", "report", "book", "--meeting", fifth, "--member", tra, "--out", trasBook)
	if text, err := exec.Command("pdftotext", "-enc", "UTF-8", trasBook, "-").Output(); err != nil {
		t.Fatal(err)
	} else if flat := strings.Join(strings.Fields(string(text)), " "); !strings.Contains(flat, "Phạm Thị Thanh Trà") || !strings.Contains(flat, "Trang 8/8") {
		t.Errorf("a member's book made by the secretariat lacks their name or the paper: %q", flat[:min(len(flat), 400)])
	}
	if res := run(t, "--profile", dir, "--lang", "vi", "report", "book", "--meeting", fifth, "--member", "nosuchmember", "--out", trasBook); res.code == 0 {
		t.Errorf("a book for an unknown member: exit 0")
	}

	if res := run(t, "--profile", dir, "--lang", "vi", "minutes", "finalise", "--meeting", fifth); res.code != 0 {
		t.Fatalf("minutes finalise: exit %d, %q", res.code, res.stderr)
	}
	if res := run(t, "--profile", dir, "--lang", "vi", "minutes", "conclude", "--meeting", fifth, "--item", last, "--text", "Sửa"); res.code != 1 ||
		!strings.Contains(res.stderr, "Biên bản đã được chốt; kết luận không còn thay đổi được.") {
		t.Errorf("conclude after finalising: exit %d, %q", res.code, res.stderr)
	}

	bad := filepath.Join(out, "no", "such", "folder", "x.pdf")
	res := run(t, "--profile", dir, "--lang", "vi", "report", "invitation", "--meeting", fifth, "--out", bad)
	if res.code != 1 || !strings.Contains(res.stderr, "Không ghi được tài liệu vào "+bad) || res.stdout != "" {
		t.Errorf("unwritable output: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 4 {
		t.Errorf("files left: %v, want the four documents", entries)
	}
	// --out naming a folder (or no --out: the current one) saves the
	// document there under the name the app offers.
	folder := t.TempDir()
	var saved struct{ Out string }
	runJSON(t, &saved, "--profile", dir, "--json", "report", "summary", "--ballot", closed, "--out", folder)
	if filepath.Dir(saved.Out) != folder || !strings.HasPrefix(filepath.Base(saved.Out), "summary-of-opinions-") {
		t.Errorf("--out folder: saved as %q", saved.Out)
	}
	if st, err := os.Stat(saved.Out); err != nil || st.Size() == 0 {
		t.Errorf("--out folder: %v", err)
	}
	t.Chdir(folder)
	runJSON(t, &saved, "--profile", dir, "--json", "report", "invitation", "--meeting", fifth)
	if filepath.IsAbs(saved.Out) || !strings.HasSuffix(saved.Out, ".pdf") {
		t.Errorf("no --out: saved as %q, want a name in the current folder", saved.Out)
	}
	if entries, _ := os.ReadDir(folder); len(entries) != 2 {
		t.Errorf("folder holds %v, want the two documents", entries)
	}
}
