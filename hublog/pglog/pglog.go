// Package pglog keeps the hub's ordered log (hublog.Log) in PostgreSQL, so
// that several hub processes can share one log.
//
// Ordering (SCALE.md §2): positions come from one counter row per log
// (hublog_head), locked by the first Head or Append of a transaction and
// advanced in that transaction, so appends commit in the order of their
// positions and a rolled-back one burns nothing; a reader bounded by the
// head it read in the same statement never sees a hole. A bare sequence
// would not do: its values commit out of order and a puller would skip.
//
// Idempotency: (log, device, dev_seq) is unique, and Append looks the key
// up after taking the head lock, so the lookup sees every committed append
// of every process.
//
// An append is one call of the server-side function hublog_append (lock,
// look up, insert, advance, notify): one round trip, because round trips,
// not the work, are what an append costs on a loaded machine.
//
// Wake-ups: each append's transaction sends pg_notify('hublog',
// "<log>:<head>"), delivered on commit. Each Log holds one dedicated
// listening connection (never a pool one), and fans the notifications out
// to its waiters in memory. After any reconnect it re-reads the head and
// wakes every waiter, which re-reads from its checkpoint: notifications sent
// while it was disconnected are lost, the entries are not.
//
// Files:
//
//	pglog.go    Log: Open, Update/Tx, Append, Read, Head, Lookup
//	listen.go   the listening connection, Wait
//	migrate.go  the schema's versions, Migrate
package pglog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ecabinet/ecabinet/hublog"
)

// Options tune a Log; the zero value is the default.
type Options struct {
	// LogID chooses one of several logs in one database (one per
	// organisation); 0 means 1.
	LogID int64
	// Resync is how long a waiter trusts the notifications alone before it
	// re-reads the head itself (a safety net, not the wake-up path); 0
	// means 30 s.
	Resync time.Duration
	// MaxConns bounds the pool; 0 means pgxpool's default.
	MaxConns int32
	// LockWait bounds how long a statement waits for a lock, the log's
	// head above all (PostgreSQL's lock_timeout): past it the Update fails
	// and the hub answers 503, so that a push never hangs behind another
	// process; 0 means 15 s.
	LockWait time.Duration
	// IdleInTx bounds how long a transaction may sit between statements
	// (idle_in_transaction_session_timeout): the server ends the session
	// of a process that froze or lost the network while it held the head,
	// rolling its transaction back, so the others go on; 0 means 60 s.
	IdleInTx time.Duration
}

// Defaults of Options' bounds on the critical section.
const (
	defaultLockWait = 15 * time.Second
	defaultIdleInTx = 60 * time.Second
)

// channel is the LISTEN/NOTIFY channel every log notifies on (hublog_append
// in migrate.go names it too); the payload names the log.
const channel = "hublog"

// appName marks the listening connection in pg_stat_activity.
const appName = "ecabinet-hublog-listen"

// Log is a hublog.Log in PostgreSQL.
type Log struct {
	pool   *pgxpool.Pool
	id     int64
	resync time.Duration

	mu      sync.Mutex
	head    uint64        // the newest head known from notifications and appends
	changed chan struct{} // closed and replaced when head moves or the listener reconnects
	closed  chan struct{}

	stop       context.CancelFunc
	listenDone chan struct{}
	listenCfg  *pgx.ConnConfig
	reconnects uint64 // times the listener has (re)connected, under mu
	// beforeListen, when set (by tests, under mu), runs before each
	// connection of the listener.
	beforeListen func()
}

var _ hublog.Log = (*Log)(nil)

