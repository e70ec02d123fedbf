package papers_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDomainImportsNoUIStorageOrNetwork keeps papers/ plain like the rest of the domain:
// the domain must build and test without Fyne, Badger or the network.
func TestDomainImportsNoUIStorageOrNetwork(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/ecabinet/ecabinet/papers/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages: %q", len(deps), deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net" || d == "net/http" ||
			strings.HasPrefix(d, "github.com/ecabinet/ecabinet/store") {
			t.Errorf("papers depends on %s", d)
		}
	}
}
