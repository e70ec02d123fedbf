package store

import (
	"io/fs"
	"os"
	"path/filepath"
)

// A profile holds an organisation's papers and ballots, encrypted, but its
// file names, sizes and the wrapped key are still nobody else's business,
// and a profile copied or restored by hand keeps whatever modes the copy
// gave it. Our own files are created 0600 explicitly; Badger and ristretto
// create theirs 0666 and leave the rest to the umask, and create more of
// them long after Open (every table, every log). So the process umask is
// tightened once (private_unix.go) before the first profile is opened, and
// every Open and Create puts the existing tree back to 0600 files in 0700
// directories.

// privateTree makes dir and everything under it private: directories 0700,
// files 0600. Symlinks are left alone (chmod would follow them).
func privateTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			return nil
		case d.IsDir():
			want = 0o700
		case !d.Type().IsRegular():
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Mode().Perm() == want {
			return nil
		}
		return os.Chmod(path, want)
	})
}
