//go:build !windows

package store

import (
	"sync"

	"golang.org/x/sys/unix"
)

var umaskOnce sync.Once

// privateUmask tightens the process umask so that files Badger creates
// later (tables, logs: 0666 before the umask) are 0600 and its directories
// 0700, whatever umask the process was started with. It is process-wide on
// purpose: every file the app and the hub write is private. Bits the
// operator already masked stay masked.
func privateUmask() {
	umaskOnce.Do(func() {
		old := unix.Umask(0o077)
		unix.Umask(old | 0o077)
	})
}
