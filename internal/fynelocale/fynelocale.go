// Package fynelocale keeps Fyne's language package quiet about the C
// locale, which is what most servers and containers run under.
//
// fyne.io/fyne/v2/lang (v2.7.1) reads the system locale in its package
// init, through github.com/jeandeaual/go-locale: under LANG=C.UTF-8 that
// library hands it "C", which golang.org/x/text/language cannot parse, and
// Fyne logs three lines ("Fyne error: Error parsing user locale C", its
// cause, its source line) to stderr before main runs. Every command of the
// full ecabinet binary, headless ones included, would print them. (Plain
// LANG=C or POSIX is recognised by go-locale and is quiet.)
//
// go-locale consults LANGUAGE when the locale is not exactly C or POSIX, so
// this package's init sets LANGUAGE=en when the locale is a C or POSIX one
// with a codeset (C.UTF-8, POSIX.utf8) and LANGUAGE is unset: Fyne then
// picks English, which is what it falls back to anyway. Restore puts the
// environment back once Fyne has read it.
//
// Why this runs first: the Go specification (since Go 1.21) initialises
// packages in import-path order among those whose imports are all
// initialised. This package imports only os and strings, which go-locale
// imports too, so it is ready whenever go-locale is and, as
// "github.com/ecabinet/…" sorts before "github.com/jeandeaual/…", it is
// initialised before go-locale and so before Fyne's lang. e2e's
// TestHeadless_CLocaleIsQuiet runs the real binary to keep this true.
//
// main.go imports it for its effect; it must import nothing but the
// standard library's os and strings.
package fynelocale

import (
	"os"
	"strings"
)

// set says whether init set LANGUAGE.
var set bool

func init() { set = quiet(os.Getenv, os.Setenv) }

// quiet sets LANGUAGE=en (through setenv) when the locale getenv reports
// is a C or POSIX locale with a codeset and LANGUAGE is empty. It reports
// whether it did.
func quiet(getenv func(string) string, setenv func(string, string) error) bool {
	var loc string
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	if loc == "C" || loc == "POSIX" || getenv("LANGUAGE") != "" {
		return false
	}
	base, _, _ := strings.Cut(loc, ".")
	base, _, _ = strings.Cut(base, "@")
	if base != "C" && base != "POSIX" {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}

// Restore unsets LANGUAGE if init set it, so that the processes the
// program starts see the environment it was given. Call it once Fyne's
// packages are initialised (first thing in main).
func Restore() {
	if set {
		os.Unsetenv("LANGUAGE")
		set = false
	}
}
