package ballots_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

// codeLiteral matches a translation key used as an error code.
var codeLiteral = regexp.MustCompile(`^err\.[a-z_]+(\.[a-z_]+)*$`)

// TestErrorCodes_GivenThePackageSource_ThenEveryCodeUsedIsListedAndViceVersa
// keeps ErrorCodes honest: a code added in the source but not in the list
// would reach users untranslated.
func TestErrorCodes_GivenThePackageSource_ThenEveryCodeUsedIsListedAndViceVersa(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "codes.go" {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil && codeLiteral.MatchString(s) {
					used[s] = true
				}
			}
			return true
		})
	}
	listed := map[string]bool{}
	for _, c := range ballots.ErrorCodes {
		if listed[c] {
			t.Errorf("%q listed twice", c)
		}
		if slices.Contains(meetings.ErrorCodes, c) {
			t.Errorf("%q is already in meetings.ErrorCodes", c)
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
}
