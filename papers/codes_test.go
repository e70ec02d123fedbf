package papers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/internal/codestest"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// TestErrorCodes_GivenThePackageSource_ThenEveryCodeIsListedAndTranslated
// keeps ErrorCodes honest (a code used but not listed would reach users
// untranslated) and checks that each has a Vietnamese and an English text.
func TestErrorCodes_GivenThePackageSource_ThenEveryCodeIsListedAndTranslated(t *testing.T) {
	codestest.Check(t, ".", "codes.go", papers.ErrorCodes, meetings.ErrorCodes, ballots.ErrorCodes)
	for _, l := range []string{"vi", "en"} {
		cat := catalog(t, "domain."+l+".json")
		for _, c := range papers.ErrorCodes {
			if strings.TrimSpace(cat[c]) == "" {
				t.Errorf("%s has no %s translation", c, l)
			}
		}
	}
}

// catalog reads one embedded translation file.
func catalog(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := assets.Translations.ReadFile("translations/" + name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return out
}
