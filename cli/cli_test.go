package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

const testPass = "mật khẩu thử nghiệm"

// result is what one run of Main left behind.
type result struct {
	code           int
	stdout, stderr string
}

// testEnv clears the environment the commands read and sets the passphrase.
func testEnv(t *testing.T) {
	t.Helper()
	t.Setenv(envPass, testPass)
	t.Setenv(envNewPass, "")
	t.Setenv(envProfile, "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "en_US.UTF-8")
}

// run calls Main in-process with stdin that is not a terminal.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// runJSON runs a command that must succeed and decodes its JSON output.
func runJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	res := run(t, args...)
	if res.code != 0 {
		t.Fatalf("ecabinet %s: exit %d\nstderr: %s", strings.Join(args, " "), res.code, res.stderr)
	}
	dec := json.NewDecoder(strings.NewReader(res.stdout))
	if err := json.Unmarshal([]byte(res.stdout), v); err != nil {
		t.Fatalf("ecabinet %s: stdout is not one JSON document: %v\n%s", strings.Join(args, " "), err, res.stdout)
	}
	// Exactly one document: nothing but white space after it.
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil || dec.More() {
		t.Fatalf("ecabinet %s: want exactly one JSON document, got\n%s", strings.Join(args, " "), res.stdout)
	}
}

// idOf runs a command printing {"id": …} and returns the ID.
func idOf(t *testing.T, args ...string) string {
	t.Helper()
	var v struct{ ID string }
	runJSON(t, &v, args...)
	if v.ID == "" {
		t.Fatalf("ecabinet %s: no id in the output", strings.Join(args, " "))
	}
	return v.ID
}

