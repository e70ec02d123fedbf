// Package hubstate keeps the hub's state that is not its log: its settings
// (the TLS keys and identity, invites, revocations), the chunks devices
// offered to upload, and each device's last pull. Two implementations keep
// it:
//
//   - OnProfile: the single-machine hub's own encrypted Badger profile,
//     exactly as before this package existed (settings "hub/keys",
//     "invite/…", "revoked/…", "seen/…"; offers in memory, offered again
//     after a restart);
//   - Postgres: tables next to pglog's (hublog/pglog/migrate.go, version 2),
//     shared by every process of a scaled-out hub. Values are sealed under
//     the hub's master key, which is itself sealed under the hub's
//     passphrase (Secret): the database never holds a key or an invite in
//     plaintext. Update takes the row's lock, so that an invite is redeemed
//     once whatever process answers, and a revocation written through one
//     process is read by every other at the device's next connection.
//
// Files:
//
//	hubstate.go  Store, Update, the profile implementation
//	postgres.go  Postgres, sealing of values
//	secret.go    the sealed master key: InitSecret, UnlockSecret
package hubstate

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
)

// Store is the hub's state that is not its log.
type Store interface {
	// Get reads setting name into v (CBOR); false when there is none.
	Get(ctx context.Context, name string, v any) (bool, error)
	// Has reports whether setting name exists, without reading it (the
	// revocation check every connection makes).
	Has(ctx context.Context, name string) (bool, error)
	// Put writes setting name.
	Put(ctx context.Context, name string, v any) error
	// Update reads setting name (its CBOR; nil when absent) and writes what
	// fn returns, under a lock that no other process's Update of the same
	// name passes until this one ends; an error from fn writes nothing.
	Update(ctx context.Context, name string, fn func(old []byte, found bool) ([]byte, error)) error
	// Names lists the settings whose names start with prefix.
	Names(ctx context.Context, prefix string) ([]string, error)

	// Offer records that device may upload these chunks (hex ID → the
	// ciphertext's length), refusing with ErrTooManyOffers when that would
	// leave more than max of its offers not uploaded.
	Offer(ctx context.Context, device string, chunks map[string]int64, max int) error
	// Offered is the length device offered for chunk, if it did.
	Offered(ctx context.Context, device, chunk string) (int64, bool, error)
	// Uploaded forgets device's offer of chunk.
	Uploaded(ctx context.Context, device, chunk string) error

	// NoteSeen records device's last pull and the app version it ran.
	NoteSeen(ctx context.Context, device string, at time.Time, app string) error
	// LastSeen reads it.
	LastSeen(ctx context.Context, device string) (Seen, bool, error)
}

// Seen is a device's last pull.
type Seen struct {
	At  time.Time `cbor:"1,keyasint"`
	App string    `cbor:"2,keyasint,omitempty"`
}

// SeenPrefix is the settings prefix of devices' last pulls on a profile.
const SeenPrefix = "seen/"

// ErrTooManyOffers: a device offered more chunks than it may have waiting.
var ErrTooManyOffers = errors.New("too many chunks offered and not uploaded")

// Update is Store.Update on a decoded value: fn changes v (the zero value
// when found is false) and its error writes nothing.
func Update[T any](ctx context.Context, s Store, name string, fn func(v *T, found bool) error) error {
	return s.Update(ctx, name, func(old []byte, found bool) ([]byte, error) {
		var v T
		if found {
			if err := codec.Unmarshal(old, &v); err != nil {
				return nil, fmt.Errorf("hubstate: setting %s: %w", name, err)
			}
		}
		if err := fn(&v, found); err != nil {
			return nil, err
		}
		return codec.Marshal(v)
	})
}

// OnProfile keeps the state in a single-machine hub's profile, as the hub
// always has.
func OnProfile(p *core.Profile) Store { return &profileStore{p: p} }

type profileStore struct {
	p *core.Profile

	mu     sync.Mutex
	offers map[string]map[string]int64
}

func (s *profileStore) Get(_ context.Context, name string, v any) (bool, error) {
	err := s.p.Setting(name, v)
	if errors.Is(err, core.ErrNoSetting) {
		return false, nil
	}
	return err == nil, err
}

func (s *profileStore) Has(ctx context.Context, name string) (bool, error) {
	var raw codec.RawMessage
	return s.Get(ctx, name, &raw)
}

func (s *profileStore) Put(_ context.Context, name string, v any) error {
	return s.p.PutSetting(name, v)
}

func (s *profileStore) Update(_ context.Context, name string, fn func([]byte, bool) ([]byte, error)) error {
	return core.UpdateSetting(s.p, name, func(v *codec.RawMessage, found bool) error {
		var old []byte
		if found {
			old = *v
		}
		b, err := fn(old, found)
		if err != nil {
			return err
		}
		*v = b
		return nil
	})
}

func (s *profileStore) Names(_ context.Context, prefix string) ([]string, error) {
	return s.p.SettingNames(prefix)
}

func (s *profileStore) Offer(_ context.Context, device string, chunks map[string]int64, max int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.offers == nil {
		s.offers = map[string]map[string]int64{}
	}
	set := s.offers[device]
	if set == nil {
		set = map[string]int64{}
		s.offers[device] = set
	}
	fresh := 0
	for c := range chunks {
		if _, ok := set[c]; !ok {
			fresh++
		}
	}
	if len(set)+fresh > max {
		return ErrTooManyOffers
	}
	for c, n := range chunks {
		set[c] = n
	}
	return nil
}

func (s *profileStore) Offered(_ context.Context, device, chunk string) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.offers[device][chunk]
	return n, ok, nil
}

func (s *profileStore) Uploaded(_ context.Context, device, chunk string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.offers[device], chunk)
	return nil
}

func (s *profileStore) NoteSeen(_ context.Context, device string, at time.Time, app string) error {
	return s.p.PutSetting(SeenPrefix+device, Seen{At: at, App: app})
}

func (s *profileStore) LastSeen(ctx context.Context, device string) (Seen, bool, error) {
	var v Seen
	ok, err := s.Get(ctx, SeenPrefix+device, &v)
	return v, ok, err
}
