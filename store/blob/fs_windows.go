//go:build windows

package blob

import (
	"errors"
	"syscall"
)

// Windows error codes for a full disk (winerror.h).
const (
	errorHandleDiskFull syscall.Errno = 39
	errorDiskFull       syscall.Errno = 112
)

// isDiskFull reports whether err says the disk is full.
func isDiskFull(err error) bool {
	return errors.Is(err, errorDiskFull) || errors.Is(err, errorHandleDiskFull)
}

// syncDir is a no-op on Windows: a directory cannot be opened for syncing
// there, and NTFS journals the rename itself.
func syncDir(string) error { return nil }
