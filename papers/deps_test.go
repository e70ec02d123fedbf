package papers_test

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/internal/depstest"
)

// TestDomainImportsNoUIStorageOrNetwork keeps papers/ plain like the rest of the domain:
// the domain must build and test without Fyne, Badger or the network.
func TestDomainImportsNoUIStorageOrNetwork(t *testing.T) {
	for _, d := range depstest.Deps(t, "github.com/ecabinet/ecabinet/papers/...") {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net" || d == "net/http" ||
			strings.HasPrefix(d, "github.com/ecabinet/ecabinet/store") {
			t.Errorf("papers depends on %s", d)
		}
	}
}
