package cli

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps_NoFyne: the headless commands, and the server build made of
// them, link no Fyne package (DESIGN.md §4): Fyne's packages log about the
// locale at start-up, and need cgo and graphics libraries a server lacks.
func TestDeps_NoFyne(t *testing.T) {
	for _, pkg := range []string{"github.com/ecabinet/ecabinet/cli", "github.com/ecabinet/ecabinet/cmd/ecabinet-hub"} {
		out, err := exec.Command("go", "list", "-tags", "migrated_fynedo", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		if len(deps) < 10 {
			t.Fatalf("go list -deps %s listed only %q", pkg, deps)
		}
		for _, d := range deps {
			if strings.HasPrefix(d, "fyne.io/") || d == "github.com/ecabinet/ecabinet/app" {
				t.Errorf("%s depends on %s", pkg, d)
			}
		}
	}
}