// TestSession_GivenTheREADMEExample_ThenEveryStepWorksEndToEnd is the
// session the README shows: a secretary sets up a committee, a meeting with
// its agenda, and a ballot, records two paper answers and tallies.
func TestSession_GivenTheREADMEExample_ThenEveryStepWorksEndToEnd(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "p")
	P := []string{"--profile", dir}
	cmd := func(args ...string) []string { return append(slices.Clone(P), args...) }

	// init, with the global flags before the command
	var initOut struct {
		ID, Device, Fingerprint, Profile string
	}
	runJSON(t, &initOut, cmd("--json", "init", "--name", "Nguyễn Thị Thư Ký", "--title", "Vụ Cải cách hành chính, Bộ Nội vụ", "--role", "secretary")...)
	if initOut.ID == "" || initOut.Device == "" || initOut.Fingerprint == "" || initOut.Profile != dir {
		t.Fatalf("init printed %+v, want id, device, fingerprint and profile %s", initOut, dir)
	}

	// member add ×3, --json after the command
	chair := idOf(t, cmd("member", "add", "--name", "Phạm Minh Chính", "--title", "Thủ tướng Chính phủ", "--role", "chair", "--json")...)
	quang := idOf(t, cmd("member", "add", "--name=Trần Lưu Quang", "--title=Phó Thủ tướng Chính phủ", "--role=member", "--json")...)
	tra := idOf(t, append([]string{"--json", "member", "add", "-name", "Phạm Thị Thanh Trà", "-role", "member"}, P...)...)

	var members []struct{ ID, Name, Title, Role string }
	runJSON(t, &members, cmd("member", "list", "--json")...)
	var got []string
	for _, m := range members {
		got = append(got, m.Name+"/"+m.Role)
	}
	want := []string{"Phạm Minh Chính/chair", "Phạm Thị Thanh Trà/member", "Trần Lưu Quang/member", "Nguyễn Thị Thư Ký/secretary"}
	if !slices.Equal(got, want) {
		t.Errorf("member list = %v, want %v", got, want)
	}

	// meeting create, agenda add ×2, meeting show
	meeting := idOf(t, cmd("--json", "meeting", "create", "--title", "Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính của Chính phủ",
		"--start", "2023-07-19T08:00:00+07:00", "--place", "Trụ sở Chính phủ, Hà Nội")...)
	opening := idOf(t, cmd("--json", "agenda", "add", "--meeting", meeting, "--title", "Phát biểu khai mạc phiên họp", "--presenter", "Thủ tướng Chính phủ Phạm Minh Chính", "--minutes", "10")...)
	report := idOf(t, cmd("--json", "agenda", "add", "--meeting", meeting[:6], "--title", "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023", "--presenter", "Bộ trưởng Bộ Nội vụ", "--minutes", "25")...)

	var show struct {
		ID, Title, Start, Place, Status string
		Agenda                          []struct {
			ID, Title, Presenter string
			Minutes, Position    int
		}
		TotalMinutes int `json:"total_minutes"`
		Quorum       *struct{ Present, Voters, Needed int }
	}
	runJSON(t, &show, cmd("meeting", "show", "--meeting", meeting, "--json")...)
	if show.Title != "Phiên họp thứ năm Ban Chỉ đạo Cải cách hành chính của Chính phủ" || show.Place != "Trụ sở Chính phủ, Hà Nội" ||
		show.Status != "draft" || show.Start != "2023-07-19T01:00:00Z" || show.TotalMinutes != 35 || show.Quorum != nil {
		t.Errorf("meeting show = %+v", show)
	}
	if len(show.Agenda) != 2 || show.Agenda[0].ID != opening || show.Agenda[1].ID != report ||
		show.Agenda[0].Title != "Phát biểu khai mạc phiên họp" || show.Agenda[1].Title != "Báo cáo kết quả công tác cải cách hành chính 6 tháng đầu năm 2023" ||
		show.Agenda[0].Presenter != "Thủ tướng Chính phủ Phạm Minh Chính" || show.Agenda[1].Minutes != 25 || show.Agenda[1].Position != 2 {
		t.Errorf("agenda = %+v, want the opening then the report", show.Agenda)
	}

	// ballot issue, tied to the report
	ballot := idOf(t, cmd("--json", "ballot", "issue", "--title", "Phiếu lấy ý kiến về Kế hoạch cải cách hành chính 6 tháng cuối năm 2023",
		"--question", "Đồng chí có đồng ý thông qua dự thảo Kế hoạch không?", "--deadline", "2099-07-26T17:00:00+07:00",
		"--meeting", meeting, "--item", report)...)

	type tally struct {
		Standing     string
		CanStillPass bool `json:"can_still_pass"`
		CanStillFail bool `json:"can_still_fail"`
		Members      int
		Answered     int
		Counts       map[string]int
		Answers      []struct {
			MemberID   string `json:"member_id"`
			MemberName string `json:"member_name"`
			Choice     string
			Comment    string
			At         string
		}
		UnansweredMembers []struct{ ID, Name string } `json:"unanswered_members"`
	}

	// one agree of three: open, either way possible
	var ans struct{ ID, Ballot, Member, Choice, State string }
	runJSON(t, &ans, cmd("ballot", "answer", "--ballot", ballot, "--member", quang, "--choice", "agree", "--comment", "Nhất trí với dự thảo.", "--json")...)
	if ans.ID == "" || ans.Ballot != ballot || ans.Member != quang || ans.Choice != "agree" || ans.State != "saved_on_this_computer" {
		t.Errorf("ballot answer printed %+v", ans)
	}
	var t1 tally
	runJSON(t, &t1, cmd("--json", "ballot", "tally", "--ballot", ballot)...)
	wantCounts := map[string]int{"agree": 1, "disagree": 0, "other": 0, "unanswered": 2}
	if t1.Standing != "open" || !t1.CanStillPass || !t1.CanStillFail || t1.Members != 3 || t1.Answered != 1 || !mapsEqual(t1.Counts, wantCounts) {
		t.Errorf("tally after one agree = %+v, want open with counts %v", t1, wantCounts)
	}

	// two agree of three: more than half of all members, passed already
	runJSON(t, &ans, cmd("--json", "ballot", "answer", "--ballot", ballot[:5], "--member", tra, "--choice", "agree")...)
	var t2 tally
	runJSON(t, &t2, cmd("ballot", "tally", "--ballot", ballot, "--json")...)
	wantCounts = map[string]int{"agree": 2, "disagree": 0, "other": 0, "unanswered": 1}
	if t2.Standing != "passed" || !t2.CanStillPass || t2.CanStillFail || t2.Members != 3 || t2.Answered != 2 || !mapsEqual(t2.Counts, wantCounts) {
		t.Errorf("tally after two agree = %+v, want passed with counts %v", t2, wantCounts)
	}
	if len(t2.Answers) != 2 || t2.Answers[0].MemberName != "Trần Lưu Quang" || t2.Answers[0].Comment != "Nhất trí với dự thảo." ||
		t2.Answers[1].MemberID != tra || t2.Answers[1].Choice != "agree" || t2.Answers[0].At == "" {
		t.Errorf("answers = %+v", t2.Answers)
	}
	if len(t2.UnansweredMembers) != 1 || t2.UnansweredMembers[0].ID != chair || t2.UnansweredMembers[0].Name != "Phạm Minh Chính" {
		t.Errorf("unanswered = %+v, want the chair", t2.UnansweredMembers)
	}

	// the same meeting, as a person reads it in Vietnamese
	res := run(t, cmd("meeting", "show", "--meeting", meeting, "--lang", "vi")...)
	if res.code != 0 {
		t.Fatalf("meeting show: exit %d: %s", res.code, res.stderr)
	}
	for _, s := range []string{"Trạng thái:  Dự thảo", "Chương trình (2 nội dung, 35 phút):", "1. Phát biểu khai mạc phiên họp", "2. Báo cáo kết quả công tác",
		"Phiếu lấy ý kiến gắn với phiên họp:", "Phiếu lấy ý kiến về Kế hoạch cải cách hành chính 6 tháng cuối năm 2023 (Đang lấy ý kiến)"} {
		if !strings.Contains(res.stdout, s) {
			t.Errorf("meeting show --lang vi lacks %q:\n%s", s, res.stdout)
		}
	}

	// a domain refusal is a translated error, exit 1, nothing on stdout
	res = run(t, cmd("--json", "agenda", "add", "--meeting", meeting, "--title", "   ")...)
	if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, "ecabinet: Enter the agenda item's title.") {
		t.Errorf("agenda add with a blank title: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestUsageErrors_ThenExit2WithAUsageLineAndNothingOpened: none of these
// reach the profile (the directory is empty: opening would be exit 1).
func TestUsageErrors_ThenExit2WithAUsageLineAndNothingOpened(t *testing.T) {
	testEnv(t)
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		msg  string // in the English message
		vi   string // in the Vietnamese one
	}{
		{"no command", nil, "No command given.", "Chưa nêu lệnh cần chạy."},
		{"unknown command", []string{"frobnicate"}, `Unknown command "frobnicate".`, "Không có lệnh «frobnicate»."},
		{"unknown command", []string{"elect"}, `Unknown command "elect".`, "Không có lệnh «elect»."},
		{"group without subcommand", []string{"meeting"}, `"meeting" needs a subcommand: meeting create, meeting list`, "Lệnh «meeting» cần thêm lệnh con"},
		{"unknown subcommand", []string{"ballot", "vote"}, `"ballot" has no subcommand "vote"`, "Lệnh «ballot» không có lệnh con «vote»"},
		{"missing title", []string{"meeting", "create", "--start", "2023-07-19T08:00:00+07:00"}, "Missing required flag --title.", "Thiếu tham số bắt buộc --title."},
		{"missing meeting", []string{"meeting", "show"}, "Missing required flag --meeting.", "Thiếu tham số bắt buộc --meeting."},
		{"bad RFC3339", []string{"meeting", "create", "--title", "Phiên họp", "--start", "19/07/2023 08:00"}, `--start "19/07/2023 08:00" is not an RFC 3339 time`, "không phải thời gian theo RFC 3339"},
		{"bad deadline", []string{"ballot", "extend", "--ballot", "b", "--deadline", "2023-07-19"}, `--deadline "2023-07-19" is not an RFC 3339 time`, "Giá trị «2023-07-19» của --deadline"},
		{"bad role", []string{"init", "--name", "A", "--role", "king"}, `--role "king" is not valid; choose one of: secretary, chair, member.`, "chọn một trong các giá trị: secretary, chair, member."},
		{"unknown role", []string{"member", "add", "--name", "A", "--role", "observer"}, "choose one of: chair, member, secretary, guest.", "--role không hợp lệ"},
		{"bad choice", []string{"ballot", "answer", "--ballot", "b", "--choice", "maybe"}, `--choice "maybe" is not valid; choose one of: agree, disagree, other, blank.`, "Giá trị «maybe» của --choice"},
		{"bad policy", []string{"ballot", "issue", "--title", "T", "--question", "Q", "--deadline", "2099-01-01T00:00:00Z", "--policy", "unanimity"}, `--policy "unanimity" is not valid`, "Giá trị «unanimity» của --policy"},
		{"bad status", []string{"meeting", "status", "--meeting", "m", "--to", "open"}, `--to "open" is not valid`, "Giá trị «open» của --to"},
		{"bad log level", []string{"hub", "serve", "--data", "/nonexistent", "--log-level", "loud"}, `--log-level "loud" is not valid; choose one of: debug, info, warn, error.`, "Giá trị «loud» của --log-level"},
		{"item without meeting", []string{"ballot", "issue", "--title", "T", "--question", "Q", "--deadline", "2099-01-01T00:00:00Z", "--item", "i"}, "--item needs --meeting.", "Tham số --item phải đi kèm --meeting."},
		{"position 0", []string{"agenda", "move", "--meeting", "m", "--item", "i", "--to", "0"}, `--to "0" must be a whole number of at least 1.`, "phải là số nguyên không nhỏ hơn 1"},
		{"minutes not a number", []string{"agenda", "add", "--meeting", "m", "--title", "T", "--minutes", "ba mươi"}, `--minutes "ba mươi" must be a whole number`, "Giá trị «ba mươi» của --minutes"},
		{"nothing to edit", []string{"agenda", "edit", "--meeting", "m", "--item", "i"}, "Nothing to change", "Chưa nêu nội dung cần sửa"},
		{"unknown flag", []string{"meeting", "list", "--bogus"}, "Unknown flag --bogus.", "Không có tham số --bogus."},
		{"flag without value", []string{"meeting", "show", "--meeting"}, "Flag --meeting needs a value.", "Tham số --meeting cần có giá trị."},
		{"bad bool", []string{"meeting", "attend", "--meeting", "m", "--member", "x", "--absent=perhaps"}, `--absent "perhaps" must be true or false.`, "phải là true hoặc false"},
		{"stray word", []string{"meeting", "list", "all"}, `Unexpected argument "all"`, "Thừa đối số «all»"},
		{"stray word after flags", []string{"meeting", "show", "--meeting", "m", "all"}, `Unexpected argument "all"`, "Thừa đối số «all»"},
		{"bad lang", []string{"--lang", "fr", "meeting", "list"}, `Language "fr" is not supported`, `Language "fr" is not supported`},
		{"profile without dir", []string{"meeting", "list", "--profile"}, "Flag --profile needs a value.", "Flag --profile needs a value."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []string{"en", "vi"} {
				args := append([]string{"--profile", dir, "--lang", lang}, c.args...)
				if c.name == "bad lang" || c.name == "profile without dir" {
					args = append([]string{"--profile", dir}, c.args...) // the language cannot be read
				}
				res := run(t, args...)
				want := c.msg
				label := "Usage:"
				if lang == "vi" {
					want = c.vi
					if c.name != "bad lang" && c.name != "profile without dir" {
						label = "Cách dùng:"
					}
				}
				if res.code != 2 || res.stdout != "" || !strings.Contains(res.stderr, want) || !strings.Contains(res.stderr, label) {
					t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 2, %q and %q on stderr", lang, res.code, res.stdout, res.stderr, want, label)
				}
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors touched the profile directory: %v", entries)
	}
}

func TestHelpAndVersion_ThenExit0OnStdout(t *testing.T) {
	testEnv(t)
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"--lang", "vi", "help"}} {
		res := run(t, args...)
		if res.code != 0 || !strings.Contains(res.stdout, "ecabinet ballot answer --ballot ID --choice agree|disagree|other") || res.stderr != "" {
			t.Errorf("%v: exit %d, stdout:\n%s\nstderr: %s", args, res.code, res.stdout, res.stderr)
		}
	}
	res := run(t, "--lang", "vi", "help")
	if !strings.Contains(res.stdout, "Tham số chung (đặt trước hoặc sau lệnh):") {
		t.Errorf("help --lang vi is not in Vietnamese:\n%s", res.stdout)
	}
	for _, args := range [][]string{{"meeting", "create", "--help"}, {"help", "meeting", "create"}, {"meeting", "create", "-h"}} {
		res := run(t, args...)
		if res.code != 0 || !strings.Contains(res.stdout, "ecabinet meeting create --title TITLE --start RFC3339 [--place PLACE]") || strings.Contains(res.stdout, "ballot") {
			t.Errorf("%v: exit %d, stdout:\n%s", args, res.code, res.stdout)
		}
	}
	res = run(t, "help", "ballot")
	if res.code != 0 || !strings.Contains(res.stdout, "ecabinet ballot tally") || strings.Contains(res.stdout, "meeting create") {
		t.Errorf("help ballot: exit %d, stdout:\n%s", res.code, res.stdout)
	}
	var v struct{ Version, Go string }
	runJSON(t, &v, "version", "--json")
	if v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Errorf("version = %+v", v)
	}
	if res := run(t, "help", "nosuchgroup"); res.code != 2 {
		t.Errorf("help nosuchgroup: exit %d, want 2", res.code)
	}
}

