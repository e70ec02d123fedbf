// Package store is the one place that knows Badger. It owns a profile
// directory: the passphrase-wrapped data key (keyfile.go), the process lock
// (lock_*.go), the encrypted Badger database tuned for a desktop
// (badger.go), the key layout and typed records (keys.go, records.go), and
// the append-only journal that makes a saved operation survive whatever
// Badger loses (journal.go).
//
// Layout of a profile directory:
//
//	keyfile          the data key, wrapped with Argon2id(passphrase)
//	lock             held (flock / LockFileEx) while a process has the profile open
//	db/              Badger, encrypted with the data key
//	journal/ops.log  every local operation, encrypted and checksummed, fsynced
//
// Durability: an operation is "saved" once it is both fsynced in the journal
// and committed to Badger (SyncWrites). The two flushes run in parallel.
// Badger records in the same transaction the journal sequence it has reached
// (the high-water mark); at open, journal records above it are handed back
// to the caller to re-apply, which repairs the silent write loss measured
// after a corrupted write-log byte.
package store
