package meetings

import (
	"errors"
	"fmt"
)

// Error is a validation or state error of the domain. Code is a stable
// translation key (for example "err.meeting.title_required"); Field names the
// offending field, if any; Args carries values the message interpolates.
type Error struct {
	Code  string
	Field string
	Args  map[string]any
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s (%s)", e.Code, e.Field)
	}
	return e.Code
}

// Is makes errors.Is match two *Error values with the same Code, so callers
// can compare against the sentinel values below.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code
}

// NewError returns an *Error with the given code and field.
func NewError(code, field string) *Error { return &Error{Code: code, Field: field} }

// Sentinel errors shared by the domain packages.
var (
	ErrNotFound          = &Error{Code: "err.not_found"}
	ErrInvalidTransition = &Error{Code: "err.invalid_transition"}
)