func TestNoProfile_ThenExit1WithAHint(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "absent")
	res := run(t, "--profile", dir, "meeting", "list", "--json")
	if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, "ecabinet: There is no eCabinet profile in this directory.") ||
		!strings.Contains(res.stderr, "ecabinet --profile "+dir+" init --name") {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", res.code, res.stdout, res.stderr)
	}
	// ECABINET_PROFILE is read when --profile is absent.
	t.Setenv(envProfile, dir)
	res = run(t, "--lang", "vi", "ballot", "list")
	if res.code != 1 || !strings.Contains(res.stderr, "ecabinet: Thư mục này chưa có hồ sơ eCabinet.") || !strings.Contains(res.stderr, dir) {
		t.Errorf("with ECABINET_PROFILE: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

// TestWrongPassphrase_ThenExit1TranslatedAndNothingChanges also covers a
// second process on a profile held open, and a member's profile refused
// secretariat work.
func TestWrongPassphrase_ThenExit1TranslatedAndNothingChanges(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "p")
	if res := run(t, "--profile", dir, "init", "--name", "Trần Lưu Quang", "--role", "member"); res.code != 0 {
		t.Fatalf("init: exit %d: %s", res.code, res.stderr)
	}
	keyfile, err := os.ReadFile(filepath.Join(dir, "keyfile"))
	if err != nil {
		t.Fatal(err)
	}

	t.Setenv(envPass, "not the passphrase")
	for lang, want := range map[string]string{
		"en": "ecabinet: Wrong passphrase — nothing was changed.",
		"vi": "ecabinet: Sai mật khẩu. Dữ liệu không bị thay đổi.",
	} {
		res := run(t, "--profile", dir, "--lang", lang, "--json", "member", "add", "--name", "Phạm Thị Thanh Trà", "--role", "member")
		if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, want) || !strings.Contains(res.stderr, "ECABINET_PASSPHRASE") {
			t.Errorf("%s: exit %d, stdout %q, stderr:\n%s\nwant exit 1 and %q", lang, res.code, res.stdout, res.stderr, want)
		}
	}
	after, err := os.ReadFile(filepath.Join(dir, "keyfile"))
	if err != nil || !bytes.Equal(after, keyfile) {
		t.Errorf("the key file changed after a wrong passphrase (%v)", err)
	}

	// A second process while the profile is open elsewhere.
	t.Setenv(envPass, testPass)
	p, err := core.Open(dir, []byte(testPass))
	if err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"en": "ecabinet: This profile is open in another eCabinet window or command.",
		"vi": "ecabinet: Hồ sơ này đang được mở trong một cửa sổ hoặc một lệnh eCabinet khác.",
	} {
		res := run(t, "--profile", dir, "--lang", lang, "member", "list")
		if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, want) {
			t.Errorf("%s, profile held open: exit %d, stdout %q, stderr:\n%s", lang, res.code, res.stdout, res.stderr)
		}
	}
	if n := len(p.Members()); n != 1 {
		t.Errorf("%d members after the refused commands, want 1", n)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}

	// A member's profile may not prepare meetings.
	res := run(t, "--profile", dir, "--lang", "vi", "meeting", "create", "--title", "Phiên họp", "--start", "2023-07-19T08:00:00+07:00")
	if res.code != 1 || !strings.Contains(res.stderr, "ecabinet: Chỉ thư ký (Văn phòng) mới được thực hiện thao tác này.") {
		t.Errorf("member creating a meeting: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

func TestPassphraseChange_ThenTheOldFailsAndTheNewWorks(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "p")
	if res := run(t, "--profile", dir, "init", "--name", "Thư ký", "--role", "secretary"); res.code != 0 {
		t.Fatalf("init: exit %d: %s", res.code, res.stderr)
	}
	// Without a new passphrase and no terminal: a clear error.
	res := run(t, "--profile", dir, "passphrase", "change")
	if res.code != 1 || !strings.Contains(res.stderr, "No new passphrase: set ECABINET_NEW_PASSPHRASE or run in a terminal.") {
		t.Errorf("change without a new passphrase: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	const newPass = "mật khẩu mới của thư ký"
	t.Setenv(envNewPass, newPass)
	var out struct {
		Profile string
		Changed bool
	}
	runJSON(t, &out, "--profile", dir, "passphrase", "change", "--json")
	if !out.Changed || out.Profile != dir {
		t.Errorf("passphrase change printed %+v", out)
	}
	t.Setenv(envNewPass, "")
	res = run(t, "--profile", dir, "member", "list")
	if res.code != 1 || !strings.Contains(res.stderr, "Wrong passphrase") {
		t.Errorf("old passphrase after the change: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	t.Setenv(envPass, newPass)
	res = run(t, "--profile", dir, "member", "list")
	if res.code != 0 || !strings.Contains(res.stdout, "Thư ký (you)") {
		t.Errorf("new passphrase: exit %d, stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	// No passphrase at all, and stdin not a terminal.
	t.Setenv(envPass, "")
	res = run(t, "--profile", dir, "member", "list")
	if res.code != 1 || !strings.Contains(res.stderr, "ecabinet: No passphrase: set ECABINET_PASSPHRASE or run in a terminal.") {
		t.Errorf("no passphrase: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

// TestSample_ThenCreatedOnceAndIdempotent also drives the commands the
// README session leaves out (agenda edits, the meeting lifecycle,
// attendance, extending and closing a ballot) on the sample committee.
func TestSample_ThenCreatedOnceAndIdempotent(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "sample")
	type sampleOut struct {
		Profile                    string
		Created, Loaded            bool
		Self                       string
		Members, Meetings, Ballots int
	}
	var first sampleOut
	runJSON(t, &first, "--profile", dir, "--json", "sample")
	if !first.Created || !first.Loaded || first.Members != 19 || first.Meetings != 5 || first.Ballots != 3 {
		t.Errorf("first sample = %+v, want created with 19 members, 5 meetings, 3 ballots", first)
	}
	res := run(t, "--profile", dir, "--lang", "vi", "sample")
	if res.code != 0 || !strings.Contains(res.stdout, "đã có dữ liệu (5 phiên họp)") {
		t.Errorf("second sample: exit %d, stdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	var ballots []struct {
		ID, Title, Status string
		MyAnswer          *string `json:"my_answer"`
	}
	runJSON(t, &ballots, "--profile", dir, "ballot", "list", "--json")
	if len(ballots) != 3 || ballots[0].Status != "open" || ballots[2].Status != "closed" || ballots[0].MyAnswer != nil ||
		ballots[0].Title != "Phiếu lấy ý kiến về Kế hoạch cải cách hành chính 6 tháng cuối năm 2023" {
		t.Errorf("ballot list after sample = %+v", ballots)
	}

	// The thematic session (a draft with three items): move, edit, remove.
	var meetings []struct{ ID, Title, Status string }
	runJSON(t, &meetings, "--profile", dir, "meeting", "list", "--json")
	if len(meetings) != 5 || meetings[0].Status != "draft" {
		t.Fatalf("meeting list = %+v, want the draft thematic session first", meetings)
	}
	topic := meetings[0].ID
	var show struct {
		Agenda []struct {
			ID, Title string
			Minutes   int
		}
		Quorum *struct {
			Present, Voters, Needed int
			Met                     bool
		}
	}
	runJSON(t, &show, "--profile", dir, "meeting", "show", "--meeting", topic, "--json")
	if len(show.Agenda) != 3 {
		t.Fatalf("agenda = %+v, want 3 items", show.Agenda)
	}
	firstItem, lastItem := show.Agenda[0], show.Agenda[2]
	var moved struct {
		ID       string
		Position int
		Agenda   []struct{ ID string }
	}
	runJSON(t, &moved, "--profile", dir, "--json", "agenda", "move", "--meeting", topic, "--item", lastItem.ID, "--to", "1")
	if moved.Position != 1 || len(moved.Agenda) != 3 || moved.Agenda[0].ID != lastItem.ID || moved.Agenda[1].ID != firstItem.ID {
		t.Errorf("agenda move = %+v, want the last item first", moved)
	}
	res = run(t, "--profile", dir, "agenda", "edit", "--meeting", topic, "--item", firstItem.ID, "--minutes", "30", "--title", "Đánh giá việc cung cấp dịch vụ công trực tuyến toàn trình")
	if res.code != 0 || !strings.Contains(res.stdout, `Updated item 2. "Đánh giá việc cung cấp dịch vụ công trực tuyến toàn trình".`) {
		t.Errorf("agenda edit: exit %d, stdout %q, stderr %q", res.code, res.stdout, res.stderr)
	}
	var removed struct {
		ID      string
		Removed bool
	}
	runJSON(t, &removed, "--profile", dir, "--json", "agenda", "remove", "--meeting", topic, "--item", show.Agenda[1].ID)
	runJSON(t, &show, "--profile", dir, "meeting", "show", "--meeting", topic, "--json")
	if !removed.Removed || len(show.Agenda) != 2 || show.Agenda[1].ID != firstItem.ID || show.Agenda[1].Minutes != 30 || show.Quorum != nil {
		t.Errorf("after edit and remove: agenda %+v", show.Agenda)
	}

	// The lifecycle: published, in session, attendance and quorum.
	for _, to := range []string{"published", "in_session"} {
		var st struct{ ID, Status string }
		runJSON(t, &st, "--profile", dir, "meeting", "status", "--meeting", topic, "--to", to, "--json")
		if st.Status != to {
			t.Errorf("meeting status --to %s printed %+v", to, st)
		}
	}
	var people []struct{ ID, Role string }
	runJSON(t, &people, "--profile", dir, "member", "list", "--json")
	var att struct {
		Present bool
		Quorum  struct {
			Present, Voters, Needed int
			Met                     bool
		}
	}
	runJSON(t, &att, "--profile", dir, "--json", "meeting", "attend", "--meeting", topic, "--member", people[0].ID)
	if !att.Present || att.Quorum.Present != 1 || att.Quorum.Voters != 11 || att.Quorum.Needed != 8 || att.Quorum.Met {
		t.Errorf("meeting attend = %+v, want 1 of 11 present, 8 needed", att)
	}
	res = run(t, "--profile", dir, "--lang", "vi", "meeting", "status", "--meeting", topic, "--to", "draft")
	if res.code != 1 || !strings.Contains(res.stderr, "ecabinet: Không thể chuyển sang trạng thái này từ trạng thái hiện tại.") {
		t.Errorf("in session back to draft: exit %d, stderr %q", res.code, res.stderr)
	}

	// The open ballot: the secretary is not consulted; extend; close.
	open := ballots[0].ID
	res = run(t, "--profile", dir, "ballot", "answer", "--ballot", open, "--choice", "agree")
	if res.code != 1 || !strings.Contains(res.stderr, "ecabinet: This member is not among those consulted on the ballot.") {
		t.Errorf("the secretary answering: exit %d, stderr %q", res.code, res.stderr)
	}
	res = run(t, "--profile", dir, "ballot", "extend", "--ballot", open, "--deadline", "2023-07-26T17:00:00+07:00")
	if res.code != 1 || !strings.Contains(res.stderr, "ecabinet: The new deadline must be later than the current one.") {
		t.Errorf("extending to an earlier deadline: exit %d, stderr %q", res.code, res.stderr)
	}
	var ext struct{ ID, Deadline string }
	runJSON(t, &ext, "--profile", dir, "ballot", "extend", "--ballot", open, "--deadline", "2999-12-31T17:00:00+07:00", "--json")
	if ext.Deadline != "2999-12-31T10:00:00Z" {
		t.Errorf("ballot extend printed %+v", ext)
	}
	var closed struct {
		ID, Status, Standing, Reason string
		Counts                       map[string]int
	}
	runJSON(t, &closed, "--profile", dir, "ballot", "close", "--ballot", open, "--json")
	wantCounts := map[string]int{"agree": 4, "disagree": 1, "other": 1, "unanswered": 5}
	if closed.Status != "closed" || closed.Standing != "rejected" || closed.Reason != "threshold_not_met" || !mapsEqual(closed.Counts, wantCounts) {
		t.Errorf("ballot close = %+v, want rejected: 4 of 11 is not more than half", closed)
	}
}

// An empty audit log (a profile the hub never synced) is said to be
// empty, not to verify.
func TestAuditVerify_GivenNoEntries_ThenSaysEmpty(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "sample")
	if res := run(t, "--profile", dir, "sample"); res.code != 0 {
		t.Fatalf("sample: %d %s", res.code, res.stderr)
	}
	res := run(t, "--profile", dir, "audit", "verify")
	if res.code != 0 || !strings.Contains(res.stdout, "no entries yet") || strings.Contains(res.stdout, "verifies") {
		t.Fatalf("audit verify on an unsynced profile: exit %d, %q", res.code, res.stdout)
	}
}

// A late answer is listed and marked late, never counted: its member stays
// among those who have not answered, as the count says.
func TestTally_GivenALateAnswer_ThenListedLateAndMemberUnanswered(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "late")
	p, err := core.Create(dir, []byte(testPass), meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	m, err := p.AddMember(meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	p.SetClock(func() time.Time { return now.Add(2 * time.Hour) })
	if _, err := p.RecordAnswerFor(b.ID, m.ID, ballots.ChoiceAgree, "Muộn"); err != nil {
		t.Fatal(err)
	}
	p.Close()
	var out struct {
		Answered int `json:"answered"`
		Answers  []struct {
			MemberID string `json:"member_id"`
			Late     bool   `json:"late"`
		} `json:"answers"`
		Unanswered []struct {
			ID string `json:"id"`
		} `json:"unanswered_members"`
	}
	runJSON(t, &out, "--profile", dir, "--json", "ballot", "tally", "--ballot", b.ID)
	if out.Answered != 0 || len(out.Answers) != 1 || !out.Answers[0].Late || out.Answers[0].MemberID != m.ID {
		t.Fatalf("tally: %+v; want the late answer listed as late and nothing counted", out)
	}
	found := false
	for _, u := range out.Unanswered {
		found = found || u.ID == m.ID
	}
	if !found {
		t.Fatalf("unanswered %v does not name the member whose only answer came late", out.Unanswered)
	}
	res := run(t, "--profile", dir, "ballot", "tally", "--ballot", b.ID)
	if res.code != 0 || !strings.Contains(res.stdout, "late, not counted") {
		t.Fatalf("text tally: exit %d\n%s", res.code, res.stdout)
	}
}

// TestHubInitTwice_ThenTheHintNamesData: the hub's commands take --data,
// so the hint after a refused second init must not say --profile.
func TestHubInitTwice_ThenTheHintNamesData(t *testing.T) {
	testEnv(t)
	t.Setenv(envPass, "correct horse battery staple")
	dir := filepath.Join(t.TempDir(), "hub")
	if res := run(t, "hub", "init", "--data", dir, "--name", "Văn phòng Chính phủ"); res.code != 0 {
		t.Fatalf("hub init: exit %d: %s", res.code, res.stderr)
	}
	res := run(t, "hub", "init", "--data", dir, "--name", "Văn phòng Chính phủ")
	if res.code != 1 || !strings.Contains(res.stderr, "--data DIR") || strings.Contains(res.stderr, "--profile") {
		t.Errorf("second hub init: exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

// TestStats_GivenTheSample_ThenStableJSONByYear: `stats --json` prints the
// sample committee's figures by year with the names scripts rely on, and
// the table in Vietnamese says what offline means.
func TestStats_GivenTheSample_ThenStableJSONByYear(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "sample")
	if res := run(t, "--profile", dir, "sample"); res.code != 0 {
		t.Fatalf("sample: %d %s", res.code, res.stderr)
	}
	res := run(t, "--profile", dir, "--json", "stats")
	if res.code != 0 {
		t.Fatalf("stats: %d %s", res.code, res.stderr)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(res.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	total, _ := raw["total"].(map[string]any)
	for _, k := range []string{"year", "sessions", "ballots", "answers", "offline_answers", "paper_answers", "papers_distributed", "paper_pages_replaced"} {
		if _, ok := total[k]; !ok {
			t.Errorf("the total has no %q: %v", k, total)
		}
	}
	var s struct {
		Years []struct {
			Year, Sessions, Ballots, Answers int
			Papers                           int `json:"papers_distributed"`
			Pages                            int `json:"paper_pages_replaced"`
		}
		Total struct {
			Sessions, Ballots, Answers int
			Papers                     int `json:"papers_distributed"`
			Pages                      int `json:"paper_pages_replaced"`
		}
		OfflineAfterSeconds int `json:"offline_after_seconds"`
	}
	runJSON(t, &s, "--profile", dir, "--json", "stats")
	// The sample's papers (PDFs of three to five pages) went to its
	// committee: copies and the pages they replaced are counted, pages at
	// least one per copy, and the years add up to the total.
	papers, pages := 0, 0
	for _, y := range s.Years {
		papers += y.Papers
		pages += y.Pages
	}
	if s.Total.Papers == 0 || s.Total.Pages < 3*s.Total.Papers || papers != s.Total.Papers || pages != s.Total.Pages {
		t.Errorf("papers distributed %d, pages %d (years: %d, %d)", s.Total.Papers, s.Total.Pages, papers, pages)
	}
	// The sample: the fifth session (19 July 2023) was held, one ballot is
	// closed, the sixth session and the open ballot are to come.
	if len(s.Years) == 0 || s.Total.Sessions < 1 || s.Total.Ballots < 1 || s.Total.Answers < 1 || s.OfflineAfterSeconds != 600 {
		t.Fatalf("stats %+v", s)
	}
	sum := 0
	for _, y := range s.Years {
		sum += y.Sessions
	}
	if sum != s.Total.Sessions {
		t.Fatalf("years %+v do not add up to the total %+v", s.Years, s.Total)
	}
	res = run(t, "--profile", dir, "--lang", "vi", "stats")
	if res.code != 0 || !strings.Contains(res.stdout, "Phiên họp") || !strings.Contains(res.stdout, "Tổng") || !strings.Contains(res.stdout, "10 phút") {
		t.Fatalf("stats table: %d %q %q", res.code, res.stdout, res.stderr)
	}
}

// TestSample_IntoAnExistingProfile_BringsItsPapers: the sample loaded into
// a secretary's profile that has no meeting yet (as a secretary's
// enrolled profile) holds the sample's three papers, as a new sample
// profile does.
func TestSample_IntoAnExistingProfile_BringsItsPapers(t *testing.T) {
	testEnv(t)
	dir := filepath.Join(t.TempDir(), "thuky")
	if res := run(t, "--profile", dir, "init", "--name", "Thư ký Ban Chỉ đạo", "--role", "secretary"); res.code != 0 {
		t.Fatalf("init: %d %s", res.code, res.stderr)
	}
	var out struct{ Created, Loaded bool }
	runJSON(t, &out, "--profile", dir, "--json", "sample")
	if out.Created || !out.Loaded {
		t.Fatalf("sample into the profile = %+v, want loaded, not created", out)
	}
	var papers []struct{ Title string }
	runJSON(t, &papers, "--profile", dir, "--json", "paper", "list")
	if len(papers) != 3 {
		t.Errorf("the profile holds %d papers after the sample, want its 3: %+v", len(papers), papers)
	}
}

// A hub command given a directory with no hub says how to name the hub's
// directory (--data) or make one, not how to make a member's profile.
func TestHub_GivenADirectoryWithNoHub_ThenTheHintNamesData(t *testing.T) {
	testEnv(t)
	res := run(t, "hub", "serve", "--data", filepath.Join(t.TempDir(), "nope"))
	if res.code != 1 || !strings.Contains(res.stderr, "--data DIR") || strings.Contains(res.stderr, "--profile") {
		t.Fatalf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
}
