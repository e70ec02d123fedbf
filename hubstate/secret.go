package hubstate

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/store"
)

// ErrNoHub: the database holds no hub yet (run `hub init --store` or `hub
// export`).
var ErrNoHub = errors.New("hubstate: the database holds no hub")

// ErrHubExists: the database holds a hub already.
var ErrHubExists = errors.New("hubstate: the database holds a hub already")

// NewMasterKey makes a hub's master key.
func NewMasterKey() []byte {
	master := make([]byte, 32)
	if _, err := rand.Read(master); err != nil {
		panic(err)
	}
	return master
}

// RecordSecret seals master under pass with the keyfile's KDF
// (store.SealKey) and records it: from then on the database holds a hub
// that pass unlocks. A database that holds one already is refused
// (ErrHubExists). `hub export` and `hub init --store` record it last, once
// everything sealed under it is in place.
func RecordSecret(ctx context.Context, l *pglog.Log, pass, master []byte) error {
	sealed, err := store.SealKey(pass, master)
	if err != nil {
		return err
	}
	tag, err := l.Pool().Exec(ctx, `INSERT INTO hub_secret (log_id, sealed, created_ns) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		l.ID(), sealed, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("hubstate: record the hub's secret: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return ErrHubExists
	}
	return nil
}

// UnlockSecret opens the master key with the hub's passphrase:
// store.ErrWrongPassphrase when it is not the one, ErrNoHub when there is
// no hub in the database.
func UnlockSecret(ctx context.Context, l *pglog.Log, pass []byte) ([]byte, error) {
	var sealed []byte
	err := l.Pool().QueryRow(ctx, `SELECT sealed FROM hub_secret WHERE log_id = $1`, l.ID()).Scan(&sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoHub
	}
	if err != nil {
		return nil, fmt.Errorf("hubstate: read the hub's secret: %w", err)
	}
	return store.OpenSealedKey(pass, sealed)
}

// HasHub reports whether the database holds a hub.
func HasHub(ctx context.Context, l *pglog.Log) (bool, error) {
	var n int
	if err := l.Pool().QueryRow(ctx, `SELECT count(*) FROM hub_secret WHERE log_id = $1`, l.ID()).Scan(&n); err != nil {
		return false, fmt.Errorf("hubstate: %w", err)
	}
	return n > 0, nil
}

// derive is a key for one purpose from the master key.
func derive(master []byte, purpose string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte("ecabinet hub " + purpose + " v1"))
	return m.Sum(nil)
}

// CachePassphrase is the passphrase of a hub process's local cache (its
// own encrypted Badger profile), derived from the master key: the cache is
// as protected as the shared state, and opening it needs nothing the
// operator must keep apart.
func CachePassphrase(master []byte) []byte {
	return []byte(hex.EncodeToString(derive(master, "cache")))
}
