package core

import (
	"errors"
	"fmt"
	"io"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/store"
)

// Backup writes a consistent copy of the profile to w while it stays open
// and in use (a hub keeps serving): one snapshot of the store, encrypted
// as the store is and restorable only with the profile's passphrase
// (store.Backup).
func (p *Profile) Backup(w io.Writer) error { return p.st.Backup(w) }

// Restore makes a new profile in dir from a backup read from r, with the
// passphrase the profile had when the backup was made. Open it afterwards
// as any profile; AuditVerify and the signed results tell whether what it
// holds is what was signed.
func Restore(dir string, pass []byte, r io.Reader) error { return store.Restore(dir, pass, r) }

// ErrCorruptBackup: a backup is damaged, cut short, or not a backup.
var ErrCorruptBackup = store.ErrCorruptBackup

// CheckBackup reads a backup to its end without the passphrase: it tells a
// copy that was cut short from a whole one (store.CheckBackupComplete).
func CheckBackup(r io.Reader) error { return store.CheckBackupComplete(r) }

// VerifyLog checks the signature of every operation in the hub's log
// against its device's key (the enrolled devices' keys, and those that the
// log's own enrollments introduce), on every core, and returns how many it
// checked. The first operation that does not decode or verify is reported
// as an error wrapping ErrBadSignature that names its position. With
// AuditVerify (the hash chain over the same log) and the signed results'
// checks, it tells whether a hub's data, a restored one above all, is what
// its devices signed.
func (p *Profile) VerifyLog() (int, error) {
	if !p.hub {
		return 0, errors.New("not a hub's replica")
	}
	const page = 1000
	known := map[string][]byte{}
	var since uint64
	for {
		var raws [][]byte
		err := p.st.View(func(tx *store.Tx) error {
			prefix := []byte(store.PrefixHubLog + "/")
			return tx.EachFrom(prefix, store.SeqKey(store.PrefixHubLog, since+1), func(_, val []byte) (bool, error) {
				var e LogEntry
				if err := codec.Unmarshal(val, &e); err != nil {
					return false, fmt.Errorf("hub log entry %d: %w", since+uint64(len(raws))+1, ErrBadSignature)
				}
				raws = append(raws, e.Op)
				return len(raws) < page, nil
			})
		})
		if err != nil {
			return int(since), err
		}
		if len(raws) == 0 {
			return int(since), nil
		}
		for i, v := range p.preverifyKnown(raws, known) {
			if !v.ok || v.key == nil {
				return int(since) + i, fmt.Errorf("hub log entry %d: %w", since+uint64(i)+1, ErrBadSignature)
			}
		}
		since += uint64(len(raws))
	}
}
