//go:build !linux

package replica_test

// oDirect is 0 where the chunk store writes through the page cache: so
// does the disk floor.
const oDirect = 0
