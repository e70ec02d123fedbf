package meetings_test

import (
	"testing"

	"github.com/ecabinet/ecabinet/internal/codestest"
	"github.com/ecabinet/ecabinet/meetings"
)

// TestErrorCodes_GivenThePackageSource_ThenEveryCodeUsedIsListedAndViceVersa
// keeps ErrorCodes honest: a code added in the source but not in the list
// would reach users untranslated.
func TestErrorCodes_GivenThePackageSource_ThenEveryCodeUsedIsListedAndViceVersa(t *testing.T) {
	codestest.Check(t, ".", "codes.go", meetings.ErrorCodes)
}
