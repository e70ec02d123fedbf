package hubstate

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/hublog/pglog"
)

// Postgres keeps the state in the tables pglog's migration 2 makes, in the
// log's database, sealed under the hub's master key.
type Postgres struct {
	pool *pgxpool.Pool
	id   int64
	aead cipher.AEAD
}

var _ Store = (*Postgres)(nil)

// OnPostgres opens the state of l's hub with its master key (UnlockSecret).
func OnPostgres(l *pglog.Log, master []byte) (*Postgres, error) {
	blk, err := aes.NewCipher(derive(master, "settings"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(blk)
	if err != nil {
		return nil, err
	}
	return &Postgres{pool: l.Pool(), id: l.ID(), aead: aead}, nil
}

// ErrSealed: a sealed value does not open under this hub's master key
// (changed in the database, or moved from another row or hub).
var ErrSealed = errors.New("hubstate: a sealed setting does not open with this hub's key")

// aad binds a sealed value to its log and name, so that a value copied to
// another row does not open there.
func (s *Postgres) aad(name string) []byte {
	return []byte("ecabinet hub setting v1\x00" + strconv.FormatInt(s.id, 10) + "\x00" + name)
}

func (s *Postgres) seal(name string, plain []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, plain, s.aad(name))
}

func (s *Postgres) open(name string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, ErrSealed
	}
	b, err := s.aead.Open(nil, sealed[:n], sealed[n:], s.aad(name))
	if err != nil {
		return nil, ErrSealed
	}
	return b, nil
}

func pgErr(what string, err error) error { return fmt.Errorf("hubstate: %s: %w", what, err) }

// Get reads and opens setting name.
func (s *Postgres) Get(ctx context.Context, name string, v any) (bool, error) {
	var sealed []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM hub_settings WHERE log_id = $1 AND name = $2`, s.id, name).Scan(&sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, pgErr("read setting", err)
	}
	b, err := s.open(name, sealed)
	if err != nil {
		return false, err
	}
	return true, codec.Unmarshal(b, v)
}

// Has reports whether setting name exists.
func (s *Postgres) Has(ctx context.Context, name string) (bool, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM hub_settings WHERE log_id = $1 AND name = $2`, s.id, name).Scan(&n); err != nil {
		return false, pgErr("read setting", err)
	}
	return n > 0, nil
}

// Put seals and writes setting name.
func (s *Postgres) Put(ctx context.Context, name string, v any) error {
	b, err := codec.Marshal(v)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO hub_settings (log_id, name, value) VALUES ($1, $2, $3)
		ON CONFLICT (log_id, name) DO UPDATE SET value = excluded.value`, s.id, name, s.seal(name, b))
	if err != nil {
		return pgErr("write setting", err)
	}
	return nil
}

// Update reads setting name under its row's lock (SELECT … FOR UPDATE) and
// writes fn's answer in the same transaction. A name with no row yet has
// nothing to lock: two processes creating it at once both run fn, and the
// second's insert then waits for the first and overwrites it. The hub
// updates only names that exist (an invite is created before it is
// redeemed), where the lock makes the read-change-write exactly once.
func (s *Postgres) Update(ctx context.Context, name string, fn func([]byte, bool) ([]byte, error)) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var sealed []byte
		err := tx.QueryRow(ctx, `SELECT value FROM hub_settings WHERE log_id = $1 AND name = $2 FOR UPDATE`, s.id, name).Scan(&sealed)
		found := err == nil
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return pgErr("lock setting", err)
		}
		var old []byte
		if found {
			if old, err = s.open(name, sealed); err != nil {
				return err
			}
		}
		b, err := fn(old, found)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hub_settings (log_id, name, value) VALUES ($1, $2, $3)
			ON CONFLICT (log_id, name) DO UPDATE SET value = excluded.value`, s.id, name, s.seal(name, b)); err != nil {
			return pgErr("write setting", err)
		}
		return nil
	})
}

// Names lists settings by prefix, in name order.
func (s *Postgres) Names(ctx context.Context, prefix string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT name FROM hub_settings WHERE log_id = $1 AND starts_with(name, $2) ORDER BY name`, s.id, prefix)
	if err != nil {
		return nil, pgErr("list settings", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, pgErr("list settings", err)
	}
	return names, nil
}

// Offer records offers in one transaction. The count of what the device
// has waiting is not taken under a lock: two processes offering for one
// device at once may both pass the bound, which only loosens a limit meant
// against a runaway device, never what is uploaded.
func (s *Postgres) Offer(ctx context.Context, device string, chunks map[string]int64, max int) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		ids := make([]string, 0, len(chunks))
		sizes := make([]int64, 0, len(chunks))
		for c, n := range chunks {
			ids, sizes = append(ids, c), append(sizes, n)
		}
		var waiting, fresh int
		if err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE chunk = ANY($3)) FROM hub_chunk_offers WHERE log_id = $1 AND device = $2`,
			s.id, device, ids).Scan(&waiting, &fresh); err != nil {
			return pgErr("count offers", err)
		}
		if waiting+len(ids)-fresh > max {
			return ErrTooManyOffers
		}
		_, err := tx.Exec(ctx, `INSERT INTO hub_chunk_offers (log_id, device, chunk, size, offered_ns)
			SELECT $1, $2, c, n, $5 FROM unnest($3::text[], $4::bigint[]) AS u(c, n)
			ON CONFLICT (log_id, device, chunk) DO UPDATE SET size = excluded.size, offered_ns = excluded.offered_ns`,
			s.id, device, ids, sizes, time.Now().UnixNano())
		if err != nil {
			return pgErr("record offers", err)
		}
		return nil
	})
}

// Offered is the length device offered for chunk.
func (s *Postgres) Offered(ctx context.Context, device, chunk string) (int64, bool, error) {
	var n int64
	err := s.pool.QueryRow(ctx, `SELECT size FROM hub_chunk_offers WHERE log_id = $1 AND device = $2 AND chunk = $3`, s.id, device, chunk).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, pgErr("read offer", err)
	}
	return n, true, nil
}

// Uploaded forgets an offer.
func (s *Postgres) Uploaded(ctx context.Context, device, chunk string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM hub_chunk_offers WHERE log_id = $1 AND device = $2 AND chunk = $3`, s.id, device, chunk); err != nil {
		return pgErr("forget offer", err)
	}
	return nil
}

// NoteSeen records a device's last pull.
func (s *Postgres) NoteSeen(ctx context.Context, device string, at time.Time, app string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO hub_seen (log_id, device, at_ns, app) VALUES ($1, $2, $3, $4)
		ON CONFLICT (log_id, device) DO UPDATE SET at_ns = excluded.at_ns, app = excluded.app`, s.id, device, at.UnixNano(), app)
	if err != nil {
		return pgErr("record last pull", err)
	}
	return nil
}

// LastSeen reads a device's last pull.
func (s *Postgres) LastSeen(ctx context.Context, device string) (Seen, bool, error) {
	var at int64
	var v Seen
	err := s.pool.QueryRow(ctx, `SELECT at_ns, app FROM hub_seen WHERE log_id = $1 AND device = $2`, s.id, device).Scan(&at, &v.App)
	if errors.Is(err, pgx.ErrNoRows) {
		return Seen{}, false, nil
	}
	if err != nil {
		return Seen{}, false, pgErr("read last pull", err)
	}
	v.At = time.Unix(0, at).UTC()
	return v, true, nil
}

// Ping checks that the database answers (readiness).
func (s *Postgres) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }
