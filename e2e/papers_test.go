package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
)

// writePDF writes an uncompressed PDF of n pages whose text carries secret.
func writePDF(t *testing.T, path, secret string, n int) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 14)
	for i := range n {
		f.AddPage()
		f.Cell(40, 10, fmt.Sprintf("%s - page %d", secret, i+1))
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type paperRow struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Version  int    `json:"version"`
	Pages    int    `json:"pages"`
	Offline  bool   `json:"offline"`
	Read     string `json:"read"`
	Marking  string `json:"marking"`
	FileName string `json:"file_name"`
}

// TestPapers_AddListShowExport: the secretary attaches papers with the
// real binary; the member on the list fetches, lists, shows and exports
// them (a confidential one watermarked); the member off the list sees none.
func TestPapers_AddListShowExport(t *testing.T) {
	o := newOrg(t)
	enroll, invite, root := o.enroll, o.inviteFor, o.root
	S := enroll("secretary", o.invite)
	var a, b idJSON
	S.ok(&a, "member", "add", "--name", "Trần Lưu Quang", "--role", "member")
	S.ok(&b, "member", "add", "--name", "Phạm Thị Thanh Trà", "--role", "member")
	S.sync()
	A := enroll("member-a", invite(a.ID))
	B := enroll("member-b", invite(b.ID))
	A.sync()
	B.sync()
	S.sync() // the secretary learns their devices, so the papers' keys are wrapped for them

	var m, item idJSON
	S.ok(&m, "meeting", "create", "--title", "Phiên họp Chính phủ thường kỳ", "--start", "2026-12-20T08:00:00Z")
	S.ok(&item, "agenda", "add", "--meeting", m.ID, "--title", "Dự thảo Nghị định", "--minutes", "30")

	secret := "TOTRINH-MAT-E2E-5521"
	src := filepath.Join(root, "to-trinh.pdf")
	file := writePDF(t, src, secret, 3)
	plain := filepath.Join(root, "bao-cao.pdf")
	plainBytes := writePDF(t, plain, "BAO CAO CONG KHAI", 2)

	// bad input: a text file named .pdf, a path that does not exist
	bad := filepath.Join(root, "gia.pdf")
	os.WriteFile(bad, []byte("Đây không phải là một tệp PDF."), 0o600)
	if r := S.run("paper", "add", "--meeting", m.ID, "--item", "1", "--file", bad); r.code != 1 || !strings.Contains(r.stderr, "does not match its name") {
		t.Fatalf("mislabelled file: exit %d, %q", r.code, r.stderr)
	}
	if r := S.run("paper", "add", "--meeting", m.ID, "--item", "1", "--file", filepath.Join(root, "nope.pdf")); r.code != 1 || !strings.Contains(r.stderr, "could not be read") {
		t.Fatalf("missing file: exit %d, %q", r.code, r.stderr)
	}

	var conf, open idJSON
	S.ok(&conf, "paper", "add", "--meeting", m.ID, "--item", "1", "--file", src, "--title", "Tờ trình (mật)", "--to", a.ID, "--confidential")
	S.ok(&open, "paper", "add", "--meeting", m.ID, "--item", item.ID, "--file", plain, "--to", a.ID)
	// Published after its papers were attached: the members receive the
	// meeting and, with it, its papers (the hub's reveal).
	S.ok(nil, "meeting", "status", "--meeting", m.ID, "--to", "published")
	S.sync()

	A.sync()
	var fetched struct {
		Fetched int `json:"fetched"`
		Offline int `json:"offline"`
	}
	A.ok(&fetched, "paper", "fetch")
	if fetched.Offline != 2 || fetched.Fetched < 2 {
		t.Fatalf("member A fetched %+v, want both papers offline", fetched)
	}
	var list []paperRow
	A.ok(&list, "paper", "list", "--meeting", m.ID)
	if len(list) != 2 || !list[0].Offline || !list[1].Offline {
		t.Fatalf("member A's list: %+v", list)
	}
	var show struct {
		paperRow
		Recipients []string `json:"recipients"`
		Versions   []struct {
			Number  int  `json:"number"`
			Pages   int  `json:"pages"`
			Offline bool `json:"offline"`
		} `json:"versions"`
	}
	A.ok(&show, "paper", "show", "--paper", conf.ID)
	if show.Marking != "confidential" || len(show.Versions) != 1 || show.Versions[0].Pages != 3 || !show.Versions[0].Offline || len(show.Recipients) != 2 {
		t.Fatalf("paper show: %+v", show)
	}

	// the plain paper exports as it was attached
	out := filepath.Join(root, "export-plain.pdf")
	A.ok(nil, "paper", "export", "--paper", open.ID, "--out", out)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, plainBytes) {
		t.Fatal("the exported plain paper differs from the attached file")
	}
	// the confidential one carries a watermark on each of its 3 pages: a new
	// PDF of page images, not the attached bytes
	wout := filepath.Join(root, "export-conf.pdf")
	var ex struct {
		Mode      string `json:"mode"`
		Watermark string `json:"watermark"`
	}
	A.ok(&ex, "paper", "export", "--paper", conf.ID, "--out", wout)
	if ex.Mode != "watermarked" || !strings.Contains(ex.Watermark, "Trần Lưu Quang") {
		t.Fatalf("confidential export: %+v", ex)
	}
	info, err := exec.Command("pdfinfo", wout).CombinedOutput()
	if err != nil || !strings.Contains(strings.Join(strings.Fields(string(info)), " "), "Pages: 3") {
		t.Fatalf("pdfinfo of the watermarked export: %v\n%s", err, info)
	}
	if got, _ := os.ReadFile(wout); bytes.Equal(got, file) || bytes.Contains(got, []byte(secret)) {
		t.Fatal("the confidential export is the original file, without a watermark")
	}

	// Exporting opened both papers: the secretariat sees, per member on
	// the list, who has opened which version (read receipts).
	A.sync()
	S.sync()
	var reads struct {
		Reads []struct {
			Member   string `json:"member"`
			Versions []struct {
				Version int `json:"version"`
			} `json:"versions"`
		} `json:"reads"`
	}
	S.ok(&reads, "paper", "show", "--paper", conf.ID)
	if len(reads.Reads) != 1 || reads.Reads[0].Member != a.ID || len(reads.Reads[0].Versions) != 1 || reads.Reads[0].Versions[0].Version != 1 {
		t.Fatalf("the secretary's paper show lists reads %+v, want member A on version 1", reads.Reads)
	}
	if r := S.run("paper", "show", "--paper", conf.ID, "--lang", "vi"); r.code != 0 || !strings.Contains(r.stdout, "Trần Lưu Quang: phiên bản 1") {
		t.Fatalf("the secretary's paper show in Vietnamese: exit %d\n%s", r.code, r.stdout)
	}
	// The text shows the read time in the computer's zone, as the app's
	// Read panel writes it; the JSON keeps the same ISO time in UTC.
	var raw struct {
		Reads []struct {
			Versions []struct {
				At string `json:"at"`
			} `json:"versions"`
		} `json:"reads"`
	}
	S.ok(&raw, "paper", "show", "--paper", conf.ID)
	iso := raw.Reads[0].Versions[0].At
	at, err := time.Parse(time.RFC3339Nano, iso)
	if err != nil || !strings.HasSuffix(iso, "Z") {
		t.Fatalf("the JSON read time %q is not an ISO time in UTC: %v", iso, err)
	}
	for _, tz := range []string{"Asia/Tokyo", "America/New_York"} {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			t.Fatal(err)
		}
		zoned := S.runTZ(tz, "paper", "show", "--paper", conf.ID, "--json")
		if zoned.code != 0 || !strings.Contains(zoned.stdout, `"at": "`+iso+`"`) {
			t.Fatalf("TZ=%s changes the JSON: exit %d\n%s", tz, zoned.code, zoned.stdout)
		}
		for lang, layout := range map[string]string{"vi": "02/01/2006 15:04", "en": "2 Jan 2006 15:04"} {
			r := S.runTZ(tz, "paper", "show", "--paper", conf.ID, "--lang", lang)
			if want := at.In(loc).Format(layout); r.code != 0 || !strings.Contains(r.stdout, want) {
				t.Fatalf("TZ=%s --lang %s: want the read time %q:\n%s", tz, lang, want, r.stdout)
			}
		}
	}
	reads.Reads = nil
	A.ok(&reads, "paper", "show", "--paper", conf.ID)
	if len(reads.Reads) != 0 {
		t.Fatalf("member A's paper show lists reads %+v", reads.Reads)
	}

	// member B is on neither list: nothing listed, nothing fetched, show refused
	B.sync()
	var blist []paperRow
	B.ok(&blist, "paper", "list")
	B.ok(&fetched, "paper", "fetch")
	if len(blist) != 0 || fetched.Fetched != 0 {
		t.Fatalf("member B lists %d papers and fetched %d chunks", len(blist), fetched.Fetched)
	}
	if r := B.run("paper", "show", "--paper", conf.ID); r.code != 1 {
		t.Fatalf("member B's paper show: exit %d", r.code)
	}

	// no plaintext of the confidential paper in any profile or the hub
	for _, dir := range []string{o.h.data, S.dir, A.dir, B.dir} {
		filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
			if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(secret)) {
				t.Errorf("plaintext of the paper in %s", path)
			}
			return nil
		})
	}
}

// runTZ runs a command on the device with the computer's time zone set to
// tz.
func (d device) runTZ(tz string, args ...string) result {
	d.t.Helper()
	cmd := exec.Command(bin, append([]string{"--profile", d.dir}, args...)...)
	cmd.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase, "LANG=en_US.UTF-8", "TZ="+tz)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		d.t.Fatalf("run %v: %v", args, err)
	}
	return result{code, o.String(), e.String()}
}
