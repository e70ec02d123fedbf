package cli

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/internal/depstest"
)

// TestDeps_NoFyne: the headless commands, and the server build made of
// them, link no Fyne package (DESIGN.md §4): Fyne's packages log about the
// locale at start-up, and need cgo and graphics libraries a server lacks.
func TestDeps_NoFyne(t *testing.T) {
	for _, pkg := range []string{"github.com/ecabinet/ecabinet/cli", "github.com/ecabinet/ecabinet/cmd/ecabinet-hub"} {
		for _, d := range depstest.Deps(t, pkg) {
			if strings.HasPrefix(d, "fyne.io/") || d == "github.com/ecabinet/ecabinet/app" {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
