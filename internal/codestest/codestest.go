// Package codestest checks, in a domain package's tests, that the list of
// error codes the package declares (its ErrorCodes) is exactly the set of
// "err.…" literals its source uses, so that no error reaches a person
// untranslated and no listed code is dead. It is imported only by tests;
// it uses the standard library alone, so domain packages stay free of UI,
// storage and network even in their tests.
package codestest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Literal matches a translation key used as an error code.
var Literal = regexp.MustCompile(`^err\.[a-z_]+(\.[a-z_]+)*$`)

// Check fails t unless listed (the package's ErrorCodes) names each code
// once, each is a translation key, and the set equals the codes used in the
// non-test Go files of dir other than except (the file that lists them).
// taken holds codes another package already lists, which must not be
// listed again.
func Check(t *testing.T, dir, except string, listed []string, taken ...[]string) {
	t.Helper()
	used := InSource(t, dir, except)
	seen := map[string]bool{}
	elsewhere := map[string]bool{}
	for _, list := range taken {
		for _, c := range list {
			elsewhere[c] = true
		}
	}
	for _, c := range listed {
		if seen[c] {
			t.Errorf("%q listed twice", c)
		}
		if elsewhere[c] {
			t.Errorf("%q is already listed by another package", c)
		}
		if !Literal.MatchString(c) {
			t.Errorf("%q is not a translation key", c)
		}
		seen[c] = true
	}
	for c := range used {
		if !seen[c] {
			t.Errorf("code %q is used but missing from ErrorCodes", c)
		}
	}
	for c := range seen {
		if !used[c] {
			t.Errorf("code %q is listed but never used", c)
		}
	}
}

// InSource collects the "err.…" string literals of the non-test Go files in
// dir, except the file named except; it fails t when there are none (a test
// run from the wrong directory would otherwise pass).
func InSource(t *testing.T, dir, except string) map[string]bool {
	t.Helper()
	out := Matching(t, dir, except, Literal)
	if len(out) == 0 {
		t.Fatal("no codes found: is the test running in the package directory?")
	}
	return out
}

// Matching collects the string literals matching re in the non-test Go
// files of dir, except the file named except ("" for none).
func Matching(t *testing.T, dir, except string, re *regexp.Regexp) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || (except != "" && filepath.Base(f) == except) {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && re.MatchString(s) {
					out[s] = true
				}
			}
			return true
		})
	}
	return out
}
