package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/cli"
)

type enrollJSON struct {
	Member      string `json:"member"`
	MemberID    string `json:"member_id"`
	Role        string `json:"role"`
	Device      string `json:"device"`
	Fingerprint string `json:"fingerprint"`
}

// TestHubAndDevices is the journey of DESIGN.md §5 with real processes: a
// hub, a secretary on two devices, a chair and two members.
func TestHubAndDevices(t *testing.T) {
	root := t.TempDir()
	h := &hub{data: filepath.Join(root, "hub"), addr: freeAddr(t)}
	var init struct {
		Fingerprint string `json:"fingerprint"`
		Invite      string `json:"invite"`
		SecretaryID string `json:"secretary_id"`
	}
	ok(t, &init, "hub", "init", "--data", h.data, "--name", "Văn phòng Chính phủ")
	h.start(t)
	defer func() { h.stop(t, syscall.SIGTERM) }()

	enroll := func(name, code string) (device, enrollJSON) {
		t.Helper()
		d := device{t, filepath.Join(root, name)}
		var e enrollJSON
		ok(t, &e, "--profile", d.dir, "enroll", "--hub", h.url(), "--invite", code)
		if e.Fingerprint != init.Fingerprint {
			t.Fatalf("%s sees hub fingerprint %q, the hub printed %q", name, e.Fingerprint, init.Fingerprint)
		}
		return d, e
	}
	invite := func(member string) string {
		t.Helper()
		var inv struct {
			Invite string `json:"invite"`
		}
		ok(t, &inv, "hub", "invite", "--data", h.data, "--member", member) // through the running hub
		return inv.Invite
	}

	// The secretary enrolls with the invite from hub init and adds the committee.
	S, se := enroll("secretary", init.Invite)
	if se.Role != "secretary" || se.MemberID != init.SecretaryID {
		t.Fatalf("secretary enrolled as %+v", se)
	}
	var chair, a, b idJSON
	S.ok(&chair, "member", "add", "--name", "Phạm Minh Chính", "--title", "Thủ tướng Chính phủ", "--role", "chair")
	S.ok(&a, "member", "add", "--name", "Trần Lưu Quang", "--role", "member")
	S.ok(&b, "member", "add", "--name", "Phạm Thị Thanh Trà", "--role", "member")
	S.sync()

	// An invite works once.
	codeA := invite(a.ID)
	A, _ := enroll("member-a", codeA)
	if r := run(t, "--profile", filepath.Join(root, "again"), "enroll", "--hub", h.url(), "--invite", codeA); r.code != 1 || !strings.Contains(r.stderr, "already been used") {
		t.Fatalf("reused invite: exit %d, %q", r.code, r.stderr)
	}
	B, be := enroll("member-b", invite(b.ID))
	C, _ := enroll("chair", invite(chair.ID))
	S2, _ := enroll("secretary-2", invite(init.SecretaryID))

	// The secretary prepares a session and a ballot; the others see them after sync.
	var m, item, bl idJSON
	S.ok(&m, "meeting", "create", "--title", "Phiên họp thứ năm Ban Chỉ đạo CCHC", "--start", time.Now().Add(72*time.Hour).UTC().Format(time.RFC3339), "--place", "Trụ sở Chính phủ")
	S.ok(&item, "agenda", "add", "--meeting", m.ID, "--title", "Báo cáo kết quả CCHC 6 tháng đầu năm 2023", "--presenter", "Bộ trưởng Bộ Nội vụ", "--minutes", "30")
	// A draft is the secretariat's; published, it reaches the members.
	S.ok(nil, "meeting", "status", "--meeting", m.ID, "--to", "published")
	S.ok(&bl, "ballot", "issue", "--title", "Phiếu lấy ý kiến về Kế hoạch CCHC", "--question", "Đồng ý thông qua Kế hoạch?", "--deadline", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))
	S.sync()
	for _, d := range []device{A, B, C, S2} {
		d.sync()
		var show struct {
			Title  string `json:"title"`
			Agenda []struct {
				Title string `json:"title"`
			} `json:"agenda"`
		}
		d.ok(&show, "meeting", "show", "--meeting", m.ID)
		if show.Title != "Phiên họp thứ năm Ban Chỉ đạo CCHC" || len(show.Agenda) != 1 {
			t.Fatalf("%s sees meeting %+v", d.dir, show)
		}
		var ballots []idJSON
		d.ok(&ballots, "ballot", "list")
		if len(ballots) != 1 || ballots[0].ID != bl.ID {
			t.Fatalf("%s sees ballots %+v", d.dir, ballots)
		}
	}

	// A member answers while the hub is down; the answer goes through once it is back.
	h.stop(t, syscall.SIGTERM)
	A.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "agree", "--comment", "Nhất trí với Kế hoạch")
	if r := A.run("sync"); r.code != 1 {
		t.Fatalf("sync with the hub down: exit %d, want 1 (%s)", r.code, r.stderr)
	}
	h.start(t)
	if rep := A.sync(); rep.Accepted != 1 || rep.Pending != 0 {
		t.Fatalf("sync after the hub came back: %+v", rep)
	}

	// The hub is killed mid-push: nothing acknowledged is lost or doubled.
	const changes = 40
	for i := 0; i < changes; i++ {
		B.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", []string{"agree", "disagree", "other"}[i%3], "--comment", fmt.Sprintf("lần %d", i+1))
	}
	bg := exec.Command(bin, "--profile", B.dir, "sync")
	bg.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase)
	if err := bg.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Duration(150+rand.IntN(250)) * time.Millisecond)
	h.stop(t, syscall.SIGKILL)
	bg.Wait()
	h.start(t)
	if rep := B.sync(); rep.Pending != 0 {
		t.Fatalf("B after the hub restarted: %+v", rep)
	}
	S.sync()
	var tally tallyJSON
	S.ok(&tally, "ballot", "tally", "--ballot", bl.ID, "--all")
	fromB := 0
	for _, ans := range tally.History {
		if ans.MemberID == b.ID {
			fromB++
		}
	}
	if fromB != changes {
		t.Fatalf("the hub holds %d of B's answers, want exactly %d", fromB, changes)
	}
	// A agreed; B's last answer is the one that counts.
	wantCounts := map[string]int{"agree": 1, "disagree": 0, "other": 0}
	wantCounts[[]string{"agree", "disagree", "other"}[(changes-1)%3]]++
	for k, n := range wantCounts {
		if tally.Counts[k] != n {
			t.Fatalf("tally after the kill: %v, want %v", tally.Counts, wantCounts)
		}
	}

	// A stale edit: both secretary devices edit the same item offline.
	S2.sync()
	S.ok(nil, "agenda", "edit", "--meeting", m.ID, "--item", item.ID, "--title", "Báo cáo (bản của máy 1)")
	S2.ok(nil, "agenda", "edit", "--meeting", m.ID, "--item", item.ID, "--title", "Báo cáo (bản của máy 2)")
	S.sync()
	rep := S2.sync()
	if len(rep.Rejected) != 1 || rep.Rejected[0].Code != "err.stale" {
		t.Fatalf("stale edit: %+v, want one err.stale", rep.Rejected)
	}
	var show struct {
		Agenda []struct {
			Title string `json:"title"`
		} `json:"agenda"`
	}
	S2.ok(&show, "meeting", "show", "--meeting", m.ID)
	if show.Agenda[0].Title != "Báo cáo (bản của máy 1)" {
		t.Fatalf("after the conflict the second device shows %q", show.Agenda[0].Title)
	}

	// A late answer: the ballot closes before it arrives; its sender is told.
	A.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "disagree")
	S.ok(nil, "ballot", "close", "--ballot", bl.ID)
	S.sync()
	r := A.run("sync")
	if r.code != 0 || !strings.Contains(r.stderr, "closed") {
		t.Fatalf("late answer: exit %d, stderr %q; want the member told the ballot closed", r.code, r.stderr)
	}

	// The hub signs the result at close; every replica checks it.
	S.waitSignedResult(bl.ID, 15*time.Second, nil)
	// The audit log verifies, and a signed export checks out.
	var av struct {
		OK      bool `json:"ok"`
		Entries int  `json:"entries"`
	}
	S.ok(&av, "audit", "verify")
	if !av.OK || av.Entries < changes+4 {
		t.Fatalf("audit verify: %+v", av)
	}
	exp := S.run("ballot", "export", "--ballot", bl.ID, "--format", "json")
	if exp.code != 0 || cli.VerifyExport([]byte(exp.stdout)) != nil {
		t.Fatalf("signed export: exit %d, verify %v", exp.code, cli.VerifyExport([]byte(exp.stdout)))
	}
	forged := strings.Replace(exp.stdout, `"choice":"agree"`, `"choice":"disagree"`, 1)
	if forged == exp.stdout {
		t.Fatal("the export holds no agree answer to alter")
	}
	if cli.VerifyExport([]byte(forged)) == nil {
		t.Fatal("an altered export still verifies")
	}
	if csv := S.run("ballot", "export", "--ballot", bl.ID, "--format", "csv"); csv.code != 0 || !strings.HasPrefix(csv.stdout, "answer_id,member_id,member_name,choice") {
		t.Fatalf("csv export: %d %q", csv.code, csv.stdout)
	}

	// A revoked device is refused on its next connection.
	ok(t, nil, "hub", "revoke", "--data", h.data, "--device", be.Device)
	if r := B.run("sync"); r.code != 1 || !strings.Contains(strings.ToLower(r.stderr), "revoked") {
		t.Fatalf("revoked device: exit %d, %q", r.code, r.stderr)
	}

	// Every replica that sees all answers agrees on the result.
	var want tallyJSON
	S.ok(&want, "ballot", "tally", "--ballot", bl.ID)
	for _, d := range []device{S2, C} {
		d.sync()
		var got tallyJSON
		d.ok(&got, "ballot", "tally", "--ballot", bl.ID)
		if fmt.Sprint(got.Counts) != fmt.Sprint(want.Counts) || got.Standing != want.Standing {
			t.Fatalf("%s tally %+v, secretary %+v", d.dir, got, want)
		}
	}
}
