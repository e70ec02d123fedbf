//go:build windows

package store

// privateUmask does nothing on Windows: files there inherit the ACL of the
// profile directory, which lives in the user's own profile.
func privateUmask() {}
