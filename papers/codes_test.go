package papers_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/papers"
)

// codeLiteral matches a translation key used as an error code.
var codeLiteral = regexp.MustCompile(`^err\.[a-z_]+(\.[a-z_]+)*$`)

// TestErrorCodes_GivenThePackageSource_ThenEveryCodeIsListedAndTranslated
// keeps ErrorCodes honest (a code used but not listed would reach users
// untranslated) and checks that each has a Vietnamese and an English text.
func TestErrorCodes_GivenThePackageSource_ThenEveryCodeIsListedAndTranslated(t *testing.T) {
	used := codesInSource(t, ".", "codes.go")
	listed := map[string]bool{}
	for _, c := range papers.ErrorCodes {
		if listed[c] {
			t.Errorf("%q listed twice", c)
		}
		listed[c] = true
	}
	for c := range used {
		if !listed[c] {
			t.Errorf("code %q is used but missing from ErrorCodes", c)
		}
	}
	for c := range listed {
		if !used[c] {
			t.Errorf("code %q is listed but never used", c)
		}
	}
	for _, l := range []string{"vi", "en"} {
		cat := catalog(t, "domain."+l+".json")
		for _, c := range papers.ErrorCodes {
			if strings.TrimSpace(cat[c]) == "" {
				t.Errorf("%s has no %s translation", c, l)
			}
		}
	}
}

// catalog reads one embedded translation file.
func catalog(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}

// codesInSource collects the "err.…" string literals of the non-test Go
// files in dir, except the file that lists them.
func codesInSource(t *testing.T, dir, except string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == except {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(fset, f, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && codeLiteral.MatchString(s) {
					out[s] = true
				}
			}
			return true
		})
	}
	if len(out) == 0 {
		t.Fatal("no codes found: is the test running in the package directory?")
	}
	return out
}
