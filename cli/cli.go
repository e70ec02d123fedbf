// Package cli holds the headless commands of the ecabinet binary: the same
// use cases as the desktop screens, carried out through the application
// core, with --json output for scripts.
//
// Every command reads the global flags --profile DIR, --json and --lang vi|en
// before or after its words, runs one use case on the profile, and exits 0 on
// success, 2 on a usage error (with a usage line on stderr) and 1 on any other
// error (with a translated message on stderr). With --json, stdout holds
// exactly one JSON document on success and nothing on error.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecabinet/ecabinet/core"
)

// Environment variables the commands read.
const (
	envProfile = "ECABINET_PROFILE"
	envPass    = "ECABINET_PASSPHRASE"
	envNewPass = "ECABINET_NEW_PASSPHRASE"
)

// action carries out a command once its flags are parsed.
type action func(r *runner) error

// command is one headless command: its words ("meeting create"), the flags
// it takes as shown in its usage line, the translation key of its one-line
// description, and define, which declares its flags on fs and returns what
// to do with them.
type command struct {
	name     string
	synopsis string
	define   func(fs *flag.FlagSet) action
}

// desc is the translation key of the command's description.
func (c *command) desc() string { return "cli.cmd." + strings.ReplaceAll(c.name, " ", "_") }

// commands lists every command in the order help shows them.
var commands []*command

