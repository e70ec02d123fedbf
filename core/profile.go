package core

import (
	"crypto"
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Meta names the core keeps in the store.
const (
	metaDeviceSeed = "device_seed"
	metaSelf       = "self_member"
	metaHubDevice  = "hub_device"
)

// Profile is one opened profile: the device's identity, its member, and the
// committee data, served from memory and saved through the store.
type Profile struct {
	st  *store.Store
	dev *identity.Device
	// enrolled caches Enrolled: the hub device is written only when the
	// profile is created (CreateEnrolled), and screens ask on every
	// refresh, which reads nothing from the store.
	enrolledOnce sync.Once
	enrolled     bool

	// mu serialises changes: one operation at a time gets the next device
	// sequence number, is applied and committed.
	mu      sync.Mutex
	nextSeq uint64
	// unflushed counts bytes of pulled operations committed but not yet
	// flushed to disk (guarded by mu; see FlushPulled).
	unflushed int

	// model is the in-memory copy of what screens list; guarded by modelMu so
	// readers never wait for a save's fsync.
	modelMu sync.RWMutex
	m       model

	// hub is set on the hub's own replica: it orders operations in a log
	// instead of keeping an outbox.
	hub bool
	// hubMadeSeq is the last sequence the hub gave an op it made inside
	// another's transaction (reveal.go; guarded by mu).
	hubMadeSeq uint64
	// pendingResults: the hub accepted a close whose signed result is not
	// published yet (guarded by mu).
	pendingResults bool
	// publishMu makes result publication one pass at a time, so that a
	// ballot never gets two signed results.
	publishMu sync.Mutex
	// shared is the shared log a scaled-out hub's cache writes through
	// (shared.go; guarded by mu), nil for a single-machine hub.
	shared *sharedLog
	// sharedCache: this hub profile is a cache of a shared log, written
	// only through it: no write before ShareLog (guarded by mu).
	sharedCache bool
	// replaying: the hub is applying entries another process logged, and
	// makes no op of its own (shared.go; guarded by mu).
	replaying bool

	// paperSt is the chunk store of papers and its hooks (papers.go).
	paperSt paperState

	events    bus
	now       func() time.Time
	recovered Recovery
}

// Recovery says what the journal repaired at open.
type Recovery struct {
	Restored int                 // operations Badger had lost and the journal put back
	Answers  int                 // of which ballot answers
	Journal  store.JournalReport // the journal's own state
}

// DefaultDir is the profile directory used when none is given: the user's
// configuration directory, "ecabinet/profile".
func DefaultDir() (string, error) {
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find configuration directory: %w", err)
	}
	return filepath.Join(cfg, "ecabinet", "profile"), nil
}

// Exists reports whether dir holds a profile.
func Exists(dir string) bool { return store.Exists(dir) }

// Create makes a new profile in dir for the member self (its ID is
// assigned), with a fresh device key.
func Create(dir string, pass []byte, self meetings.Member) (*Profile, error) {
	self.ID = identity.NewID()
	if err := self.Validate(); err != nil {
		return nil, err
	}
	dev, err := identity.New()
	if err != nil {
		return nil, err
	}
	return create(dir, pass, dev, self, nil)
}

// create makes the store of a new profile in dir for the device dev and
// the member self, writes their meta (and what extra writes), and applies
// the operation that introduces them.
func create(dir string, pass []byte, dev *identity.Device, self meetings.Member, extra func(*store.Tx) error) (*Profile, error) {
	st, err := store.Create(dir, pass)
	if err != nil {
		return nil, err
	}
	p := &Profile{st: st, dev: dev, nextSeq: 1, now: time.Now, m: newModel()}
	p.m.selfID = self.ID
	err = st.Update(func(tx *store.Tx) error {
		if err := tx.PutMeta(metaDeviceSeed, dev.Seed()); err != nil {
			return err
		}
		if err := tx.PutMeta(metaSelf, self.ID); err != nil {
			return err
		}
		if extra != nil {
			return extra(tx)
		}
		return nil
	})
	if err == nil {
		_, err = p.submit(ops.KindProfileInit, ops.ProfileInit{Member: self, PubKey: dev.Pub}, 0)
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("create profile: %w", err)
	}
	return p, nil
}

// Open unlocks the profile in dir, loads it into memory and repairs from
// the journal whatever the database lost.
func Open(dir string, pass []byte) (*Profile, error) {
	st, err := store.Open(dir, pass)
	if err != nil {
		return nil, err
	}
	p := &Profile{st: st, now: time.Now, m: newModel()}
	if err := p.load(); err != nil {
		st.Close()
		return nil, err
	}
	if p.hub {
		// Before the journal's repair, which logs what it restores.
		if err := p.ensureHubIndex(); err != nil {
			st.Close()
			return nil, fmt.Errorf("index the hub's log: %w", err)
		}
	}
	// A shared log's cache keeps no journal of its own (the shared log is
	// what makes its writes durable, shared.go): a record there from before
	// it was shared would be logged again outside the log, so it is left.
	if p.sharedCache {
		p.recovered.Journal = p.st.JournalReport()
	} else if err := p.recover(); err != nil {
		st.Close()
		return nil, fmt.Errorf("repair from journal: %w", err)
	}
	// Reveals a membership change still owed when the hub stopped (a
	// shared log's cache makes them once attached: ShareLog).
	if err := p.hubRevealPending(); err != nil && !errors.Is(err, errShareFirst) {
		st.Close()
		return nil, fmt.Errorf("reveal to members who joined: %w", err)
	}
	return p, nil
}

