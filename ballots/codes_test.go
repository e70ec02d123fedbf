package ballots_test

import (
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/internal/codestest"
	"github.com/ecabinet/ecabinet/meetings"
)

// TestErrorCodes_GivenThePackageSource_ThenEveryCodeUsedIsListedAndViceVersa
// keeps ErrorCodes honest: a code added in the source but not in the list
// would reach users untranslated; none repeats one of meetings'.
func TestErrorCodes_GivenThePackageSource_ThenEveryCodeUsedIsListedAndViceVersa(t *testing.T) {
	codestest.Check(t, ".", "codes.go", ballots.ErrorCodes, meetings.ErrorCodes)
}