func init() {
	commands = []*command{
		{"init", "--name NAME [--title TITLE] --role secretary|chair|member", defineInit},
		{"sample", "", defineSample},
		{"body create", "--name NAME", defineBodyCreate},
		{"body list", "", defineBodyList},
		{"member add", "--name NAME [--title TITLE] --role chair|member|secretary|guest [--body ID] | --member ID --role ROLE [--body ID]", defineMemberAdd},
		{"member list", "[--body ID]", defineMemberList},
		{"member leave", "--member ID --body ID", defineMemberLeave},
		{"meeting create", "--title TITLE --start RFC3339 [--place PLACE] [--body ID] [--participants ID,...] [--restricted]", defineMeetingCreate},
		{"meeting list", "", defineMeetingList},
		{"meeting show", "--meeting ID", defineMeetingShow},
		{"meeting edit", "--meeting ID [--title TITLE] [--start RFC3339] [--place PLACE] [--participants ID,...] [--restricted=true|false]", defineMeetingEdit},
		{"meeting status", "--meeting ID --to draft|published|in_session|closed", defineMeetingStatus},
		{"meeting attend", "--meeting ID --member ID [--absent]", defineMeetingAttend},
		{"agenda add", "--meeting ID --title TITLE [--presenter NAME] [--minutes N]", defineAgendaAdd},
		{"agenda edit", "--meeting ID --item ID [--title TITLE] [--presenter NAME] [--minutes N]", defineAgendaEdit},
		{"agenda move", "--meeting ID --item ID --to POSITION", defineAgendaMove},
		{"agenda remove", "--meeting ID --item ID", defineAgendaRemove},
		{"ballot issue", "--title TITLE --question TEXT --deadline RFC3339 [--policy vn-government|simple-majority|two-thirds] [--meeting ID [--item ID]] [--eligible ID,ID,...] [--body ID]", defineBallotIssue},
		{"ballot list", "", defineBallotList},
		{"ballot answer", "--ballot ID --choice agree|disagree|other [--comment TEXT] [--member ID [--scan FILE]]", defineBallotAnswer},
		{"ballot tally", "--ballot ID [--all]", defineBallotTally},
		{"ballot close", "--ballot ID", defineBallotClose},
		{"ballot extend", "--ballot ID --deadline RFC3339", defineBallotExtend},
		{"ballot remind", "--ballot ID [--message TEXT]", defineBallotRemind},
		{"ballot export", "--ballot ID --format json|csv [--out FILE]", defineBallotExport},
		{"report invitation", "--meeting ID [--out FILE|DIR]", defineReportInvitation},
		{"report minutes", "--meeting ID [--out FILE|DIR]", defineReportMinutes},
		{"report summary", "--ballot ID [--out FILE|DIR]", defineReportSummary},
		{"report book", "--meeting ID [--member ID] [--out FILE|DIR]", defineReportBook},
		{"minutes conclude", "--meeting ID --item ID --text TEXT", defineMinutesConclude},
		{"minutes finalise", "--meeting ID", defineMinutesFinalise},
		{"consent mark", "--meeting ID --item ID --mark no_objection|speak|object", defineConsentMark},
		{"consent show", "--meeting ID", defineConsentShow},
		{"consent adopt", "--meeting ID", defineConsentAdopt},
		{"vote start", "--meeting ID --item ID [--question TEXT] [--minutes N]", defineVoteStart},
		{"paper add", "--meeting ID --item N | --ballot ID --file PATH [--title T] [--to MEMBER,...] [--confidential] [--no-export]", definePaperAdd},
		{"paper list", "[--meeting ID | --ballot ID]", definePaperList},
		{"paper show", "--paper ID", definePaperShow},
		{"paper replace", "--paper ID --file PATH", definePaperReplace},
		{"paper recall", "--paper ID", definePaperRecall},
		{"paper export", "--paper ID --out FILE", definePaperExport},
		{"paper fetch", "", definePaperFetch},
		{"audit verify", "[--data DIR]", defineAuditVerify},
		{"audit export", "[--data DIR] [--out FILE]", defineAuditExport},
		{"stats", "[--data DIR]", defineStats},
		{"passphrase change", "", definePassphraseChange},
		{"enroll", "--hub https://HOST:PORT --invite CODE", defineEnroll},
		{"sync", "", defineSync},
		{"hub init", "--data DIR --name ORG | --store postgres://… [--chunks s3://…] --org ORG [--secretary NAME] [--host NAME,...] [--ttl 10m]", defineHubInit},
		{"hub serve", "--data DIR | --store postgres://… --chunks s3://… --cache DIR | --config FILE [--listen 127.0.0.1:8443] [--metrics 127.0.0.1:9464] [--log-level info]", defineHubServe},
		{"hub migrate", "--store postgres://…", defineHubMigrate},
		{"hub export", "--data DIR --to postgres://… --chunks s3://… [--config FILE]", defineHubExport},
		{"hub invite", "--data DIR | --store postgres://… [--cache DIR] --member ID [--role secretary|chair|member|guest] [--ttl 10m]", defineHubInvite},
		{"hub revoke", "--data DIR | --store postgres://… [--cache DIR] --device ID", defineHubRevoke},
		{"hub devices", "--data DIR | --store postgres://… [--cache DIR]", defineHubDevices},
		{"hub backup", "--data DIR --out FILE", defineHubBackup},
		{"hub restore", "--in FILE --data DIR", defineHubRestore},
		{"version", "", defineVersion},
		{"help", "[COMMAND]", nil},
	}
}

// lookup finds the command named by the leading words; extra are the words
// after its name.
func lookup(words []string) (cmd *command, extra []string) {
	for _, c := range commands {
		n := strings.Fields(c.name)
		if len(words) >= len(n) && strings.Join(words[:len(n)], " ") == c.name {
			return c, words[len(n):]
		}
	}
	return nil, nil
}

// group returns the commands whose first word is w.
func group(w string) []*command {
	var out []*command
	for _, c := range commands {
		if first, _, _ := strings.Cut(c.name, " "); first == w && strings.Contains(c.name, " ") {
			out = append(out, c)
		}
	}
	return out
}

// runner is one run of Main.
type runner struct {
	g      globals
	lang   string
	tr     *translator
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	cmd    *command      // the command being run, for its usage line
	p      *core.Profile // the opened profile, closed when Main returns
}

// T translates key in the run's language.
func (r *runner) T(key string, data ...map[string]any) string { return r.tr.T(key, data...) }

