package e2e

import (
	"strings"
	"testing"
	"time"
)

// TestBodiesAndAudiences runs the real binary as a hub and five device
// processes of an organisation with two bodies, and checks who receives
// what: a draft meeting only reaches the secretariat until it is published,
// a restricted meeting only its participants, a participant taken off it
// loses it at the next sync, a member of two bodies sees both and a member
// of one sees one, a ballot counts its own body's members, and a member
// who leaves a body loses its meetings at the next sync.
func TestBodiesAndAudiences(t *testing.T) {
	o := newOrg(t)
	enroll, invite := o.enroll, o.inviteFor
	S := enroll("secretary", o.invite)
	var reform, pm, dpm, minister, member idJSON
	S.ok(&reform, "body", "create", "--name", "Ban Chỉ đạo cải cách hành chính của Chính phủ")
	S.ok(&pm, "member", "add", "--name", "Phạm Minh Chính", "--title", "Thủ tướng Chính phủ", "--role", "chair", "--body", "main")
	S.ok(&dpm, "member", "add", "--name", "Trần Lưu Quang", "--title", "Phó Thủ tướng Chính phủ", "--role", "member", "--body", "main")
	S.ok(nil, "member", "add", "--member", dpm.ID, "--role", "chair", "--body", reform.ID)
	S.ok(&minister, "member", "add", "--name", "Phạm Thị Thanh Trà", "--title", "Bộ trưởng Bộ Nội vụ", "--role", "member", "--body", "main")
	S.ok(&member, "member", "add", "--name", "Nguyễn Văn Thể", "--title", "Thành viên Ban Chỉ đạo", "--role", "member", "--body", reform.ID)
	S.sync()
	var bodies []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	S.ok(&bodies, "body", "list")
	if len(bodies) != 2 {
		t.Fatalf("body list: %+v, want the main body and the steering committee", bodies)
	}

	PM := enroll("pm", invite(pm.ID))
	DPM := enroll("dpm", invite(dpm.ID))
	MIN := enroll("minister", invite(minister.ID))
	MEM := enroll("committee-member", invite(member.ID))
	all := []device{PM, DPM, MIN, MEM}
	syncAll := func() {
		t.Helper()
		S.sync()
		for _, d := range all {
			d.sync()
		}
	}
	// lists reports whether d's `meeting list` names title anywhere in its
	// output (not only in a decoded field: nothing of it may be there).
	lists := func(d device, title string) bool {
		t.Helper()
		r := d.run("meeting", "list", "--json")
		if r.code != 0 {
			t.Fatalf("%s: meeting list: exit %d: %s", d.dir, r.code, r.stderr)
		}
		return strings.Contains(r.stdout, title)
	}
	start := time.Now().Add(96 * time.Hour).UTC().Format(time.RFC3339)

	// A draft meeting of the Government reaches no member until it is
	// published; then it arrives with its agenda, for the Government's
	// members only.
	const govTitle = "Phiên họp Chính phủ thường kỳ tháng 12 năm 2026"
	var gov idJSON
	S.ok(&gov, "meeting", "create", "--body", "main", "--title", govTitle, "--start", start, "--place", "Trụ sở Chính phủ")
	S.ok(nil, "agenda", "add", "--meeting", gov.ID, "--title", "Dự án Luật Đất đai (sửa đổi)", "--presenter", "Bộ trưởng Bộ Tài nguyên và Môi trường")
	syncAll()
	for _, d := range all {
		if lists(d, govTitle) {
			t.Errorf("%s lists the draft meeting", d.dir)
		}
	}
	S.ok(nil, "meeting", "status", "--meeting", gov.ID, "--to", "published")
	syncAll()
	for d, want := range map[device]bool{PM: true, DPM: true, MIN: true, MEM: false} {
		if got := lists(d, govTitle); got != want {
			t.Errorf("%s lists the published Government meeting: %v, want %v", d.dir, got, want)
		}
	}
	var show struct {
		Title  string `json:"title"`
		Agenda []struct {
			Title string `json:"title"`
		} `json:"agenda"`
	}
	MIN.ok(&show, "meeting", "show", "--meeting", gov.ID)
	if show.Title != govTitle || len(show.Agenda) != 1 || show.Agenda[0].Title != "Dự án Luật Đất đai (sửa đổi)" {
		t.Errorf("the minister sees %+v", show)
	}

	// A restricted meeting reaches only its participants; one taken off
	// the list loses it at the next sync, and the hub answers as if it did
	// not exist.
	const secretTitle = "Phiên họp mật về phương án nhân sự"
	var secret idJSON
	S.ok(&secret, "meeting", "create", "--body", "main", "--title", secretTitle, "--start", start,
		"--participants", pm.ID+","+dpm.ID, "--restricted")
	S.ok(nil, "agenda", "add", "--meeting", secret.ID, "--title", "Phương án kiện toàn nhân sự")
	S.ok(nil, "meeting", "status", "--meeting", secret.ID, "--to", "published")
	syncAll()
	for d, want := range map[device]bool{PM: true, DPM: true, MIN: false, MEM: false} {
		if got := lists(d, secretTitle); got != want {
			t.Errorf("%s lists the restricted meeting: %v, want %v", d.dir, got, want)
		}
	}
	S.ok(nil, "meeting", "edit", "--meeting", secret.ID, "--participants", pm.ID)
	syncAll()
	if lists(DPM, secretTitle) {
		t.Error("the participant taken off the restricted meeting still has it after syncing")
	}
	if r := DPM.run("meeting", "show", "--meeting", secret.ID); r.code == 0 {
		t.Errorf("meeting show of a withdrawn meeting: exit 0\n%s", r.stdout)
	}
	if !lists(PM, secretTitle) {
		t.Error("the remaining participant lost the restricted meeting")
	}

	// The steering committee's meeting: its members see it, the
	// Government's do not; the Deputy Prime Minister, in both, sees both.
	const reformTitle = "Phiên họp thứ sáu Ban Chỉ đạo cải cách hành chính"
	var rm idJSON
	S.ok(&rm, "meeting", "create", "--body", reform.ID, "--title", reformTitle, "--start", start)
	S.ok(nil, "meeting", "status", "--meeting", rm.ID, "--to", "published")
	syncAll()
	for d, want := range map[device][2]bool{PM: {true, false}, DPM: {true, true}, MIN: {true, false}, MEM: {false, true}} {
		if got := [2]bool{lists(d, govTitle), lists(d, reformTitle)}; got != want {
			t.Errorf("%s lists [Government, committee] meetings %v, want %v", d.dir, got, want)
		}
	}

	// A ballot of the committee counts the committee's voting members:
	// its chair and its member, not the Government's.
	var bl idJSON
	S.ok(&bl, "ballot", "issue", "--body", reform.ID, "--title", "Phiếu lấy ý kiến về Kế hoạch cải cách hành chính năm 2027",
		"--question", "Đồng ý thông qua Kế hoạch?", "--deadline", time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))
	syncAll()
	DPM.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "agree")
	MEM.ok(nil, "ballot", "answer", "--ballot", bl.ID, "--choice", "agree", "--comment", "Nhất trí")
	DPM.sync()
	MEM.sync()
	S.sync()
	var tally tallyJSON
	S.ok(&tally, "ballot", "tally", "--ballot", bl.ID)
	if tally.Members != 2 || tally.Counts["agree"] != 2 {
		t.Errorf("the committee's ballot: %d members, counts %v; want 2 members, 2 agree", tally.Members, tally.Counts)
	}
	var ballots []idJSON
	MIN.ok(&ballots, "ballot", "list")
	for _, b := range ballots {
		if b.ID == bl.ID {
			t.Error("a Government member who is not on the committee received its ballot")
		}
	}

	// The Deputy Prime Minister leaves the committee (`member leave`):
	// at the next sync their device loses its meeting and keeps the
	// Government's. The ballot they were eligible for (and answered)
	// stays theirs: a ballot reaches its eligible members by name.
	S.ok(nil, "member", "leave", "--member", dpm.ID, "--body", reform.ID)
	syncAll()
	if got := [2]bool{lists(DPM, govTitle), lists(DPM, reformTitle)}; got != [2]bool{true, false} {
		t.Errorf("after leaving the committee the Deputy Prime Minister lists [Government, committee] meetings %v, want [true false]", got)
	}
	DPM.ok(&ballots, "ballot", "list")
	kept := false
	for _, b := range ballots {
		kept = kept || b.ID == bl.ID
	}
	if !kept {
		t.Error("the member who left the committee lost the ballot they were eligible for")
	}
	if !lists(MEM, reformTitle) {
		t.Error("the committee's remaining member lost its meeting")
	}
}
