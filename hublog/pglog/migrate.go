package pglog

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// migrations are the schema's versions, in order: migrations[i] takes a
// database from version i to i+1. Append only; never edit a shipped one.
var migrations = []string{
	// 1: the log. One hublog_head row per log holds its last position and is
	// the lock appenders take, so that positions commit in order with no
	// gap (SCALE.md §2). at_ns keeps the nanoseconds the hub's signed
	// receipt covers (timestamptz would round to microseconds).
	`CREATE TABLE hublog_head (
		log_id bigint PRIMARY KEY,
		seq    bigint NOT NULL CHECK (seq >= 0)
	);
	CREATE TABLE hublog_entries (
		log_id   bigint NOT NULL REFERENCES hublog_head,
		hub_seq  bigint NOT NULL CHECK (hub_seq > 0),
		device   text   NOT NULL,
		dev_seq  bigint NOT NULL CHECK (dev_seq > 0),
		op       bytea  NOT NULL,
		audience text[] NOT NULL DEFAULT '{}',
		at_ns    bigint NOT NULL,
		PRIMARY KEY (log_id, hub_seq),
		UNIQUE (log_id, device, dev_seq)
	);
	-- hublog_append appends a batch on the server, in one round trip.
	-- The lock is its first statement, alone: under READ COMMITTED each
	-- statement of a volatile function takes a new snapshot, so the
	-- look-ups after it see every append committed before we got the lock
	-- (a look-up in the locking statement itself would use the snapshot
	-- taken before it waited, and miss the append it waited for).
	-- p_audience is a JSON array of each entry's labels (SQL arrays must
	-- be rectangular).
	CREATE FUNCTION hublog_append(p_log bigint, p_device text[], p_dev_seq bigint[],
			p_op bytea[], p_audience jsonb, p_at_ns bigint[])
		RETURNS TABLE (o_seq bigint, o_at_ns bigint, o_existed boolean)
		LANGUAGE plpgsql VOLATILE AS $$
	DECLARE
		v_head  bigint;
		v_start bigint;
		v_seq   bigint;
		v_at    bigint;
	BEGIN
		SELECT h.seq INTO v_head FROM hublog_head h WHERE h.log_id = p_log FOR UPDATE;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'hublog: no log %', p_log;
		END IF;
		v_start := v_head;
		FOR i IN 1 .. coalesce(array_length(p_device, 1), 0) LOOP
			SELECT e.hub_seq, e.at_ns INTO v_seq, v_at FROM hublog_entries e
				WHERE e.log_id = p_log AND e.device = p_device[i] AND e.dev_seq = p_dev_seq[i];
			IF FOUND THEN
				o_seq := v_seq; o_at_ns := v_at; o_existed := true;
			ELSE
				v_head := v_head + 1;
				INSERT INTO hublog_entries (log_id, hub_seq, device, dev_seq, op, audience, at_ns)
					VALUES (p_log, v_head, p_device[i], p_dev_seq[i], p_op[i],
						ARRAY(SELECT jsonb_array_elements_text(p_audience -> (i - 1))), p_at_ns[i]);
				o_seq := v_head; o_at_ns := p_at_ns[i]; o_existed := false;
			END IF;
			RETURN NEXT;
		END LOOP;
		IF v_head > v_start THEN
			UPDATE hublog_head SET seq = v_head WHERE log_id = p_log;
			PERFORM pg_notify('hublog', p_log::text || ':' || v_head::text);
		END IF;
	END $$;`,
	// 2: the scaled-out hub's shared state that is not the log (package
	// hubstate). hub_secret holds the hub's master key sealed under a key
	// derived from its passphrase (store.SealKey: the keyfile's KDF);
	// hub_settings holds named values sealed under that master key (the
	// hub's TLS keys and identity, invites, revocations): nothing in these
	// two tables is readable without the passphrase. An invite is redeemed
	// under its row's lock (SELECT … FOR UPDATE), so exactly once whatever
	// process answers. hub_chunk_offers lets a chunk offered through one
	// process be uploaded through another; hub_seen is each device's last
	// pull, for `hub devices`.
	`CREATE TABLE hub_secret (
		log_id     bigint PRIMARY KEY REFERENCES hublog_head,
		sealed     bytea  NOT NULL,
		created_ns bigint NOT NULL
	);
	CREATE TABLE hub_settings (
		log_id bigint NOT NULL REFERENCES hublog_head,
		name   text   NOT NULL,
		value  bytea  NOT NULL,
		PRIMARY KEY (log_id, name)
	);
	CREATE TABLE hub_chunk_offers (
		log_id     bigint NOT NULL REFERENCES hublog_head,
		device     text   NOT NULL,
		chunk      text   NOT NULL,
		size       bigint NOT NULL CHECK (size > 0),
		offered_ns bigint NOT NULL,
		PRIMARY KEY (log_id, device, chunk)
	);
	CREATE TABLE hub_seen (
		log_id bigint NOT NULL REFERENCES hublog_head,
		device text   NOT NULL,
		at_ns  bigint NOT NULL,
		app    text   NOT NULL DEFAULT '',
		PRIMARY KEY (log_id, device)
	);`,
}

// SchemaVersion is the schema version this code reads and writes.
var SchemaVersion = len(migrations)

// ErrSchema: the database's schema is not the version this code needs
// (run the hub's migrate command, or upgrade the hub).
var ErrSchema = errors.New("pglog: database schema version mismatch")

// migrateLock is the advisory lock key Migrate holds, so that two hub
// processes starting at once do not both upgrade.
const migrateLock = 0x6563616268756c67 // "ecabhulg"

// Migrate creates or upgrades the schema in the database dsn names to
// SchemaVersion, in one transaction under an advisory lock, and returns the
// versions before and after. Run on an up-to-date database it changes
// nothing (from == to). A database newer than this code is refused.
func Migrate(ctx context.Context, dsn string) (from, to int, err error) {
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return 0, 0, fmt.Errorf("pglog: migrate: connect: %w", err)
	}
	defer c.Close(context.Background())
	err = pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrateLock)); err != nil {
			return err
		}
		if from, err = schemaVersion(ctx, tx); err != nil {
			return err
		}
		if from > SchemaVersion {
			return fmt.Errorf("%w: the database is at version %d, newer than this hub's %d: upgrade the hub", ErrSchema, from, SchemaVersion)
		}
		if from == SchemaVersion {
			return nil
		}
		if from == 0 {
			if _, err := tx.Exec(ctx, `CREATE TABLE hublog_schema (
				one     boolean PRIMARY KEY DEFAULT true CHECK (one),
				version int NOT NULL)`); err != nil {
				return err
			}
		}
		for v := from; v < SchemaVersion; v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("to version %d: %w", v+1, err)
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO hublog_schema (version) VALUES ($1)
			ON CONFLICT (one) DO UPDATE SET version = excluded.version`, SchemaVersion)
		return err
	})
	if err != nil {
		return from, from, fmt.Errorf("pglog: migrate: %w", err)
	}
	return from, SchemaVersion, nil
}

// schemaVersion reads the version table; 0 when there is none yet.
func schemaVersion(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) (int, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('hublog_schema') IS NOT NULL`).Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := q.QueryRow(ctx, `SELECT version FROM hublog_schema`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}
