package store

import (
	"bufio"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ecabinet/ecabinet/codec"
)

// A backup is a consistent copy of a profile, written while it is in use,
// and as protected as the profile itself: Badger's backup stream (every
// key's latest value as of one read timestamp, so one snapshot) is
// plaintext, so it is sealed with AES-256-GCM under a key derived from the
// profile's data key, and the file carries the profile's keyfile (the data
// key wrapped under the passphrase with Argon2id). Restoring needs the
// passphrase; nothing of the data is ever written in the clear.
//
// File:
//
//	magic "ECBACKU1" | u32 keyfile length | keyfile (as on disk) | 16-byte salt
//	frames: u8 flag | u32 length | AES-256-GCM(plaintext ≤ 64 KiB)
//
// A frame's nonce is its number (u64) and its flag (u32: 1 on the last
// frame, 0 on others), and every frame's additional data is the SHA-256 of
// the header, so that frames cannot be reordered, dropped, moved to another
// backup or cut off at the end without the restore noticing. The flag is
// also in the clear so that a copy can tell it reached the end without
// knowing the key (CheckBackupComplete).

var backupMagic = []byte("ECBACKU1")

const (
	backupFrame    = 64 << 10
	backupSaltLen  = 16
	maxKeyfileLen  = 4 << 10
	frameData      = 0
	frameLast      = 1
	frameHeaderLen = 5
)

// ErrCorruptBackup: the backup file is damaged, cut short, or not an
// eCabinet backup.
var ErrCorruptBackup = errors.New("the backup is damaged, incomplete or not an eCabinet backup")

func backupKey(dataKey, salt []byte) []byte {
	m := hmac.New(sha256.New, dataKey)
	m.Write([]byte("ecabinet backup v1"))
	m.Write(salt)
	return m.Sum(nil)
}

func frameNonce(n uint64, flag byte) []byte {
	nonce := make([]byte, 12)
	binary.BigEndian.PutUint64(nonce[:8], n)
	binary.BigEndian.PutUint32(nonce[8:], uint32(flag))
	return nonce
}

// sealer turns what Badger's backup writes into sealed frames.
type sealer struct {
	w    io.Writer
	aead cipher.AEAD
	aad  []byte
	n    uint64
	buf  []byte
	err  error
}

func (s *sealer) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	written := len(p)
	for len(p) > 0 {
		k := min(backupFrame-len(s.buf), len(p))
		s.buf = append(s.buf, p[:k]...)
		p = p[k:]
		if len(s.buf) == backupFrame {
			if err := s.frame(frameData); err != nil {
				return 0, err
			}
		}
	}
	return written, nil
}

func (s *sealer) frame(flag byte) error {
	ct := s.aead.Seal(nil, frameNonce(s.n, flag), s.buf, s.aad)
	hdr := make([]byte, frameHeaderLen)
	hdr[0] = flag
	binary.BigEndian.PutUint32(hdr[1:], uint32(len(ct)))
	if _, err := s.w.Write(hdr); err != nil {
		s.err = err
		return err
	}
	if _, err := s.w.Write(ct); err != nil {
		s.err = err
		return err
	}
	s.n++
	s.buf = s.buf[:0]
	return nil
}

// backupHeader is the magic, the keyfile and a fresh salt.
func backupHeader(kf, salt []byte) []byte {
	h := append([]byte{}, backupMagic...)
	h = binary.BigEndian.AppendUint32(h, uint32(len(kf)))
	h = append(h, kf...)
	return append(h, salt...)
}

// Backup writes a consistent, encrypted copy of the profile to w while it
// stays in use: writes that commit during the backup are simply not in it.
func (s *Store) Backup(w io.Writer) error {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	kf, err := os.ReadFile(filepath.Join(s.dir, "keyfile"))
	if err != nil {
		return fmt.Errorf("read key file: %w", err)
	}
	// The keyfile is copied as it is on disk (still wrapped).
	var k keyfile
	if codec.Unmarshal(kf, &k) != nil {
		return ErrCorruptKeyfile
	}
	dataKey := s.db.Opts().EncryptionKey
	salt := randBytes(backupSaltLen)
	hdr := backupHeader(kf, salt)
	aead, err := newGCM(backupKey(dataKey, salt))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.Write(hdr); err != nil {
		return err
	}
	aad := sha256.Sum256(hdr)
	sw := &sealer{w: bw, aead: aead, aad: aad[:], buf: make([]byte, 0, backupFrame)}
	if _, err := s.db.Backup(sw, 0); err != nil {
		return fmt.Errorf("back up database: %w", err)
	}
	if err := sw.frame(frameLast); err != nil {
		return err
	}
	return bw.Flush()
}

