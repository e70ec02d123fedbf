package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release, set at link time:
//
//	go build -ldflags "-X github.com/ecabinet/ecabinet/cli.Version=1.2.0"
//
// Empty means a development build; version then shows the commit, if known.
var Version = ""

// ReleaseVersion is this build's version as `ecabinet version` reports
// it: what the desktop tells the hub it runs (replica.AppVersion).
func ReleaseVersion() string { return version() }

// version returns the release or a description of the development build.
func version() string {
	if Version != "" {
		return Version
	}
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			v += " (" + rev + dirty + ")"
		}
	}
	return v
}

// version
func defineVersion(fs *flag.FlagSet) action {
	return func(r *runner) error {
		v := version()
		return r.emit(map[string]any{"version": v, "go": runtime.Version()}, func(w io.Writer) {
			fmt.Fprintf(w, "ecabinet %s (%s, %s/%s)\n", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		})
	}
}

// help [COMMAND]: the whole listing, a group's commands, or one command.
func (r *runner) help(words []string) error {
	var b strings.Builder
	switch cmd, extra := lookup(words); {
	case len(words) == 0:
		r.usage(&b)
	case cmd != nil && len(extra) == 0 && cmd.define != nil:
		r.usageOf(&b, cmd)
	case len(group(words[0])) > 0 && len(words) == 1:
		for _, c := range group(words[0]) {
			r.usageOf(&b, c)
		}
	default:
		return usagef("cli.usage.unknown_command", "word", strings.Join(words, " "))
	}
	return r.emit(map[string]any{"usage": b.String()}, func(w io.Writer) { io.WriteString(w, b.String()) })
}

func (r *runner) usageOf(w io.Writer, c *command) {
	fmt.Fprintln(w, "  "+strings.TrimSpace("ecabinet "+c.name+" "+c.synopsis))
	fmt.Fprintln(w, "      "+r.T(c.desc()))
}

func (r *runner) usage(w io.Writer) {
	fmt.Fprintln(w, r.T("cli.help.intro"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.usage.label"))
	fmt.Fprintln(w, "  ecabinet [--profile DIR] [--lang vi|en]")
	fmt.Fprintln(w, "      "+r.T("cli.help.desktop"))
	fmt.Fprintln(w, "  ecabinet [--profile DIR] [--json] [--lang vi|en] COMMAND [FLAGS]")
	fmt.Fprintln(w, "      "+r.T("cli.help.command"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.help.commands"))
	for _, c := range commands {
		if c.define != nil {
			r.usageOf(w, c)
		}
	}
	fmt.Fprintln(w, "  ecabinet help [COMMAND]")
	fmt.Fprintln(w, "      "+r.T("cli.cmd.help"))
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.help.globals"))
	table(w, [][]string{
		{"  --profile DIR", r.T("cli.help.flag_profile")},
		{"  --json", r.T("cli.help.flag_json")},
		{"  --lang vi|en", r.T("cli.help.flag_lang")},
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.help.env"))
	table(w, [][]string{
		{"  " + envProfile, r.T("cli.help.env_profile")},
		{"  " + envPass, r.T("cli.help.env_pass")},
		{"  " + envNewPass, r.T("cli.help.env_new_pass")},
		// The scaled-out hub's credentials (hub serve --store, hub export):
		// never in a URL on the command line.
		{"  AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY", r.T("cli.help.env_s3")},
		{"  PGPASSWORD", r.T("cli.help.env_pg")},
	})
	fmt.Fprintln(w)
	fmt.Fprintln(w, r.T("cli.help.notes"))
}
