package ballots_test

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/internal/depstest"
)

// TestDomainImportsNoUIStorageOrNetwork keeps meetings/ and ballots/ plain:
// the domain must build and test without Fyne, Badger or the network.
func TestDomainImportsNoUIStorageOrNetwork(t *testing.T) {
	for _, d := range depstest.Deps(t, "github.com/ecabinet/ecabinet/meetings/...", "github.com/ecabinet/ecabinet/ballots/...") {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net" || d == "net/http" {
			t.Errorf("domain packages depend on %s", d)
		}
	}
}