// readBackupHeader reads the header; it returns the keyfile and the
// header's bytes.
func readBackupHeader(r io.Reader) (keyfile, []byte, error) {
	fixed := make([]byte, len(backupMagic)+4)
	if _, err := io.ReadFull(r, fixed); err != nil || string(fixed[:len(backupMagic)]) != string(backupMagic) {
		return keyfile{}, nil, ErrCorruptBackup
	}
	n := binary.BigEndian.Uint32(fixed[len(backupMagic):])
	if n == 0 || n > maxKeyfileLen {
		return keyfile{}, nil, ErrCorruptBackup
	}
	rest := make([]byte, int(n)+backupSaltLen)
	if _, err := io.ReadFull(r, rest); err != nil {
		return keyfile{}, nil, ErrCorruptBackup
	}
	var k keyfile
	if err := codec.Unmarshal(rest[:n], &k); err != nil {
		return keyfile{}, nil, ErrCorruptBackup
	}
	return k, append(fixed, rest...), nil
}

// readFrame reads one frame's flag and ciphertext.
func readFrame(r io.Reader, ct []byte) (byte, []byte, error) {
	var hdr [frameHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, ErrCorruptBackup
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if hdr[0] > frameLast || n < 16 || n > backupFrame+16 {
		return 0, nil, ErrCorruptBackup
	}
	ct = append(ct[:0], make([]byte, n)...)
	if _, err := io.ReadFull(r, ct); err != nil {
		return 0, nil, ErrCorruptBackup
	}
	return hdr[0], ct, nil
}

// opener reads sealed frames back as Badger's backup stream. It fails with
// ErrCorruptBackup on any frame that does not authenticate and, at the
// end, unless the last frame was read.
type opener struct {
	r    io.Reader
	aead cipher.AEAD
	aad  []byte
	n    uint64
	pt   []byte
	ct   []byte
	done bool
}

func (o *opener) Read(p []byte) (int, error) {
	for len(o.pt) == 0 {
		if o.done {
			return 0, io.EOF
		}
		flag, ct, err := readFrame(o.r, o.ct)
		if err != nil {
			return 0, err
		}
		o.ct = ct
		pt, err := o.aead.Open(o.pt[:0], frameNonce(o.n, flag), ct, o.aad)
		if err != nil {
			return 0, ErrCorruptBackup
		}
		o.pt = pt
		o.n++
		o.done = flag == frameLast
	}
	k := copy(p, o.pt)
	o.pt = o.pt[k:]
	return k, nil
}

// CheckBackupComplete reads a backup's structure to its last frame without
// the key: it tells a copy cut short (a hub stopped mid-backup, a full
// disk) from a whole one. Only Restore authenticates the contents.
func CheckBackupComplete(r io.Reader) error {
	if _, _, err := readBackupHeader(r); err != nil {
		return err
	}
	var ct []byte
	for {
		flag, buf, err := readFrame(r, ct)
		if err != nil {
			return err
		}
		ct = buf
		if flag == frameLast {
			break
		}
	}
	if n, _ := io.Copy(io.Discard, io.LimitReader(r, 1)); n != 0 {
		return ErrCorruptBackup
	}
	return nil
}

// Restore makes a new profile in dir from a backup read from r, unlocked
// with the passphrase it had when the backup was made. dir must not hold a
// profile. A wrong passphrase is refused before anything is written; a
// damaged or incomplete backup leaves no profile behind (the keyfile,
// whose presence makes a profile, is written only once every frame has
// authenticated and been loaded).
func Restore(dir string, pass []byte, r io.Reader) (err error) {
	br := bufio.NewReaderSize(r, 256<<10)
	k, hdr, err := readBackupHeader(br)
	if err != nil {
		return err
	}
	dataKey, err := unwrapKey(pass, k)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create profile directory: %w", err)
	}
	lock, err := lockProfile(dir)
	if err != nil {
		return err
	}
	if Exists(dir) {
		unlockProfile(lock)
		return ErrProfileExists
	}
	// Left by an earlier restore or create that did not finish.
	_ = os.RemoveAll(filepath.Join(dir, "db"))
	_ = os.RemoveAll(filepath.Join(dir, "journal"))
	s, err := openWithKey(dir, lock, dataKey)
	if err != nil {
		unlockProfile(lock)
		return err
	}
	defer func() {
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			_ = os.Remove(filepath.Join(dir, "keyfile"))
			_ = os.RemoveAll(filepath.Join(dir, "db"))
			_ = os.RemoveAll(filepath.Join(dir, "journal"))
		}
	}()
	salt := hdr[len(hdr)-backupSaltLen:]
	aead, err := newGCM(backupKey(dataKey, salt))
	if err != nil {
		return err
	}
	aad := sha256.Sum256(hdr)
	o := &opener{r: br, aead: aead, aad: aad[:]}
	if err := s.db.Load(o, 256); err != nil {
		if errors.Is(err, ErrCorruptBackup) {
			return ErrCorruptBackup
		}
		return fmt.Errorf("restore database: %w", err)
	}
	// Badger stops at the end of its own stream; the last frame must follow.
	if _, err := o.Read(make([]byte, 1)); err != io.EOF || !o.done {
		return ErrCorruptBackup
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return ErrCorruptBackup // bytes after the last frame
	}
	var schema uint64
	if err := s.View(func(tx *Tx) error { return tx.GetMeta(MetaSchema, &schema) }); err != nil {
		return ErrCorruptBackup
	}
	if schema > SchemaVersion {
		return ErrNewerSchema
	}
	if err := s.db.Sync(); err != nil {
		return err
	}
	if err := writeKeyfile(dir, k); err != nil {
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}
