// Package store is the one place that knows Badger. It owns a profile
// directory: the passphrase-wrapped data key (keyfile.go), the process lock
// (lock_*.go), the encrypted Badger database tuned for a desktop
// (store.go), the key layout (keys.go),
// the append-only journal that makes a saved operation survive whatever
// Badger loses (journal.go), the file modes that keep every file of a
// profile private whatever the umask (private*.go), and encrypted,
// consistent backups of an open profile and their restore into a new
// directory (backup.go).
//
// Layout of a profile directory:
//
//	keyfile          the data key, wrapped with Argon2id(passphrase)
//	lock             held (flock / LockFileEx) while a process has the profile open
//	db/              Badger, encrypted with the data key
//	journal/ops.log  every local operation, encrypted and checksummed, fsynced
//
// Durability: a local operation is "saved" once its journal record is
// fsynced and its Badger transaction committed (the commit is not flushed:
// if the machine dies before Badger writes it out, the journal puts it back
// at the next open). Every other write (Update) is committed and then
// synced before it returns: pulled pages, verdicts, settings. A prepared
// transaction (prepare.go) is an Update split in two: its writes are made,
// and committed (and synced) only when the caller says so, after another
// store (the scaled-out hub's shared log) has committed first.
// Badger records in the same transaction the journal sequence it has reached
// (the high-water mark); at open, journal records above it are handed back
// to the caller to re-apply, which repairs the silent write loss measured
// after a corrupted write-log byte.
package store
