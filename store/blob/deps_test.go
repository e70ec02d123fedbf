package blob

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/internal/depstest"
)

// TestImportsNoUIBadgerOrNetwork: the chunk store serves the desktop and the
// hub server binary, which must build without Fyne and cgo; it holds files,
// not a database, and leaves the network to replica/.
func TestImportsNoUIBadgerOrNetwork(t *testing.T) {
	for _, d := range depstest.Deps(t, "github.com/ecabinet/ecabinet/store/blob") {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net" || d == "net/http" || d == "runtime/cgo" {
			t.Errorf("store/blob depends on %s", d)
		}
	}
}
