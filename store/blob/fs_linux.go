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
