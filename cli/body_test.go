package cli

import (
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestBodies_GivenTwoBodies_ThenScriptsNameThemAndRulesCountEach: a
// secretariat sets up the Government and a steering committee from a
// script, with overlapping members, and meetings and ballots of each.
func TestBodies_GivenTwoBodies_ThenScriptsNameThemAndRulesCountEach(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "p")
	cmd := func(args ...string) []string { return append([]string{"--profile", dir, "--json"}, args...) }
	idOf(t, cmd("init", "--name", "Văn phòng Chính phủ", "--role", "secretary")...)

	// With one body, every --body is optional and a member is recorded as before.
	pm := idOf(t, cmd("member", "add", "--name", "Phạm Minh Chính", "--role", "chair")...)
	var bodies []struct{ ID, Name string }
	runJSON(t, &bodies, cmd("body", "list")...)
	if len(bodies) != 1 || bodies[0].ID != "main" {
		t.Fatalf("body list = %+v, want the main body only", bodies)
	}
	reform := idOf(t, cmd("body", "create", "--name", "Ban Chỉ đạo cải cách hành chính của Chính phủ")...)
	runJSON(t, &bodies, cmd("body", "list")...)
	if len(bodies) != 2 || bodies[1].ID != reform || bodies[1].Name != "Ban Chỉ đạo cải cách hành chính của Chính phủ" {
		t.Fatalf("body list = %+v", bodies)
	}

	// With two, a new member needs --body; an existing one joins another.
	if res := run(t, cmd("member", "add", "--name", "Nguyễn Hòa Bình", "--role", "member")...); res.code != 2 || !strings.Contains(res.stderr, "--body") {
		t.Errorf("member add without --body among two bodies: exit %d, %s", res.code, res.stderr)
	}
	dpm := idOf(t, cmd("member", "add", "--name", "Nguyễn Hòa Bình", "--role", "member", "--body", "main")...)
	idOf(t, cmd("member", "add", "--member", dpm, "--body", reform[:6], "--role", "chair")...)
	tra := idOf(t, cmd("member", "add", "--name", "Phạm Thị Thanh Trà", "--role", "member", "--body", "main")...)
	idOf(t, cmd("member", "add", "--member", tra, "--body", reform, "--role", "member")...)
	sec := idOf(t, cmd("member", "add", "--name", "Thư ký Ban", "--role", "secretary", "--body", reform)...)
	if res := run(t, cmd("member", "add", "--member", dpm, "--name", "X", "--role", "member")...); res.code != 2 {
		t.Errorf("--member with --name: exit %d", res.code)
	}

	var members []struct {
		ID, Role string
		Bodies   []struct{ Body, Role string }
	}
	runJSON(t, &members, cmd("member", "list", "--body", reform)...)
	var got []string
	for _, m := range members {
		got = append(got, m.ID+"/"+m.Role)
	}
	sort.Strings(got)
	want := []string{dpm + "/chair", sec + "/secretary", tra + "/member"}
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("member list --body = %v, want %v", got, want)
	}
	runJSON(t, &members, cmd("member", "list")...)
	for _, m := range members {
		if m.ID == dpm && (len(m.Bodies) != 2 || m.Bodies[1].Body != reform || m.Bodies[1].Role != "chair") {
			t.Errorf("the deputy prime minister's bodies: %+v", m.Bodies)
		}
		if m.ID == pm && (len(m.Bodies) != 1 || m.Bodies[0].Body != "main" || m.Bodies[0].Role != "chair" || m.Role != "chair") {
			t.Errorf("a member made with one body: %+v", m)
		}
	}

	// Meetings: --body required among two, participants of the body only.
	start := "2026-03-05T08:00:00+07:00"
	if res := run(t, cmd("meeting", "create", "--title", "Họp", "--start", start)...); res.code != 1 || !strings.Contains(res.stderr, "several bodies") {
		t.Errorf("meeting create without --body: exit %d, %s", res.code, res.stderr)
	}
	if res := run(t, cmd("meeting", "create", "--title", "Họp", "--start", start, "--body", reform, "--participants", pm)...); res.code != 1 || !strings.Contains(res.stderr, "not a member of the body") {
		t.Errorf("a Government member invited to a committee meeting: exit %d, %s", res.code, res.stderr)
	}
	if res := run(t, cmd("meeting", "create", "--title", "Họp", "--start", start, "--body", "nope")...); res.code != 1 || !strings.Contains(res.stderr, "body list") {
		t.Errorf("an unknown body: exit %d, %s", res.code, res.stderr)
	}
	cm := idOf(t, cmd("meeting", "create", "--title", "Phiên họp Ban Chỉ đạo", "--start", start, "--body", reform, "--participants", dpm+","+tra, "--restricted")...)
	gm := idOf(t, cmd("meeting", "create", "--title", "Phiên họp Chính phủ thường kỳ", "--start", start, "--body", "main")...)
	var list []struct {
		ID, Body   string
		Restricted bool
	}
	runJSON(t, &list, cmd("meeting", "list")...)
	seen := map[string]string{}
	for _, m := range list {
		seen[m.ID] = m.Body + "/" + map[bool]string{true: "mật", false: "thường"}[m.Restricted]
	}
	if seen[cm] != reform+"/mật" || seen[gm] != "main/thường" {
		t.Errorf("meeting list bodies: %v", seen)
	}
	var edited struct {
		Participants []string
		Restricted   bool
	}
	runJSON(t, &edited, cmd("meeting", "edit", "--meeting", cm, "--participants", dpm, "--restricted=false")...)
	if edited.Restricted || !slices.Equal(edited.Participants, []string{dpm}) {
		t.Errorf("meeting edit = %+v", edited)
	}
	runJSON(t, &edited, cmd("meeting", "edit", "--meeting", cm, "--participants", "")...)
	if len(edited.Participants) != 0 {
		t.Errorf("meeting edit --participants '' = %+v, want everyone", edited)
	}
	if res := run(t, cmd("meeting", "edit", "--meeting", cm)...); res.code != 2 {
		t.Errorf("meeting edit with nothing to edit: exit %d", res.code)
	}

	// Quorum counts the committee's voters (2), not the Government's (3).
	for _, to := range []string{"published", "in_session"} {
		run(t, cmd("meeting", "status", "--meeting", cm, "--to", to)...)
	}
	var att struct {
		Quorum struct{ Present, Voters, Needed int }
	}
	runJSON(t, &att, cmd("meeting", "attend", "--meeting", cm, "--member", dpm)...)
	if att.Quorum.Voters != 2 || att.Quorum.Present != 1 || att.Quorum.Needed != 2 {
		t.Errorf("committee quorum = %+v, want 1 of 2, 2 needed", att.Quorum)
	}

	// Ballots: the body's voters by default; one tied to a meeting takes its body.
	b := idOf(t, cmd("ballot", "issue", "--title", "Phiếu Ban", "--question", "Thông qua?", "--deadline", "2099-01-01T00:00:00Z", "--body", reform)...)
	bm := idOf(t, cmd("ballot", "issue", "--title", "Phiếu họp", "--question", "Thông qua?", "--deadline", "2099-01-01T00:00:00Z", "--meeting", cm)...)
	var tally struct{ Members int }
	runJSON(t, &tally, cmd("ballot", "tally", "--ballot", b)...)
	if tally.Members != 2 {
		t.Errorf("committee ballot members = %d, want 2", tally.Members)
	}
	var ballots []struct{ ID, Body string }
	runJSON(t, &ballots, cmd("ballot", "list")...)
	for _, x := range ballots {
		if (x.ID == b || x.ID == bm) && x.Body != reform {
			t.Errorf("ballot %s body %q, want %s", x.ID, x.Body, reform)
		}
	}

	// Text output names the bodies, in Vietnamese too.
	res := run(t, "--profile", dir, "--lang", "vi", "meeting", "list")
	if res.code != 0 || !strings.Contains(res.stdout, "CƠ QUAN") || !strings.Contains(res.stdout, "Ban Chỉ đạo cải cách hành chính") {
		t.Errorf("meeting list (vi): %s %s", res.stdout, res.stderr)
	}
	res = run(t, "--profile", dir, "--lang", "vi", "meeting", "create", "--title", "Họp", "--start", start)
	if res.code != 1 || !strings.Contains(res.stderr, "hãy chọn cơ quan") {
		t.Errorf("vi error: %s", res.stderr)
	}
}

