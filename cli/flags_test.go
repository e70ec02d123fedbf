package cli

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseGlobal_GivenFlagsAnywhere_ThenTheyAreTakenOutAndTheRestKeepsItsOrder(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want globals
		rest []string
	}{
		{"none", []string{"meeting", "list"}, globals{}, []string{"meeting", "list"}},
		{"before", []string{"--profile", "/p", "--json", "--lang", "vi", "meeting", "list"}, globals{"/p", true, "vi"}, []string{"meeting", "list"}},
		{"after", []string{"meeting", "list", "--profile=/p", "--json", "--lang=en"}, globals{"/p", true, "en"}, []string{"meeting", "list"}},
		{"between", []string{"meeting", "-json", "list", "-profile", "/p"}, globals{"/p", true, ""}, []string{"meeting", "list"}},
		{"among command flags", []string{"agenda", "add", "--meeting", "m", "--json", "--title", "T"}, globals{JSON: true}, []string{"agenda", "add", "--meeting", "m", "--title", "T"}},
		{"a value that looks like a global flag", []string{"agenda", "add", "--title", "--json"}, globals{}, []string{"agenda", "add", "--title", "--json"}},
		{"a value after =", []string{"agenda", "add", "--title=--json", "--json"}, globals{JSON: true}, []string{"agenda", "add", "--title=--json"}},
		{"a boolean command flag", []string{"meeting", "attend", "--absent", "--json"}, globals{JSON: true}, []string{"meeting", "attend", "--absent"}},
		{"help is not global", []string{"-h", "--json"}, globals{JSON: true}, []string{"-h"}},
		{"json=false", []string{"--json", "--json=false"}, globals{}, []string{}},
		{"last wins", []string{"--lang", "vi", "--lang", "en_US.UTF-8", "--profile", "a", "--profile", "b"}, globals{"b", false, "en"}, []string{}},
		{"region", []string{"--lang=vi_VN.UTF-8"}, globals{Lang: "vi"}, []string{}},
		{"a profile starting with a dash", []string{"--profile", "-p", "x"}, globals{Profile: "-p"}, []string{"x"}},
		{"after --", []string{"x", "--", "--json"}, globals{}, []string{"x", "--", "--json"}},
		{"single dash word", []string{"-", "--json"}, globals{JSON: true}, []string{"-"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, rest, err := parseGlobal(c.args)
			if err != nil {
				t.Fatal(err)
			}
			if g != c.want || !slices.Equal(rest, c.rest) {
				t.Errorf("parseGlobal(%q) = %+v %q, want %+v %q", c.args, g, rest, c.want, c.rest)
			}
		})
	}
}

func TestParseGlobal_GivenAMalformedGlobalFlag_ThenAnError(t *testing.T) {
	for _, args := range [][]string{
		{"--profile"}, {"--profile="}, {"--profile", ""}, {"--lang"}, {"--lang", "fr"}, {"--lang=", "x"}, {"--json=perhaps"},
	} {
		if _, _, err := parseGlobal(args); err == nil {
			t.Errorf("parseGlobal(%q): no error", args)
		}
	}
}

func TestIsCommand(t *testing.T) {
	cases := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"--profile", "/p"}, false},
		{[]string{"--profile=/p", "--lang", "vi"}, false},
		{[]string{"--json"}, false},
		{[]string{"-psn_0_12345"}, false},
		{[]string{"--profile", "/p", "-psn_0_12345"}, false},
		{[]string{"--profile", "/p", "--"}, false},
		{[]string{"--profile", "meeting"}, false}, // a profile named "meeting"
		{[]string{"--profile", "/p", "meeting", "list"}, true},
		{[]string{"meeting", "list", "--profile", "/p"}, true},
		{[]string{"help"}, true},
		{[]string{"-h"}, true},
		{[]string{"--help"}, true},
		{[]string{"-help"}, true},
		{[]string{"version"}, true},
		{[]string{"audit"}, true},  // Main reports it as unknown
		{[]string{"--lang"}, true}, // malformed: Main reports it
	}
	for _, c := range cases {
		if got := IsCommand(c.args); got != c.want {
			t.Errorf("IsCommand(%q) = %v, want %v", c.args, got, c.want)
		}
	}
}

func TestDesktopConfig(t *testing.T) {
	t.Setenv(envProfile, "/from/env")
	t.Setenv(envPass, "secret passphrase")
	cfg, err := DesktopConfig([]string{"-psn_0_42", "--lang", "en"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ProfileDir != "/from/env" || string(cfg.Passphrase) != "secret passphrase" || cfg.Lang != "en" {
		t.Errorf("config = %+v", cfg)
	}
	cfg, err = DesktopConfig([]string{"--profile=/p", "--json"})
	if err != nil || cfg.ProfileDir != "/p" || cfg.Lang != "" {
		t.Errorf("config = %+v, %v; want /p and no language (the saved choice)", cfg, err)
	}
	t.Setenv(envPass, "")
	t.Setenv(envProfile, "")
	if cfg, err = DesktopConfig(nil); err != nil || cfg.Passphrase != nil || cfg.ProfileDir == "" {
		t.Errorf("default config = %+v, %v; want the default directory and no passphrase", cfg, err)
	}
	for _, args := range [][]string{{"--bogus"}, {"--lang", "fr"}, {"--profile"}} {
		if _, err := DesktopConfig(args); err == nil {
			t.Errorf("DesktopConfig(%q): no error", args)
		}
	}
}

// TestBoolFlags_EveryBooleanCommandFlagIsListed: parseGlobal must know
// which flags take no value.
func TestBoolFlags_EveryBooleanCommandFlagIsListed(t *testing.T) {
	for _, c := range commands {
		if c.define == nil {
			continue
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.define(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() && !boolFlags[f.Name] {
				t.Errorf("%s: boolean flag --%s is missing from boolFlags", c.name, f.Name)
			}
			if f.Name == flagProfile || f.Name == flagJSON || f.Name == flagLang {
				t.Errorf("%s: --%s is a global flag", c.name, f.Name)
			}
		})
	}
}

// FuzzParseGlobal: parseGlobal never panics, keeps the other words in
// order, and reads back what it writes: the globals written as flags
// followed by the rest parse to the same globals and the same rest.
func FuzzParseGlobal(f *testing.F) {
	for _, s := range []string{
		"",
		"meeting\nlist\n--json",
		"--profile\n/p\n--lang=vi\nballot\nanswer\n--choice\nagree",
		"--title\n--json\n--profile=-x",
		"x\n--\n--json",
		"--json=false\n-lang\nEN-us",
		"--absent\n--profile\n\n",
		"-psn_0_1\n---x\n-=\n--=x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\n")
		g, rest, err := parseGlobal(args)
		IsCommand(args)
		if err != nil {
			return
		}
		// rest is a subsequence of args
		i := 0
		for _, a := range args {
			if i < len(rest) && rest[i] == a {
				i++
			}
		}
		if i != len(rest) {
			t.Fatalf("rest %q is not a subsequence of %q", rest, args)
		}
		again := append(g.args(), rest...)
		g2, rest2, err := parseGlobal(again)
		if err != nil {
			t.Fatalf("parseGlobal(%q) = %v, the round trip of %q", again, err, args)
		}
		if g2 != g || !slices.Equal(rest2, rest) {
			t.Fatalf("round trip of %q: %+v %q, then %+v %q", args, g, rest, g2, rest2)
		}
	})
}
