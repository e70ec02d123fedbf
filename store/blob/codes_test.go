package blob

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/assets"
)

// TestErrorCodes_GivenTheCatalogs_ThenEveryCodeHasBothLanguages: the store's
// errors reach people through core.ErrorKey, so each needs its words.
func TestErrorCodes_GivenTheCatalogs_ThenEveryCodeHasBothLanguages(t *testing.T) {
	for _, e := range []error{ErrChunkCorrupt, ErrChunkMissing, ErrDiskFull, ErrContentMismatch} {
		found := false
		for _, c := range ErrorCodes {
			found = found || c == code(e)
		}
		if !found {
			t.Errorf("%v is not in ErrorCodes", e)
		}
	}
	for _, l := range []string{"vi", "en"} {
		b, err := assets.Translations.ReadFile("translations/domain." + l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		cat := map[string]string{}
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatal(err)
		}
		for _, c := range ErrorCodes {
			if strings.TrimSpace(cat[c]) == "" {
				t.Errorf("%s has no %s translation", c, l)
			}
		}
	}
}
