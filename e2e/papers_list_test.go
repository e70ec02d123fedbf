package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/store/blob"
)

// noisePNG is a PNG of random pixels: incompressible, so the PDF it goes
// into is several chunks long, and the same bytes in every version made
// with it (shared chunks).
func noisePNG(t *testing.T, side int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, side, side))
	rand.Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff // opaque: fpdf embeds an RGB PNG's data as it is
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeBigPDF writes an uncompressed PDF of n pages whose text carries
// secret, the first page with the noise image on it.
func writeBigPDF(t *testing.T, path, secret string, n int, noise []byte) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 14)
	f.RegisterImageOptionsReader("noise", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(noise))
	for i := range n {
		f.AddPage()
		f.Cell(40, 10, fmt.Sprintf("%s - page %d", secret, i+1))
		if i == 0 {
			f.ImageOptions("noise", 20, 30, 120, 120, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		}
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

var chunkName = regexp.MustCompile(`^[0-9a-f]{64}$`)

// chunkFiles is the set of chunk files (named by their 64 hex digits)
// under a profile's papers directory.
func chunkFiles(t *testing.T, profile string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	root := filepath.Join(profile, "papers")
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && chunkName.MatchString(d.Name()) && !strings.Contains(path, "quarantine") {
			out[d.Name()] = true
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

// noPlaintext fails the test for every file under dirs that contains one
// of the secrets.
func noPlaintext(t *testing.T, dirs []string, secrets ...string) {
	t.Helper()
	files := 0
	for _, dir := range dirs {
		err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
			if err != nil || !fi.Mode().IsRegular() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("plaintext %q of a paper in %s", s, path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files == 0 {
		t.Fatal("no file was scanned for plaintext")
	}
}

// chunkAnswers asks the hub, with the device's own mTLS credentials, for
// each chunk of a paper and returns each answer as "status body".
func chunkAnswers(t *testing.T, d device, paper string, chunks []string) []string {
	t.Helper()
	p, err := core.Open(d.dir, []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := replica.NewClient(p)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out []string
	for _, id := range chunks {
		st, body, err := c.ChunkAnswer(ctx, paper, id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %x", st, body))
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type fetchJSON struct {
	Papers  int   `json:"papers"`
	Offline int   `json:"offline"`
	Fetched int   `json:"fetched"`
	Bytes   int64 `json:"bytes"`
	Removed int   `json:"removed"`
	Refused int   `json:"refused"`
	Streams int   `json:"streams"`
}

type paperShowJSON struct {
	paperRow
	Readable bool `json:"readable"`
	Versions []struct {
		Number  int    `json:"number"`
		Chunks  int    `json:"chunks"`
		SHA256  string `json:"sha256"`
		Offline bool   `json:"offline"`
	} `json:"versions"`
}

// TestPapers_ThreeDevices: real processes, a hub and the devices of a
// secretary and three members. A paper restricted to two members reaches
// exactly those two; the third holds none of its chunks, and its direct
// requests for them get the very answer a chunk that does not exist gets.
// A replaced version reaches both; a device one of them enrols afterwards
// gets the paper's key at the secretary's next sync and reads it; a
// recalled paper disappears from their lists and their disks; a ballot's
// answer names the paper versions it was given on. And no plaintext of
// any paper is in any profile directory or the hub's.
func TestPapers_ThreeDevices(t *testing.T) {
	o := newOrg(t)
	enroll, invite, root := o.enroll, o.inviteFor, o.root
	S := enroll("secretary", o.invite)
	var a, b, c idJSON
	S.ok(&a, "member", "add", "--name", "Trần Lưu Quang", "--title", "Phó Thủ tướng Chính phủ", "--role", "member")
	S.ok(&b, "member", "add", "--name", "Phạm Thị Thanh Trà", "--title", "Bộ trưởng Bộ Nội vụ", "--role", "member")
	S.ok(&c, "member", "add", "--name", "Nguyễn Văn Thắng", "--title", "Bộ trưởng Bộ Tài chính", "--role", "member")
	S.sync()
	A := enroll("member-a", invite(a.ID))
	B := enroll("member-b", invite(b.ID))
	C := enroll("member-c", invite(c.ID))
	members := []device{A, B, C}
	syncAll := func() {
		t.Helper()
		S.sync()
		for _, d := range members {
			d.sync()
		}
	}
	fetch := func(d device) fetchJSON {
		t.Helper()
		var f fetchJSON
		d.ok(&f, "paper", "fetch")
		return f
	}
	listed := func(d device, id string) (paperRow, bool) {
		t.Helper()
		var list []paperRow
		d.ok(&list, "paper", "list")
		for _, r := range list {
			if r.ID == id {
				return r, true
			}
		}
		return paperRow{}, false
	}
	syncAll()

	var m, item idJSON
	S.ok(&m, "meeting", "create", "--title", "Phiên họp Chính phủ thường kỳ tháng 12 năm 2026", "--start", time.Now().Add(72*time.Hour).UTC().Format(time.RFC3339))
	S.ok(&item, "agenda", "add", "--meeting", m.ID, "--title", "Dự thảo Nghị định về quản lý nợ công", "--minutes", "45")
	S.ok(nil, "meeting", "status", "--meeting", m.ID, "--to", "published")

	noise := noisePNG(t, 1200)
	secret1, secret2 := "DUTHAO-NGHIDINH-E2E-7731", "DUTHAO-NGHIDINH-BAN2-E2E-7732"
	v1path, v2path := filepath.Join(root, "du-thao.pdf"), filepath.Join(root, "du-thao-v2.pdf")
	v1 := writeBigPDF(t, v1path, secret1, 4, noise)
	v2 := writeBigPDF(t, v2path, secret2, 5, noise)
	var paper idJSON
	S.ok(&paper, "paper", "add", "--meeting", m.ID, "--item", "1", "--file", v1path, "--title", "Dự thảo Nghị định", "--to", a.ID+","+b.ID)
	syncAll()

	// The two on the list have it on their computers; the third has nothing.
	for _, d := range []device{A, B} {
		if f := fetch(d); f.Offline != 1 || f.Fetched < 3 {
			t.Fatalf("%s fetched %+v, want the paper's chunks (3 or more) and it offline", d.dir, f)
		}
		if r, ok := listed(d, paper.ID); !ok || !r.Offline {
			t.Fatalf("%s lists the paper: %+v, %v; want it offline", d.dir, r, ok)
		}
		// Saving their copy opens it: a new version then shows "updated".
		out := filepath.Join(root, filepath.Base(d.dir)+"-v1.pdf")
		d.ok(nil, "paper", "export", "--paper", paper.ID, "--out", out)
		if got, _ := os.ReadFile(out); !bytes.Equal(got, v1) {
			t.Fatalf("%s exports a paper that differs from the file attached", d.dir)
		}
	}
	if f := fetch(C); f.Papers != 0 || f.Fetched != 0 {
		t.Fatalf("the member off the list fetched %+v", f)
	}
	if _, ok := listed(C, paper.ID); ok {
		t.Fatal("the member off the list lists the paper")
	}
	held := chunkFiles(t, A.dir)
	if len(held) < 3 {
		t.Fatalf("member A holds %d chunk files, want the paper's 3 or more", len(held))
	}
	if got := chunkFiles(t, C.dir); len(got) != 0 {
		t.Fatalf("the member off the list holds %d chunk files", len(got))
	}

	// The third member's own requests for those chunks are answered as
	// one for a chunk that does not exist, of this paper or of none;
	// member A's (the control) are served.
	var ids []string
	for id := range held {
		ids = append(ids, id)
	}
	if got := chunkAnswers(t, A, paper.ID, ids[:1]); !strings.HasPrefix(got[0], "200 ") {
		t.Fatalf("member A's own request for a chunk of the paper: %.40s", got[0])
	}
	absent := chunkAnswers(t, C, paper.ID, []string{randomHex(32)})[0]
	if !strings.HasPrefix(absent, "404 ") {
		t.Fatalf("a chunk that does not exist: %.80s, want 404", absent)
	}
	for i, got := range chunkAnswers(t, C, paper.ID, ids) {
		if got != absent {
			t.Errorf("the member off the list asking for chunk %s: %q, want %q (as for one that does not exist)", ids[i], got, absent)
		}
	}
	if got := chunkAnswers(t, C, randomHex(16), ids[:1])[0]; got != absent {
		t.Errorf("a chunk under a paper that does not exist: %q, want %q", got, absent)
	}

	// A new version reaches both, marked updated, and is the file attached.
	S.ok(nil, "paper", "replace", "--paper", paper.ID, "--file", v2path)
	syncAll()
	for _, d := range []device{A, B} {
		fetch(d)
		r, ok := listed(d, paper.ID)
		if !ok || r.Version != 2 || !r.Offline || r.Read != "updated" {
			t.Fatalf("%s after the replace: %+v, %v; want version 2 offline, updated", d.dir, r, ok)
		}
		out := filepath.Join(root, filepath.Base(d.dir)+"-v2.pdf")
		d.ok(nil, "paper", "export", "--paper", paper.ID, "--out", out)
		if got, _ := os.ReadFile(out); !bytes.Equal(got, v2) {
			t.Fatalf("%s exports a version 2 that differs from the file attached", d.dir)
		}
	}
	if got := chunkFiles(t, C.dir); len(got) != 0 {
		t.Fatalf("after the replace the member off the list holds %d chunk files", len(got))
	}
	both := chunkFiles(t, A.dir) // the chunks of the paper's two versions

	// Member A's new laptop, enrolled after the paper was added and
	// replaced: it lists the paper but cannot open it until the secretary's
	// next sync hands the key on (paper.rewrap); then it reads it.
	A2 := enroll("member-a-laptop", invite(a.ID))
	A2.sync()
	var show paperShowJSON
	A2.ok(&show, "paper", "show", "--paper", paper.ID)
	if show.Readable {
		t.Fatal("the new device holds the paper's key before any secretary's device gave it")
	}
	// `paper fetch` says why nothing came, in the user's language.
	var waiting struct {
		AwaitingKey int `json:"awaiting_key"`
	}
	A2.ok(&waiting, "paper", "fetch")
	if waiting.AwaitingKey != 1 {
		t.Errorf("the new device's fetch: %d papers awaiting their key, want 1", waiting.AwaitingKey)
	}
	for lang, want := range map[string]string{
		"vi_VN.UTF-8": "1 tài liệu đang chờ khóa từ thư ký; sẽ tải sau lần đồng bộ tới của thư ký",
		"en_US.UTF-8": "Papers waiting for their key from the secretariat: 1.",
	} {
		r := runEnv(t, bin, envWith("LANG="+lang, "ECABINET_PASSPHRASE="+passphrase), "--profile", A2.dir, "paper", "fetch")
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("LANG=%s paper fetch: exit %d, %q; want it to say %q", lang, r.code, r.stdout, want)
		}
	}
	S.sync()
	A2.sync()
	if f := fetch(A2); f.Offline != 1 {
		t.Fatalf("the new device fetched %+v, want the paper offline", f)
	}
	out := filepath.Join(root, "a2-v2.pdf")
	A2.ok(nil, "paper", "export", "--paper", paper.ID, "--out", out)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, v2) {
		t.Fatal("the new device exports a version that differs from the file attached")
	}
	members = append(members, A2)

	// A ballot with a paper: the answer names the version it was given on.
	var bl idJSON
	S.ok(&bl, "ballot", "issue", "--title", "Phiếu lấy ý kiến thành viên Chính phủ về Dự thảo Nghị định",
		"--question", "Đồng ý thông qua Dự thảo Nghị định?", "--deadline", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339),
		"--eligible", a.ID+","+b.ID)
	secret3 := "PHIEU-LAY-Y-KIEN-E2E-7733"
	bpath := filepath.Join(root, "phieu.pdf")
	writePDF(t, bpath, secret3, 2)
	var bp idJSON
	S.ok(&bp, "paper", "add", "--ballot", bl.ID, "--file", bpath, "--title", "Hồ sơ trình")
	bpath2 := filepath.Join(root, "phieu-v2.pdf")
	writePDF(t, bpath2, secret3+"-V2", 3)
	S.ok(nil, "paper", "replace", "--paper", bp.ID, "--file", bpath2)
	syncAll()
	A.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "agree", "--comment", "Nhất trí với Dự thảo")
	A.sync()
	S.sync()
	var ex struct {
		Payload struct {
			Answers []struct {
				MemberID string         `json:"member_id"`
				Papers   map[string]int `json:"papers"`
			} `json:"answers"`
		} `json:"payload"`
	}
	expath := filepath.Join(root, "ballot.json")
	S.ok(nil, "ballot", "export", "--ballot", bl.ID, "--format", "json", "--out", expath)
	raw, err := os.ReadFile(expath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatalf("the ballot's export: %v\n%s", err, raw)
	}
	if ans := ex.Payload.Answers; len(ans) != 1 || ans[0].MemberID != a.ID || ans[0].Papers[bp.ID] != 2 || len(ans[0].Papers) != 1 {
		t.Fatalf("the exported answers: %+v, want member A's naming version 2 of the ballot's paper", ans)
	}
	if _, err := core.VerifyExport(raw); err != nil {
		t.Fatalf("the ballot's export does not verify: %v", err)
	}

	// Recall: the paper leaves the members' lists and disks at their next
	// sync; the ballot's paper stays.
	S.ok(nil, "paper", "recall", "--paper", paper.ID)
	syncAll()
	for _, d := range []device{A, B, A2} {
		if f := fetch(d); f.Removed == 0 {
			t.Errorf("%s removed no chunk after the recall: %+v", d.dir, f)
		}
		if _, ok := listed(d, paper.ID); ok {
			t.Errorf("%s still lists the recalled paper", d.dir)
		}
		if r := d.run("paper", "export", "--paper", paper.ID, "--out", filepath.Join(root, "recalled.pdf")); r.code == 0 {
			t.Errorf("%s exported the recalled paper", d.dir)
		}
		left := chunkFiles(t, d.dir)
		for id := range left {
			if both[id] {
				t.Errorf("%s still holds chunk %s of the recalled paper", d.dir, id)
			}
		}
		if r, ok := listed(d, bp.ID); !ok || !r.Offline || len(left) == 0 {
			t.Errorf("%s's ballot paper after the recall: %+v, %v, %d chunk files; want it kept", d.dir, r, ok, len(left))
		}
	}

	// No plaintext of any paper anywhere but in the exports the members
	// asked for (outside their profiles).
	dirs := []string{o.h.data, S.dir}
	for _, d := range members {
		dirs = append(dirs, d.dir)
	}
	noPlaintext(t, dirs, secret1, secret2, secret3)
}

// writeNoiseFile writes n incompressible bytes to path, secret at the
// start of every MiB, and returns their SHA-256.
func writeNoiseFile(t *testing.T, path string, n int, secret string) [32]byte {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var seed [32]byte
	rand.Read(seed[:])
	rng := mrand.NewChaCha8(seed)
	h := sha256.New()
	block := make([]byte, 1<<20)
	for left := n; left > 0; left -= len(block) {
		rng.Read(block)
		copy(block, secret)
		b := block[:min(len(block), left)]
		h.Write(b)
		if _, err := f.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// servedChunks reads the hub's debug log: how many times each chunk was
// served, and its size.
func servedChunks(t *testing.T, log string) (times map[string]int, size map[string]int64) {
	t.Helper()
	times, size = map[string]int{}, map[string]int64{}
	for _, line := range strings.Split(log, "\n") {
		var e struct {
			Msg   string `json:"msg"`
			Chunk string `json:"chunk"`
			Bytes int64  `json:"bytes"`
		}
		if json.Unmarshal([]byte(line), &e) != nil || e.Msg != "chunk served" {
			continue
		}
		times[e.Chunk]++
		size[e.Chunk] = e.Bytes
	}
	return times, size
}

// TestPapers_HubKilledMidTransfer: the hub process is killed (SIGKILL)
// while a member's device downloads a 200 MB paper, and started again. The
// download resumes with the chunks still missing: the hub, which logs
// every chunk it begins to send, sent again at most one chunk per parallel
// stream (those in flight at the kill), and the paper the member exports
// is the file attached, to the byte.
func TestPapers_HubKilledMidTransfer(t *testing.T) {
	o := newOrg(t, "--log-level", "debug")
	S := o.enroll("secretary", o.invite)
	var a idJSON
	S.ok(&a, "member", "add", "--name", "Trần Lưu Quang", "--title", "Phó Thủ tướng Chính phủ", "--role", "member")
	S.sync()
	A := o.enroll("member-a", o.inviteFor(a.ID))
	A.sync()
	S.sync()
	var m idJSON
	S.ok(&m, "meeting", "create", "--title", "Phiên họp Chính phủ chuyên đề về quy hoạch", "--start", time.Now().Add(72*time.Hour).UTC().Format(time.RFC3339))
	S.ok(nil, "agenda", "add", "--meeting", m.ID, "--title", "Quy hoạch tổng thể quốc gia", "--minutes", "60")
	S.ok(nil, "meeting", "status", "--meeting", m.ID, "--to", "published")

	const size = 200 << 20 // the default limit, 200 MB
	secret := "BANDO-QUYHOACH-MAT-E2E-8841"
	src := filepath.Join(o.root, "ban-do-quy-hoach.bin")
	want := writeNoiseFile(t, src, size, secret)
	var added struct {
		ID     string `json:"id"`
		Chunks int    `json:"chunks"`
	}
	S.ok(&added, "paper", "add", "--meeting", m.ID, "--item", "1", "--file", src, "--to", a.ID)
	S.sync() // uploads the chunks, then the op
	A.sync()
	total := added.Chunks
	if total < 50 {
		t.Fatalf("the 200 MB paper is %d chunks; the test needs many", total)
	}

	// The member's download, killed under it: the hub goes at the 10th
	// chunk on disk.
	fetch := exec.Command(bin, "--profile", A.dir, "paper", "fetch", "--json")
	fetch.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase, "LANG=en_US.UTF-8")
	var fout bytes.Buffer
	fetch.Stdout, fetch.Stderr = &fout, &fout
	if err := fetch.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- fetch.Wait() }()
	var ferr error
	killed := false
	for !killed {
		select {
		case ferr = <-done:
			t.Fatalf("the download ended before the hub was killed: %v\n%s", ferr, fout.String())
		case <-time.After(10 * time.Millisecond):
			if len(chunkFiles(t, A.dir)) >= 10 {
				o.h.stop(t, syscall.SIGKILL)
				killed = true
			}
		}
	}
	if ferr = <-done; ferr == nil {
		t.Fatalf("the download succeeded although the hub was killed under it:\n%s", fout.String())
	}
	present := len(chunkFiles(t, A.dir))
	if present >= total {
		t.Fatalf("all %d chunks arrived before the kill", total)
	}
	firstLife := o.h.log.String()

	o.h.start(t)
	var f fetchJSON
	A.ok(&f, "paper", "fetch")
	if f.Offline != 1 || f.Fetched != total-present {
		t.Fatalf("the resumed download: %+v; want the %d chunks missing of %d, and the paper offline", f, total-present, total)
	}
	times, sizes := servedChunks(t, firstLife+o.h.log.String())
	if len(times) != total {
		t.Fatalf("the hub served %d distinct chunks, want the paper's %d", len(times), total)
	}
	var again, sent int64
	twice := 0
	for id, n := range times {
		sent += int64(n) * sizes[id]
		if n > 1 {
			twice++
			again += int64(n-1) * sizes[id]
		}
	}
	maxChunk := int64(papers.DefaultChunkerParams.Max + blob.Overhead) // the largest chunk, encrypted
	t.Logf("kill after %d of %d chunks on disk; hub sent %d bytes for a %d-byte paper: %d chunk(s), %d bytes sent again; %d streams",
		present, total, sent, size, twice, again, f.Streams)
	if f.Streams < 1 || twice > f.Streams || again > int64(f.Streams)*maxChunk {
		t.Fatalf("%d chunks (%d bytes) were sent again; at most one chunk per stream (%d) may be", twice, again, f.Streams)
	}

	out := filepath.Join(o.root, "export.bin")
	A.ok(nil, "paper", "export", "--paper", added.ID, "--out", out)
	ef, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, ef); err != nil {
		t.Fatal(err)
	}
	ef.Close()
	if got := h.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Fatalf("the exported paper's sha256 is %x, the file attached %x", got, want)
	}
	os.Remove(out)
	os.Remove(src)
	noPlaintext(t, []string{o.h.data, S.dir, A.dir}, secret)
}
