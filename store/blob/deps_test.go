package blob

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNoUIBadgerOrNetwork: the chunk store serves the desktop and the
// hub server binary, which must build without Fyne and cgo; it holds files,
// not a database, and leaves the network to replica/.
func TestImportsNoUIBadgerOrNetwork(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/ecabinet/ecabinet/store/blob").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list returned only %d packages: %q", len(deps), deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net" || d == "net/http" || d == "runtime/cgo" {
			t.Errorf("store/blob depends on %s", d)
		}
	}
}
