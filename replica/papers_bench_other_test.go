//go:build !linux

package replica_test

import "time"

// oDirect is 0 where the chunk store writes through the page cache: so
// does the disk floor.
const oDirect = 0

// processCPU is not measured here: the CPU metrics read 0 (NaN ratio).
func processCPU() time.Duration { return 0 }