// TestMemberLeave_GivenAMemberOfTwoBodies_ThenTheyLeaveOneAndKeepTheOther:
// `member leave` takes a member out of one body; their last body, a body
// they are not in and a missing flag are refused with a clear message.
func TestMemberLeave_GivenAMemberOfTwoBodies_ThenTheyLeaveOneAndKeepTheOther(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "p")
	cmd := func(args ...string) []string { return append([]string{"--profile", dir}, args...) }
	js := func(args ...string) []string { return cmd(append([]string{"--json"}, args...)...) }
	idOf(t, js("init", "--name", "Văn phòng Chính phủ", "--role", "secretary")...)
	reform := idOf(t, js("body", "create", "--name", "Ban Chỉ đạo cải cách hành chính của Chính phủ")...)
	tra := idOf(t, js("member", "add", "--name", "Phạm Thị Thanh Trà", "--role", "member", "--body", "main")...)
	idOf(t, js("member", "add", "--member", tra, "--body", reform, "--role", "chair")...)

	var left struct {
		ID, Left string
		Bodies   []struct{ Body, Role string }
	}
	runJSON(t, &left, js("member", "leave", "--member", tra[:6], "--body", reform[:6])...)
	if left.ID != tra || left.Left != reform || len(left.Bodies) != 1 || left.Bodies[0].Body != "main" || left.Bodies[0].Role != "member" {
		t.Fatalf("member leave = %+v, want %s in main only", left, tra)
	}
	var members []struct{ ID string }
	runJSON(t, &members, js("member", "list", "--body", reform)...)
	for _, m := range members {
		if m.ID == tra {
			t.Errorf("member list --body %s still lists the member who left", reform)
		}
	}

	for _, tt := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"a body they are no longer in", []string{"member", "leave", "--member", tra, "--body", reform}, 1, "not a member of the body"},
		{"their last body", []string{"member", "leave", "--member", tra, "--body", "main"}, 1, "last body"},
		{"no --body", []string{"member", "leave", "--member", tra}, 2, "--body"},
		{"no --member", []string{"member", "leave", "--body", reform}, 2, "--member"},
		{"an unknown member", []string{"member", "leave", "--member", "nobody", "--body", reform}, 1, "nobody"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := run(t, append(cmd("--lang", "en"), tt.args...)...)
			if res.code != tt.code || !strings.Contains(res.stderr, tt.says) {
				t.Errorf("exit %d, stderr %q; want exit %d saying %q", res.code, res.stderr, tt.code, tt.says)
			}
		})
	}
	// The text output names the member and the body, in Vietnamese first.
	idOf(t, js("member", "add", "--member", tra, "--body", reform, "--role", "member")...)
	res := run(t, cmd("--lang", "vi", "member", "leave", "--member", tra, "--body", reform)...)
	if res.code != 0 || !strings.Contains(res.stdout, "Phạm Thị Thanh Trà đã rời «Ban Chỉ đạo cải cách hành chính của Chính phủ»") {
		t.Errorf("text output: exit %d, %q %q", res.code, res.stdout, res.stderr)
	}
}
