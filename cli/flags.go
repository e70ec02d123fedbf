package cli

import (
	"strconv"
	"strings"
)

// globals are the flags every command accepts, before or after its words.
type globals struct {
	Profile string // --profile DIR; empty: ECABINET_PROFILE, else the default
	JSON    bool   // --json
	Lang    string // --lang vi|en; empty: from the environment
}

// Names of the global flags.
const (
	flagProfile = "profile"
	flagJSON    = "json"
	flagLang    = "lang"
)

// boolFlags are the command flags that take no value, so that parseGlobal
// does not mistake the word after them for their value. Every boolean flag a
// command defines must be listed here (a test checks).
var boolFlags = map[string]bool{"absent": true, "all": true, "h": true, "help": true, "restricted": true}

// globalError is a malformed global flag: a usage error.
type globalError struct {
	key  string
	flag string
	val  string
}

func (e *globalError) Error() string { return e.key + ": --" + e.flag + " " + strconv.Quote(e.val) }

// splitFlag parses a flag token as the flag package does: one or two dashes,
// a name, and an optional "=value". ok is false for a word that is not a
// flag ("x", "-", "--").
func splitFlag(arg string) (name, value string, hasValue, ok bool) {
	if len(arg) < 2 || arg[0] != '-' {
		return "", "", false, false
	}
	s := arg[1:]
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return "", "", false, false // "--" ends the flags
		}
	}
	if s == "" || s[0] == '-' || s[0] == '=' {
		return "", "", false, false // the flag package refuses these; leave them to it
	}
	name = s
	if i := strings.IndexByte(s, '='); i >= 0 {
		name, value, hasValue = s[:i], s[i+1:], true
	}
	return name, value, hasValue, true
}

// parseGlobal takes the global flags out of args, wherever they are, and
// returns the rest in order. It reads the other flags as the flag package
// will: a flag that is not boolean takes the next word as its value (even
// one that looks like a flag), so `--title --json` is a title. After "--"
// nothing is a flag.
func parseGlobal(args []string) (globals, []string, error) {
	var g globals
	rest := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue, ok := splitFlag(arg)
		if !ok {
			rest = append(rest, arg)
			continue
		}
		switch name {
		case flagProfile, flagLang:
			if !hasValue {
				if i+1 >= len(args) {
					return g, nil, &globalError{key: "cli.usage.needs_value", flag: name}
				}
				i++
				value = args[i]
			}
			if name == flagProfile {
				if value == "" {
					return g, nil, &globalError{key: "cli.usage.needs_value", flag: name}
				}
				g.Profile = value
				continue
			}
			l, ok := normLang(value)
			if !ok {
				return g, nil, &globalError{key: "cli.usage.bad_lang", flag: name, val: value}
			}
			g.Lang = l
		case flagJSON:
			g.JSON = true
			if hasValue {
				b, err := strconv.ParseBool(value)
				if err != nil {
					return g, nil, &globalError{key: "cli.usage.bad_bool", flag: name, val: value}
				}
				g.JSON = b
			}
		default:
			rest = append(rest, arg)
			if !hasValue && !boolFlags[name] && i+1 < len(args) {
				i++
				rest = append(rest, args[i])
			}
		}
	}
	return g, rest, nil
}

// args writes g back as flags that parseGlobal reads as g.
func (g globals) args() []string {
	var out []string
	if g.Profile != "" {
		out = append(out, "--"+flagProfile+"="+g.Profile)
	}
	if g.JSON {
		out = append(out, "--"+flagJSON)
	}
	if g.Lang != "" {
		out = append(out, "--"+flagLang+"="+g.Lang)
	}
	return out
}

// normLang accepts vi or en, with a region or encoding ("vi_VN.UTF-8").
func normLang(s string) (string, bool) {
	s = strings.ToLower(s)
	for _, l := range []string{langVI, langEN} {
		if s == l || strings.HasPrefix(s, l+"_") || strings.HasPrefix(s, l+"-") || strings.HasPrefix(s, l+".") {
			return l, true
		}
	}
	return "", false
}

// isPSN reports the -psn_0_12345 argument macOS adds when an app bundle is
// opened from the Finder.
func isPSN(arg string) bool { return strings.HasPrefix(arg, "-psn_") }

// isHelpFlag reports -h, --help and their one-dash/two-dash spellings.
func isHelpFlag(arg string) bool {
	name, _, hasValue, ok := splitFlag(arg)
	return ok && !hasValue && (name == "h" || name == "help")
}
