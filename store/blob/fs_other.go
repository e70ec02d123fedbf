//go:build !linux

package blob

import "os"

// startWriteback is a no-op where there is no sync_file_range: the
// batch's fsyncs do all the writing.
func startWriteback(*os.File) {}

// oDirect is 0 where direct I/O is not used: chunk files go through the
// page cache.
const oDirect = 0

// setDirect is never needed without direct I/O.
func setDirect(*os.File, bool) error { return nil }
