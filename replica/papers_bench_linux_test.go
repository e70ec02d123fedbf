package replica_test

import (
	"syscall"
	"time"
)

// oDirect: the disk floor writes as the chunk store does on Linux, straight
// to the disk (store/blob's direct I/O).
const oDirect = syscall.O_DIRECT

// processCPU is the CPU time (user and system) the process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
