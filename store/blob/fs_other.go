//go:build !linux

package blob

import "os"

// startWriteback is a no-op where there is no sync_file_range: the
// batch's fsyncs do all the writing.
func startWriteback(*os.File) {}