// IsCommand reports whether args name a subcommand rather than only desktop
// flags: after the global flags and their values, a word remains (or -h,
// --help). A malformed global flag is a command too, so that Main reports it.
func IsCommand(args []string) bool {
	_, rest, err := parseGlobal(withoutPSN(args))
	if err != nil {
		return true
	}
	for _, a := range rest {
		if a == "--" {
			return false
		}
		if _, _, _, isFlag := splitFlag(a); !isFlag || isHelpFlag(a) {
			return true
		}
	}
	return false
}

// Main runs a subcommand and returns the exit code: 0 success, 2 usage
// error, 1 any other error.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g, rest, err := parseGlobal(args)
	lang := g.Lang
	if lang == "" {
		lang = envLang()
	}
	r := &runner{g: g, lang: lang, tr: newTranslator(lang), stdin: stdin, stdout: stdout, stderr: stderr}
	if err != nil {
		var ge *globalError
		errors.As(err, &ge)
		return r.exit(usagef(ge.key, "flag", "--"+ge.flag, "value", ge.val))
	}
	err = r.run(rest)
	if r.p != nil {
		if cerr := r.p.Close(); cerr != nil {
			// What the command saved is already durable (journal and
			// database, both synced); say what went wrong, keep the status.
			fmt.Fprintln(r.stderr, "ecabinet:", r.errorMessage(cerr))
		}
	}
	return r.exit(err)
}

// run finds the command, parses its flags and carries it out.
func (r *runner) run(rest []string) error {
	n := 0
	for n < len(rest) {
		if _, _, _, isFlag := splitFlag(rest[n]); isFlag || rest[n] == "--" {
			break
		}
		n++
	}
	words := rest[:n]
	if len(words) == 0 {
		switch {
		case len(rest) == 0 || rest[0] == "--":
			return usagef("cli.usage.no_command")
		case isHelpFlag(rest[0]):
			return r.help(nil)
		}
		return usagef("cli.usage.unknown_flag", "flag", rest[0])
	}
	if words[0] == "help" {
		return r.help(words[1:])
	}
	cmd, extra := lookup(words)
	if cmd == nil {
		if sub := group(words[0]); len(sub) > 0 {
			if len(words) == 1 {
				return usagef("cli.usage.needs_subcommand", "group", words[0], "list", names(sub))
			}
			return usagef("cli.usage.unknown_subcommand", "group", words[0], "word", words[1], "list", names(sub))
		}
		return usagef("cli.usage.unknown_command", "word", words[0])
	}
	r.cmd = cmd
	if len(extra) > 0 {
		return usagef("cli.usage.unexpected_arg", "arg", extra[0])
	}
	fs := flag.NewFlagSet("ecabinet "+cmd.name, flag.ContinueOnError)
	// The flag package's own messages are English; the commands print
	// translated ones instead (flagError), so its output is discarded.
	fs.SetOutput(io.Discard)
	act := cmd.define(fs)
	if err := fs.Parse(rest[n:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return r.help(strings.Fields(cmd.name))
		}
		return flagError(err)
	}
	if fs.NArg() > 0 {
		return usagef("cli.usage.unexpected_arg", "arg", fs.Arg(0))
	}
	return act(r)
}

func names(cmds []*command) string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.name)
	}
	return strings.Join(out, ", ")
}

// flagError turns the flag package's parse errors into translated usage
// errors.
func flagError(err error) error {
	msg := err.Error()
	for _, p := range []struct{ prefix, key string }{
		{"flag provided but not defined: ", "cli.usage.unknown_flag"},
		{"flag needs an argument: ", "cli.usage.needs_value"},
	} {
		if f, ok := strings.CutPrefix(msg, p.prefix); ok {
			return usagef(p.key, "flag", "--"+strings.TrimLeft(f, "-"))
		}
	}
	// invalid boolean value "x" for -absent: parse error
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		if val, f, ok := strings.Cut(rest, " for "); ok {
			f, _, _ = strings.Cut(f, ":")
			return usagef("cli.usage.bad_bool", "flag", "--"+strings.TrimLeft(f, "-"), "value", strings.Trim(val, `"`))
		}
	}
	return usagef("cli.usage.flag", "detail", msg)
}

