// Package depstest lists, in a test, every package a set of packages
// depends on, so that a package can assert what it must never import (the
// domain no Fyne, Badger or network; the headless commands no Fyne). It
// asks the go command, which the tests already need; it imports only the
// standard library.
package depstest

import (
	"os/exec"
	"strings"
	"testing"
)

// Deps returns the import paths pkgs depend on, themselves included, as
// `go list -deps` gives them with the project's build tags. It fails t when
// the go command fails or lists implausibly few packages (a wrong pattern
// would otherwise make every check pass).
func Deps(t testing.TB, pkgs ...string) []string {
	t.Helper()
	args := append([]string{"list", "-tags", "migrated_fynedo", "-deps"}, pkgs...)
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps %s listed only %d packages: %q", strings.Join(pkgs, " "), len(deps), deps)
	}
	return deps
}
