package textindex

import "time"

var start = time.Now()

// nanotime is a monotonic clock for the benchmarks' side-by-side figures.
func nanotime() int64 { return int64(time.Since(start)) }
