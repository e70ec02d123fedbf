package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/ecabinet/ecabinet/core"
)

// profileHolds returns the files under dir whose bytes contain needle.
func profileHolds(t *testing.T, dir, needle string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(needle)) {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The search index is kept in the profile's encrypted store: after
// indexing, no word of a paper is in any file of the profile, folded or
// not, and after a restart the index comes back from the store without
// extracting any paper's text again.
func TestPapersIndex_StoredEncrypted_RestartNeedsNoExtraction(t *testing.T) {
	e := newEnv(t, langVI, "")
	p := secretaryProfile(t)
	dir := p.Dir()
	fixturePapers(t, p)
	s := e.open(p)
	ps := showPapers(t, e, s)
	e.l.waitFor(t, "the text index", func() bool { return ps.index.ix.Len() >= 1+2+2+3 && !ps.index.busy() })
	if ps.index.extracted == 0 {
		t.Fatal("no paper's text was extracted on the first start")
	}
	ps.search.SetText("bat dong san")
	want := "# " + sixthTitle + "\n" + paperProgram + " [unread] [page]"
	if got := strings.Join(rowTitles(ps), "\n"); got != want {
		t.Fatalf("the first start finds:\n%s\nwant:\n%s", got, want)
	}
	var stored int
	if err := p.EachPaperText(func(string, int, core.PaperText) error { stored++; return nil }); err != nil || stored == 0 {
		t.Fatalf("%d texts stored (%v)", stored, err)
	}

	// Words of the papers' text (readerBody, page 3), as the page says
	// them and folded as the index keeps them; none is in a title.
	needles := []string{"bat dong san", "phan cap phan quyen", "phan quyen cat giam", "cắt giảm thủ tục", norm.NFC.String("bất động sản"), norm.NFD.String("bất động sản")}
	check := func(when string) {
		t.Helper()
		for _, n := range needles {
			if files := profileHolds(t, dir, n); len(files) > 0 {
				t.Errorf("%s, %q is in the clear in %v", when, n, files)
			}
		}
	}
	check("while the profile is open")

	// Restart: the profile closed and opened again, a new window.
	e.u.shell.stop()
	e.l.settle(e.u)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	check("once the profile is closed")
	p2, err := core.Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p2.Close() })
	e2 := newEnv(t, langVI, "")
	s2 := e2.open(p2)
	ps2 := showPapers(t, e2, s2)
	e2.l.waitFor(t, "the stored index", func() bool { return ps2.index.ix.Len() >= 1+2+2+3 && !ps2.index.busy() })
	if ps2.index.extracted != 0 {
		t.Errorf("the restart extracted %d papers' text again, want none", ps2.index.extracted)
	}
	ps2.search.SetText("bat dong san")
	if got := strings.Join(rowTitles(ps2), "\n"); got != want {
		t.Fatalf("after the restart the search finds:\n%s\nwant:\n%s", got, want)
	}
}
