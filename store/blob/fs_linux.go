//go:build linux

package blob

import (
	"os"

	"golang.org/x/sys/unix"
)

// startWriteback asks the kernel to start writing f's pages now, without
// waiting: by the time a batch's fsyncs come, most of the data is on its
// way and they wait for less. Best effort; fsync is what makes it durable.
func startWriteback(f *os.File) {
	unix.SyncFileRange(int(f.Fd()), 0, 0, unix.SYNC_FILE_RANGE_WRITE) //nolint:errcheck // a hint
}

// oDirect opens a file for direct I/O: writes go from the caller's memory
// to the disk, not through the page cache.
const oDirect = unix.O_DIRECT

// setDirect turns direct I/O on or off on an open file.
func setDirect(f *os.File, on bool) error {
	fd := int(f.Fd())
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return &os.PathError{Op: "fcntl", Path: f.Name(), Err: err}
	}
	if on {
		fl |= unix.O_DIRECT
	} else {
		fl &^= unix.O_DIRECT
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFL, fl); err != nil {
		return &os.PathError{Op: "fcntl", Path: f.Name(), Err: err}
	}
	return nil
}
