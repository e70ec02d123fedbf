package core

import (
	"errors"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/store"
)

// Errors of the use cases. Domain validation errors are *meetings.Error
// values with translation codes and pass through unchanged.
// ballotsNotOpen refuses an action on a ballot that is not open.
var ballotsNotOpen = meetings.Error{Code: "err.ballot.not_open"}

var (
	// ErrNoProfile: the directory holds no profile yet.
	ErrNoProfile = store.ErrNoProfile
	// ErrProfileExists: creating over an existing profile.
	ErrProfileExists = store.ErrProfileExists
	// ErrForbidden: the profile's member may not do this (for example a
	// member trying a secretariat action).
	ErrForbidden = &meetings.Error{Code: "err.forbidden"}
	// ErrNotFound: no such member, meeting, agenda item or ballot.
	ErrNotFound = meetings.ErrNotFound
	// ErrStale: the record changed since the edit was started.
	ErrStale = &meetings.Error{Code: "err.stale"}
	// ErrBadSignature: a stored answer or operation fails verification.
	ErrBadSignature = errors.New("a stored record fails signature verification")
)

// ErrorKey maps an error from the core, the domain or the store to the
// translation key that explains it to a person, so that the desktop app and
// the headless commands show the same words. Unknown errors map to
// "err.unexpected".
func ErrorKey(err error) string {
	var de *meetings.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &de):
		return de.Code
	case errors.Is(err, ErrStale):
		return "err.stale"
	case errors.Is(err, store.ErrWrongPassphrase):
		return "err.wrong_passphrase"
	case errors.Is(err, store.ErrProfileInUse):
		return "err.profile_in_use"
	case errors.Is(err, store.ErrNoProfile):
		return "err.no_profile"
	case errors.Is(err, store.ErrProfileExists):
		return "err.profile_exists"
	case errors.Is(err, store.ErrNewerSchema):
		return "err.newer_schema"
	case errors.Is(err, store.ErrCorruptKeyfile):
		return "err.corrupt_keyfile"
	case errors.Is(err, store.ErrCorruptBackup):
		return "err.corrupt_backup"
	case errors.Is(err, store.ErrWeakPassphrase):
		return "err.weak_passphrase"
	case errors.Is(err, ErrBadSignature):
		return "err.bad_signature"
	}
	return "err.unexpected"
}
