package replica_test

import "syscall"

// oDirect: the disk floor writes as the chunk store does on Linux, straight
// to the disk (store/blob's direct I/O).
const oDirect = syscall.O_DIRECT