// Open connects to the database dsn names, whose schema Migrate has
// brought to SchemaVersion (ErrSchema otherwise), creates the log's head
// row if needed and starts listening for other processes' appends.
func Open(ctx context.Context, dsn string, opts Options) (*Log, error) {
	if opts.LogID == 0 {
		opts.LogID = 1
	}
	if opts.Resync <= 0 {
		opts.Resync = 30 * time.Second
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("pglog: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.LockWait <= 0 {
		opts.LockWait = defaultLockWait
	}
	if opts.IdleInTx <= 0 {
		opts.IdleInTx = defaultIdleInTx
	}
	// Session settings of every pooled connection: the head's lock is the
	// one critical section all processes share, and neither a waiter nor a
	// holder that stopped answering may keep it for ever.
	cfg.ConnConfig.RuntimeParams["lock_timeout"] = strconv.FormatInt(opts.LockWait.Milliseconds(), 10)
	cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = strconv.FormatInt(opts.IdleInTx.Milliseconds(), 10)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pglog: %w", err)
	}
	l := &Log{pool: pool, id: opts.LogID, resync: opts.Resync, changed: make(chan struct{}), closed: make(chan struct{})}
	if err := l.init(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	l.listenCfg = cfg.ConnConfig.Copy()
	l.listenCfg.RuntimeParams["application_name"] = appName
	lctx, stop := context.WithCancel(context.Background())
	l.stop, l.listenDone = stop, make(chan struct{})
	ready := make(chan error, 1)
	go l.listen(lctx, ready)
	if err := <-ready; err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (l *Log) init(ctx context.Context) error {
	v, err := schemaVersion(ctx, l.pool)
	if err != nil {
		return fmt.Errorf("pglog: open: %w", err)
	}
	if v != SchemaVersion {
		return fmt.Errorf("%w: the database is at version %d, this hub needs %d: run the hub's migrate command", ErrSchema, v, SchemaVersion)
	}
	if _, err := l.pool.Exec(ctx, `INSERT INTO hublog_head (log_id, seq) VALUES ($1, 0) ON CONFLICT DO NOTHING`, l.id); err != nil {
		return fmt.Errorf("pglog: open: %w", err)
	}
	h, err := l.Head(ctx)
	if err != nil {
		return err
	}
	l.advance(h)
	return nil
}

// Pool is the log's connection pool, for the hub's other shared tables
// (package hubstate), which live in the same database and schema.
func (l *Log) Pool() *pgxpool.Pool { return l.pool }

// ID is the log's LogID (Options.LogID, 1 by default): the hub's other
// shared tables are keyed by it too.
func (l *Log) ID() int64 { return l.id }

// Close stops listening and closes the pool; waiters get hublog.ErrClosed.
func (l *Log) Close() error {
	l.mu.Lock()
	select {
	case <-l.closed:
		l.mu.Unlock()
		return nil
	default:
		close(l.closed)
	}
	l.mu.Unlock()
	if l.stop != nil {
		l.stop()
		<-l.listenDone
	}
	l.pool.Close()
	return nil
}

func (l *Log) isClosed() bool {
	select {
	case <-l.closed:
		return true
	default:
		return false
	}
}

// Head is the position of the newest committed entry.
func (l *Log) Head(ctx context.Context) (uint64, error) {
	if l.isClosed() {
		return 0, hublog.ErrClosed
	}
	var h int64
	if err := l.pool.QueryRow(ctx, `SELECT seq FROM hublog_head WHERE log_id = $1`, l.id).Scan(&h); err != nil {
		return 0, fmt.Errorf("pglog: head: %w", err)
	}
	return uint64(h), nil
}

// Update runs fn in one READ COMMITTED transaction; see hublog.Log.
func (l *Log) Update(ctx context.Context, fn func(hublog.Tx) error) error {
	if l.isClosed() {
		return hublog.ErrClosed
	}
	var t *Tx
	err := pgx.BeginFunc(ctx, l.pool, func(ptx pgx.Tx) error {
		t = &Tx{ctx: ctx, tx: ptx, log: l}
		return fn(t)
	})
	if err != nil {
		return err
	}
	if t.added > 0 {
		l.advance(t.head) // this process's waiters need not wait for the notification
	}
	return nil
}

// Append adds entries in one statement, its own transaction: one round
// trip to the server.
func (l *Log) Append(ctx context.Context, entries ...hublog.Entry) ([]hublog.Appended, error) {
	if l.isClosed() {
		return nil, hublog.ErrClosed
	}
	out, head, err := appendEntries(ctx, l.pool, l.id, entries)
	if err != nil {
		return nil, err
	}
	l.advance(head)
	return out, nil
}

// querier is a pool or a transaction.
type querier interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}

// appendEntries calls hublog_append (migrate.go), which takes the head
// lock, looks each key up, inserts the new entries with the next
// positions, advances the head and notifies, all on the server. It returns
// the answers and the last new position (0 if none).
func appendEntries(ctx context.Context, q querier, logID int64, entries []hublog.Entry) ([]hublog.Appended, uint64, error) {
	for _, e := range entries {
		if err := hublog.Check(e); err != nil {
			return nil, 0, err
		}
	}
	if len(entries) == 0 {
		return nil, 0, nil
	}
	n := len(entries)
	devices, devSeqs, opsIn, ats := make([]string, n), make([]int64, n), make([][]byte, n), make([]int64, n)
	audiences := make([][]string, n)
	for i, e := range entries {
		devices[i], devSeqs[i], opsIn[i], ats[i] = e.Device, int64(e.DevSeq), e.Op, e.At.UTC().UnixNano()
		audiences[i] = e.Audience
		if audiences[i] == nil {
			audiences[i] = []string{}
		}
	}
	aud, err := json.Marshal(audiences)
	if err != nil {
		return nil, 0, fmt.Errorf("pglog: append: %w", err)
	}
	rows, err := q.Query(ctx, `SELECT o_seq, o_at_ns, o_existed FROM hublog_append($1, $2, $3, $4, $5::jsonb, $6)`,
		logID, devices, devSeqs, opsIn, string(aud), ats)
	if err != nil {
		return nil, 0, fmt.Errorf("pglog: append: %w", err)
	}
	defer rows.Close()
	out := make([]hublog.Appended, 0, n)
	var head uint64
	for rows.Next() {
		var seq, at int64
		var existed bool
		if err := rows.Scan(&seq, &at, &existed); err != nil {
			return nil, 0, fmt.Errorf("pglog: append: %w", err)
		}
		out = append(out, hublog.Appended{Seq: uint64(seq), At: time.Unix(0, at).UTC(), Existed: existed})
		if !existed {
			head = uint64(seq)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("pglog: append: %w", err)
	}
	if len(out) != n {
		return nil, 0, fmt.Errorf("pglog: append of %d entries answered %d", n, len(out))
	}
	return out, head, nil
}

// Tx is one Update's transaction, the hublog.Tx that fn receives. The hub
// may put its own rows in the same transaction through PG, so that what it
// records about an entry (a verdict, a record it changes) commits or rolls
// back with the entry.
type Tx struct {
	ctx    context.Context
	tx     pgx.Tx
	log    *Log
	locked bool   // head is known (and the head row locked)
	head   uint64 // this transaction's appends included
	added  int
}

// PG is the PostgreSQL transaction under t.
func (t *Tx) PG() pgx.Tx { return t.tx }

// Head is the position of the newest entry, this transaction's appends
// included; it locks the log's end until the transaction ends.
func (t *Tx) Head() (uint64, error) {
	if t.locked {
		return t.head, nil
	}
	var h int64
	if err := t.tx.QueryRow(t.ctx, `SELECT seq FROM hublog_head WHERE log_id = $1 FOR UPDATE`, t.log.id).Scan(&h); err != nil {
		return 0, fmt.Errorf("pglog: lock head: %w", err)
	}
	t.locked, t.head = true, uint64(h)
	return t.head, nil
}

// Append numbers and adds entries after the head, or reports those already
// in the log; see hublog.Tx.
func (t *Tx) Append(entries ...hublog.Entry) ([]hublog.Appended, error) {
	out, head, err := appendEntries(t.ctx, t.tx, t.log.id, entries)
	if err != nil {
		return nil, err
	}
	for _, a := range out {
		if !a.Existed {
			t.added++
		}
	}
	if head > 0 { // the function holds the head row now; its last new entry is the head
		t.locked, t.head = true, head
	}
	return out, nil
}

// Read returns a page after since in one statement, so that the head and
// the entries come from one snapshot: everything up to that head has
// committed, so the page has no hole.
func (l *Log) Read(ctx context.Context, since uint64, q hublog.Query) (hublog.Page, error) {
	if l.isClosed() {
		return hublog.Page{}, hublog.ErrClosed
	}
	limit := max(q.Limit, 1)
	labels := q.Labels
	if labels == nil {
		labels = []string{}
	}
	rows, err := l.pool.Query(ctx, `WITH h AS (SELECT seq FROM hublog_head WHERE log_id = $1)
		SELECT h.seq, e.hub_seq, e.device, e.dev_seq, e.op, e.audience, e.at_ns FROM h
		LEFT JOIN LATERAL (
			SELECT * FROM hublog_entries
			WHERE log_id = $1 AND hub_seq > $2 AND hub_seq <= h.seq
			  AND ($3 OR audience = '{}' OR audience && $4::text[])
			ORDER BY hub_seq LIMIT $5
		) e ON true`, l.id, int64(since), q.All, labels, limit)
	if err != nil {
		return hublog.Page{}, fmt.Errorf("pglog: read: %w", err)
	}
	defer rows.Close()
	var p hublog.Page
	size, full := 0, false
	for rows.Next() {
		var head int64
		var seq, devSeq, at *int64
		var dev *string
		var op []byte
		var audience []string
		if err := rows.Scan(&head, &seq, &dev, &devSeq, &op, &audience, &at); err != nil {
			return hublog.Page{}, fmt.Errorf("pglog: read: %w", err)
		}
		p.Head = uint64(head)
		if seq == nil { // no entry: the LEFT JOIN's lone row
			break
		}
		if q.MaxBytes > 0 && len(p.Entries) > 0 && size+len(op) > q.MaxBytes {
			full = true
			break
		}
		size += len(op)
		if len(audience) == 0 {
			audience = nil
		}
		p.Entries = append(p.Entries, hublog.Entry{Seq: uint64(*seq), Device: *dev, DevSeq: uint64(*devSeq), Op: op, Audience: audience, At: time.Unix(0, *at).UTC()})
	}
	if err := rows.Err(); err != nil {
		return hublog.Page{}, fmt.Errorf("pglog: read: %w", err)
	}
	switch {
	case full || len(p.Entries) == limit:
		p.Next = p.Entries[len(p.Entries)-1].Seq
	case p.Head > since:
		p.Next = p.Head // looked at everything up to the head
	default:
		p.Next = since
	}
	return p, nil
}

// Lookup finds the entry a device numbered devSeq.
func (l *Log) Lookup(ctx context.Context, device string, devSeq uint64) (hublog.Entry, bool, error) {
	if l.isClosed() {
		return hublog.Entry{}, false, hublog.ErrClosed
	}
	if devSeq > 1<<63-1 {
		return hublog.Entry{}, false, nil
	}
	e := hublog.Entry{Device: device, DevSeq: devSeq}
	var seq, at int64
	err := l.pool.QueryRow(ctx, `SELECT hub_seq, op, audience, at_ns FROM hublog_entries
		WHERE log_id = $1 AND device = $2 AND dev_seq = $3`, l.id, device, int64(devSeq)).Scan(&seq, &e.Op, &e.Audience, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return hublog.Entry{}, false, nil
	}
	if err != nil {
		return hublog.Entry{}, false, fmt.Errorf("pglog: lookup: %w", err)
	}
	if len(e.Audience) == 0 {
		e.Audience = nil
	}
	e.Seq, e.At = uint64(seq), time.Unix(0, at).UTC()
	return e, true, nil
}

// parsePayload reads "<log>:<head>".
func parsePayload(s string) (log int64, head uint64, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			l, err1 := strconv.ParseInt(s[:i], 10, 64)
			h, err2 := strconv.ParseUint(s[i+1:], 10, 64)
			return l, h, err1 == nil && err2 == nil
		}
	}
	return 0, 0, false
}