func (p *Profile) load() error {
	return p.st.View(func(tx *store.Tx) error {
		var seed []byte
		if err := tx.GetMeta(metaDeviceSeed, &seed); err != nil {
			return fmt.Errorf("read device key: %w", err)
		}
		dev, err := identity.FromSeed(seed)
		if err != nil {
			return err
		}
		p.dev = dev
		var hwm uint64
		if err := tx.GetMeta(store.MetaHWM, &hwm); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.GetMeta(metaHubMade, &p.hubMadeSeq); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		p.nextSeq = max(hwm, p.st.JournalLastSeq(), p.hubMadeSeq) + 1
		if err := tx.GetMeta(metaIsHub, &p.hub); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.GetMeta(metaHubShared, &p.sharedCache); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.GetMeta(metaSelf, &p.m.selfID); err != nil {
			return fmt.Errorf("read profile member: %w", err)
		}
		return p.m.load(tx)
	})
}

// recover re-applies journal records above Badger's high-water mark.
func (p *Profile) recover() error {
	recs, err := p.st.Recover()
	p.recovered.Journal = p.st.JournalReport()
	if err != nil || len(recs) == 0 {
		return err
	}
	var afters []func()
	restored, answers := 0, 0
	err = p.st.CommitRecovered(recs[len(recs)-1].Seq, func(tx *store.Tx) error {
		for _, r := range recs {
			s, op, err := ops.Decode(r.Data)
			if err != nil {
				return err
			}
			if err := s.Verify(p.dev.Pub, op); err != nil {
				return fmt.Errorf("journal record %d: %w", r.Seq, err)
			}
			res, err := p.apply(plainTxn(tx), op, r.Data, source{})
			if err != nil {
				// It was valid when saved; skip rather than refuse to open.
				continue
			}
			if res.fresh {
				restored++
				if op.Kind == ops.KindBallotAnswer {
					answers++
				}
			}
			afters = append(afters, res.after)
		}
		return nil
	})
	if err != nil {
		return err
	}
	p.commitModel(afters, nil)
	p.recovered.Restored, p.recovered.Answers = restored, answers
	return nil
}

// Recovered tells what the journal repaired when the profile was opened.
func (p *Profile) Recovered() Recovery { return p.recovered }

// Close releases the profile.
func (p *Profile) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.events.closeAll()
	return p.st.Close()
}

// StoreReads counts the keys this profile has read from its database since
// it was opened (store.Store.Reads): for tests that check a path is served
// from memory, or what a page costs, without timing it.
func (p *Profile) StoreReads() uint64 { return p.st.Reads() }

// Dir is the profile directory.
func (p *Profile) Dir() string { return p.st.Dir() }

// DeviceID is this device's identity.
func (p *Profile) DeviceID() string { return p.dev.ID }

// DevicePublicKey is this device's public key.
func (p *Profile) DevicePublicKey() ed25519.PublicKey { return p.dev.Pub }

// DeviceSigner is the device's private key as a crypto.Signer, for its TLS
// client certificate.
func (p *Profile) DeviceSigner() crypto.Signer { return p.dev.Signer() }

// Fingerprint is the device key's fingerprint, for people to compare.
func (p *Profile) Fingerprint() string { return identity.Fingerprint(p.dev.Pub) }

// Self is the member this profile belongs to.
func (p *Profile) Self() meetings.Member {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	return p.m.members[p.m.selfID]
}

// OrgName is the organisation's name (its hub's), "" before the profile
// has joined one.
func (p *Profile) OrgName() string {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	return p.m.orgName()
}

// IsSecretary reports whether the profile's member may do secretariat work
// in some body: the organisation's secretariat, or a secretary of one of
// its bodies (IsSecretaryOf says which).
func (p *Profile) IsSecretary() bool {
	self := p.Self()
	if self.Removed {
		return false
	}
	if self.Role == meetings.RoleSecretary {
		return true
	}
	for _, ms := range self.Bodies {
		if ms.Role == meetings.RoleSecretary {
			return true
		}
	}
	return false
}

// ChangePassphrase re-wraps the profile's key under a new passphrase.
func (p *Profile) ChangePassphrase(old, new []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st.ChangePassphrase(old, new)
}

// Subscribe returns a channel of change events and a function to stop. A
// subscriber that falls behind receives an event with Topic TopicAll (see
// Event.RefreshAll) in place of those it missed, and must re-read all it
// shows.
func (p *Profile) Subscribe() (<-chan Event, func()) { return p.events.subscribe() }

// SetClock replaces the clock, for tests and the sample committee, and
// returns the one it replaced.
func (p *Profile) SetClock(now func() time.Time) (previous func() time.Time) {
	previous, p.now = p.now, now
	return previous
}

// Now is the profile's clock.
func (p *Profile) Now() time.Time { return p.now() }

// voterIDs returns the IDs of the voting members among members (one
// body's, meetings.InBody).
func voterIDs(members []meetings.Member) []string {
	var ids []string
	for _, m := range meetings.Voters(members) {
		ids = append(ids, m.ID)
	}
	return ids
}
