package ballots_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsNoUIStorageOrNetwork keeps meetings/ and ballots/ plain:
// the domain must build and test without Fyne, Badger or the network.
func TestDomainImportsNoUIStorageOrNetwork(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/ecabinet/ecabinet/meetings/...", "github.com/ecabinet/ecabinet/ballots/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages: %q", len(deps), deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net" || d == "net/http" {
			t.Errorf("domain packages depend on %s", d)
		}
	}
}