// exit prints what went wrong, if anything, and returns the exit status.
func (r *runner) exit(err error) int {
	if err == nil {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(r.stderr, "ecabinet:", r.T(ue.key, ue.data))
		if r.cmd != nil {
			fmt.Fprintln(r.stderr, r.T("cli.usage.label"), strings.TrimSpace("ecabinet "+r.cmd.name+" "+r.cmd.synopsis))
		} else {
			fmt.Fprintln(r.stderr, r.T("cli.usage.label"), "ecabinet [--profile DIR] [--json] [--lang vi|en] COMMAND [FLAGS]")
		}
		fmt.Fprintln(r.stderr, r.T("cli.usage.see_help"))
		return 2
	}
	fmt.Fprintln(r.stderr, "ecabinet:", r.errorMessage(err))
	key := core.ErrorKey(err)
	hint := "cli.hint." + key
	if r.cmd != nil && strings.HasPrefix(r.cmd.name, "hub ") && r.tr.Has("cli.hint.hub."+key) {
		// The hub's commands name their directory with --data, not
		// --profile: a hint must give the flag the command takes.
		hint = "cli.hint.hub." + key
	}
	if r.tr.Has(hint) && (key != "err.wrong_passphrase" || os.Getenv(envPass) != "") {
		dir, _ := r.profileDir()
		fmt.Fprintln(r.stderr, r.T(hint, map[string]any{"profile": shellQuote(dir)}))
	}
	return 1
}

// profileDir is --profile, else ECABINET_PROFILE, else the default, made
// absolute.
func (r *runner) profileDir() (string, error) {
	dir := r.g.Profile
	if dir == "" {
		dir = os.Getenv(envProfile)
	}
	if dir == "" {
		d, err := core.DefaultDir()
		if err != nil {
			return "", err
		}
		dir = d
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return dir, nil
}

// shellQuote quotes s for a POSIX shell when it needs it, for hints that
// show a command to copy.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Desktop is what the desktop app is started with. It is cli's own type,
// not app.Config, so that the headless commands link no Fyne: main.go,
// the one place that has both, copies it into app.Config.
type Desktop struct {
	// ProfileDir is the profile directory (--profile, ECABINET_PROFILE, or
	// the default under the user's configuration directory).
	ProfileDir string
	// Passphrase is ECABINET_PASSPHRASE, when set.
	Passphrase []byte
	// Lang is "vi" or "en" when --lang is given, else empty.
	Lang string
}

// DesktopConfig parses the desktop app's flags (--profile, --lang; --json is
// accepted and ignored; the -psn_… argument macOS adds is skipped) and
// environment (ECABINET_PROFILE, ECABINET_PASSPHRASE). Lang is set only when
// --lang is given: the app otherwise uses the saved choice.
func DesktopConfig(args []string) (Desktop, error) {
	g, rest, err := parseGlobal(withoutPSN(args))
	if err != nil {
		var ge *globalError
		errors.As(err, &ge)
		return Desktop{}, fmt.Errorf("%s", newTranslator(envLang()).T(ge.key, map[string]any{"flag": "--" + ge.flag, "value": ge.val}))
	}
	for _, a := range rest {
		if a != "--" {
			return Desktop{}, fmt.Errorf("%s", newTranslator(envLang()).T("cli.usage.unknown_flag", map[string]any{"flag": a}))
		}
	}
	r := &runner{g: g}
	dir, err := r.profileDir()
	if err != nil {
		return Desktop{}, err
	}
	cfg := Desktop{ProfileDir: dir, Lang: g.Lang}
	if p := os.Getenv(envPass); p != "" {
		cfg.Passphrase = []byte(p)
	}
	return cfg, nil
}

func withoutPSN(args []string) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		if !isPSN(a) {
			out = append(out, a)
		}
	}
	return out
}
