package store

import "errors"

// Errors a user can meet when opening a profile. The app translates them.
var (
	// ErrWrongPassphrase: the passphrase does not unwrap the data key.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrProfileInUse: another process has this profile open.
	ErrProfileInUse = errors.New("profile is open in another eCabinet window or process")
	// ErrNoProfile: the directory holds no profile yet.
	ErrNoProfile = errors.New("no profile in this directory")
	// ErrProfileExists: creating over an existing profile.
	ErrProfileExists = errors.New("a profile already exists in this directory")
	// ErrNewerSchema: the profile was written by a newer eCabinet.
	ErrNewerSchema = errors.New("profile was written by a newer version of eCabinet")
	// ErrCorruptKeyfile: the keyfile cannot be read at all.
	ErrCorruptKeyfile = errors.New("profile key file is damaged")
	// ErrNotFound: no record under that key.
	ErrNotFound = errors.New("not found")
	// ErrWeakPassphrase: too short to protect the data.
	ErrWeakPassphrase = errors.New("passphrase too short")
)
