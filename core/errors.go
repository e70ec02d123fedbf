package core

import (
	"errors"

	"github.com/ecabinet/ecabinet/meetings"
)

// Errors of the use cases. Domain validation errors are *meetings.Error
// values with translation codes and pass through unchanged.
var (
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
