package cli

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"

	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/internal/codestest"
	"github.com/ecabinet/ecabinet/meetings"
)

// coreKeys are the keys core.ErrorKey returns besides domain codes, and the
// core's own codes.
var coreKeys = []string{
	"err.forbidden", "err.not_found", "err.stale", "err.invalid_transition",
	"err.wrong_passphrase", "err.profile_in_use", "err.no_profile", "err.profile_exists",
	"err.newer_schema", "err.corrupt_keyfile", "err.corrupt_backup", "err.weak_passphrase", "err.bad_signature", "err.unexpected",
}

// literals returns, sorted, the string literals in the non-test Go files
// of dir that match re.
func literals(t *testing.T, dir string, re *regexp.Regexp) []string {
	t.Helper()
	var out []string
	for s := range codestest.Matching(t, dir, "", re) {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// TestTranslations_EveryErrorCodeHasBothLanguages: every code the domain
// lists, every key core.ErrorKey returns, and every "err.…" literal in the
// core's, the domain's and the sync's (replica) source has a message in
// Vietnamese and English.
func TestTranslations_EveryErrorCodeHasBothLanguages(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	codes := append(append(append([]string{}, meetings.ErrorCodes...), ballots.ErrorCodes...), coreKeys...)
	for _, dir := range []string{"../core", "../meetings", "../ballots", "../replica"} {
		codes = append(codes, literals(t, dir, codestest.Literal)...)
	}
	if len(codes) < 60 {
		t.Fatalf("only %d codes found; are the code lists empty?", len(codes))
	}
	for _, c := range codes {
		for _, l := range []string{langVI, langEN} {
			if strings.TrimSpace(cats[l][c]) == "" {
				t.Errorf("%s has no %s translation", c, l)
			}
		}
	}
}

// TestTranslations_EveryCLIKeyHasBothLanguages checks the keys the commands
// use, literal and built (role, status, choice … names), and that the two
// languages have the same keys with different words.
func TestTranslations_EveryCLIKeyHasBothLanguages(t *testing.T) {
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	keys := literals(t, ".", regexp.MustCompile(`^cli\.[a-z_]+(\.[a-z_-]*[a-z])+$`))
	for _, c := range commands {
		keys = append(keys, c.desc())
	}
	for _, r := range meetings.Roles {
		keys = append(keys, "cli.role."+string(r))
	}
	for _, s := range meetings.Statuses {
		keys = append(keys, "cli.meeting_status."+string(s))
	}
	for _, s := range []ballots.Status{ballots.StatusDraft, ballots.StatusOpen, ballots.StatusClosed} {
		keys = append(keys, "cli.ballot_status."+string(s))
	}
	for _, c := range ballots.Choices {
		keys = append(keys, "cli.choice."+string(c))
	}
	for _, s := range []ballots.Standing{ballots.StandingOpen, ballots.StandingPassed, ballots.StandingRejected} {
		keys = append(keys, "cli.standing."+string(s))
		if s != ballots.StandingOpen {
			keys = append(keys, "cli.standing."+string(s)+"_early")
		}
	}
	for _, r := range []string{ballots.ReasonThresholdMet, ballots.ReasonThresholdNotMet, ballots.ReasonChairTiebreak,
		ballots.ReasonQuorumNotMet, ballots.ReasonNoMembers, ballots.ReasonPolicyInvalid} {
		keys = append(keys, "cli.reason."+r)
	}
	for _, p := range ballots.Presets() {
		keys = append(keys, "cli.policy."+p.Name)
	}
	for _, k := range []string{"member", "meeting", "ballot", "item"} {
		keys = append(keys, "cli.err.not_found_"+k)
	}
	for _, k := range keys {
		for _, l := range []string{langVI, langEN} {
			if strings.TrimSpace(cats[l][k]) == "" {
				t.Errorf("%s has no %s translation", k, l)
			}
		}
	}
	for k, vi := range cats[langVI] {
		if !strings.HasPrefix(k, "cli.") && !strings.HasPrefix(k, "err.") {
			continue // another area's file
		}
		en, ok := cats[langEN][k]
		switch {
		case !ok:
			t.Errorf("%s is in Vietnamese only", k)
		case vi == en:
			t.Errorf("%s is the same in both languages: %q", k, vi)
		}
	}
	for k := range cats[langEN] {
		if _, ok := cats[langVI][k]; !ok && (strings.HasPrefix(k, "cli.") || strings.HasPrefix(k, "err.")) {
			t.Errorf("%s is in English only", k)
		}
	}
}

// TestTranslations_FilesParse: the files are valid for Fyne's lang package
// (which the desktop app uses) and every message is a valid template.
func TestTranslations_FilesParse(t *testing.T) {
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		t.Fatalf("fyne lang refuses the translations: %v", err)
	}
	cats, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	for l, msgs := range cats {
		for k, m := range msgs {
			if _, err := template.New(k).Parse(m); err != nil {
				t.Errorf("%s %s: %v", l, k, err)
			}
		}
	}
}

func TestTranslator(t *testing.T) {
	vi, en := newTranslator(langVI), newTranslator(langEN)
	if got := vi.T("cli.usage.missing_flag", map[string]any{"flag": "--title"}); got != "Thiếu tham số bắt buộc --title." {
		t.Errorf("vi = %q", got)
	}
	if got := en.T("cli.usage.missing_flag", map[string]any{"flag": "--title"}); got != "Missing required flag --title." {
		t.Errorf("en = %q", got)
	}
	if got := vi.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key = %q, want the key", got)
	}
	if got := newTranslator("fr").T("err.wrong_passphrase"); got != "Wrong passphrase — nothing was changed." {
		t.Errorf("unknown language = %q, want English", got)
	}
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	for env, want := range map[string]string{"vi_VN.UTF-8": langVI, "vi": langVI, "en_GB.UTF-8": langEN, "C.UTF-8": langEN, "": langEN} {
		t.Setenv("LANG", env)
		if got := envLang(); got != want {
			t.Errorf("LANG=%q: %s, want %s", env, got, want)
		}
	}
	t.Setenv("LC_ALL", "vi_VN.UTF-8")
	t.Setenv("LANG", "en_US.UTF-8")
	if got := envLang(); got != langVI {
		t.Errorf("LC_ALL=vi_VN, LANG=en_US: %s, want vi", got)
	}
}

// English counts agree with their number.
func TestCatalog_EnglishCountsAgree(t *testing.T) {
	tr := newTranslator(langEN)
	for _, tc := range []struct {
		key  string
		data map[string]any
		want string
	}{
		{"cli.out.synced", map[string]any{"pushed": 1, "accepted": 1, "rejected": 0, "pulled": 1}, "Synced: sent 1 change (1 accepted, 0 refused), received 1."},
		{"cli.out.synced", map[string]any{"pushed": 3, "accepted": 3, "rejected": 0, "pulled": 6}, "Synced: sent 3 changes (3 accepted, 0 refused), received 6."},
		{"cli.out.audit_ok", map[string]any{"n": 1, "hash": "ab"}, "The audit log verifies: 1 entry, head ab."},
		{"cli.err.sync_incomplete", map[string]any{"pending": uint64(1), "behind": uint64(0)}, "Sync is not finished: 1 change is still to send and 0 still to receive. Run ecabinet sync again."},
	} {
		if got := tr.T(tc.key, tc.data); got != tc.want {
			t.Errorf("%s %v:\n got %q\nwant %q", tc.key, tc.data, got, tc.want)
		}
	}
}
