package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/store"
	"github.com/ecabinet/ecabinet/store/blob/s3chunks"
)

// The scaled-out hub's commands (--store postgres://…, --chunks s3://…):
// the hub's log and state in PostgreSQL, its chunks in a bucket, several
// `hub serve` processes behind one address (README, "Deployment").
//
// Credentials never go on the command line in a URL: the bucket's keys
// come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the config file
// (s3chunks.ParseURL refuses a URL that carries them); the database's
// password from PGPASSWORD, ~/.pgpass or the config file.

// storeTimeout bounds reaching the database for a command (not for serve's
// life).
const storeTimeout = 30 * time.Second

// checkDSN refuses what is not a PostgreSQL URL before connecting, so that
// a typo is told as one and not as an unreachable server.
func checkDSN(dsn string) error {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return failf("cli.err.store_dsn", "dsn", redactDSN(dsn), "err", "want postgres://USER@HOST:PORT/DATABASE")
	}
	if _, err := pgxpool.ParseConfig(dsn); err != nil {
		return failf("cli.err.store_dsn", "dsn", redactDSN(dsn), "err", unwrapAll(err))
	}
	return nil
}

// redactDSN hides a password given in a URL, for messages.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return dsn
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return dsn
	}
	return scheme + "://" + user + ":***" + rest[at:]
}

// unwrapAll is an error's innermost message (pgx wraps its own in long
// chains naming the DSN, password included).
func unwrapAll(err error) string {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			break
		}
		err = u
	}
	// pgx joins one line per connection attempt (sslmode=prefer tries
	// TLS, then plain), which for a refused port is the same line twice:
	// one message says it once.
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(lines, l) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "; ")
}

// applyPGPassword gives the config file's database password to the
// driver as PGPASSWORD would, unless the environment has one.
func applyPGPassword(c hubConfig) {
	if p := c["pg-password"]; p != "" && os.Getenv("PGPASSWORD") == "" {
		os.Setenv("PGPASSWORD", p)
	}
}

// storeError explains a failure to reach or use the database.
func storeError(dsn string, err error) error {
	switch {
	case errors.Is(err, pglog.ErrSchema):
		return failf("cli.err.store_schema", "dsn", redactDSN(dsn), "err", err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return failf("cli.err.store_unreachable", "dsn", redactDSN(dsn), "err", "timed out")
	}
	return failf("cli.err.store_unreachable", "dsn", redactDSN(dsn), "err", unwrapAll(err))
}

// openStore connects to the scaled-out hub's database (its schema at the
// version this build needs).
func (r *runner) openStore(ctx context.Context, dsn string) (*pglog.Log, error) {
	if err := checkDSN(dsn); err != nil {
		return nil, err
	}
	cctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	l, err := pglog.Open(cctx, dsn, pglog.Options{})
	if err != nil {
		return nil, storeError(dsn, err)
	}
	return l, nil
}

// unlockStore opens the hub's shared state with the passphrase.
func (r *runner) unlockStore(ctx context.Context, l *pglog.Log, dsn string) (*hubstate.Postgres, []byte, error) {
	pass, err := r.passphrase()
	if err != nil {
		return nil, nil, err
	}
	master, err := hubstate.UnlockSecret(ctx, l, pass)
	switch {
	case errors.Is(err, hubstate.ErrNoHub):
		return nil, nil, failf("cli.err.store_no_hub", "dsn", redactDSN(dsn))
	case errors.Is(err, store.ErrWrongPassphrase), errors.Is(err, store.ErrCorruptKeyfile):
		return nil, nil, err
	case err != nil:
		return nil, nil, storeError(dsn, err)
	}
	st, err := hubstate.OnPostgres(l, master)
	if err != nil {
		return nil, nil, err
	}
	return st, master, nil
}

// openChunks opens the bucket a --chunks URL names, with the keys from
// the environment or the config file.
func openChunks(ctx context.Context, url string, c hubConfig) (*s3chunks.Store, error) {
	cfg, err := s3chunks.ParseURL(url)
	if err != nil {
		return nil, failf("cli.err.chunks_url", "url", url, "err", strings.TrimPrefix(err.Error(), "s3chunks: "))
	}
	cfg.AccessKey, cfg.SecretKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if v := c["s3-access-key"]; v != "" {
		cfg.AccessKey = v
	}
	if v := c["s3-secret-key"]; v != "" {
		cfg.SecretKey = v
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, failf("cli.err.chunks_keys")
	}
	cctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	s, err := s3chunks.Open(cctx, cfg)
	if err != nil {
		return nil, failf("cli.err.chunks_unavailable", "url", cfg.URL(), "err", strings.TrimPrefix(err.Error(), "s3chunks: "))
	}
	return s, nil
}

// sharedAdmin runs an admin command (invite, revoke, devices) against a
// scaled-out hub, with the shared state, so that what it writes every
// process reads, on a cache of the shared log (the running processes hold
// their own): the one at cache, kept between commands and caught up with
// what is new, or, without it, a throwaway one rebuilt from the whole log
// (a year's log takes about half a minute).
func (r *runner) sharedAdmin(dsn, cache string, req replica.AdminRequest) (replica.AdminResponse, error) {
	ctx := context.Background()
	l, err := r.openStore(ctx, dsn)
	if err != nil {
		return replica.AdminResponse{}, err
	}
	defer l.Close()
	st, master, err := r.unlockStore(ctx, l, dsn)
	if err != nil {
		return replica.AdminResponse{}, err
	}
	if cache == "" {
		tmp, err := os.MkdirTemp("", "ecabinet-hub-admin-")
		if err != nil {
			return replica.AdminResponse{}, err
		}
		defer os.RemoveAll(tmp)
		cache = filepath.Join(tmp, "cache")
	}
	p, err := replica.OpenCache(cache, master, st)
	if err != nil {
		return replica.AdminResponse{}, err
	}
	defer p.Close()
	if err := p.ShareLog(ctx, l); err != nil {
		return replica.AdminResponse{}, storeError(dsn, err)
	}
	return replica.AdminIn(st, p, req)
}

// hub migrate --store postgres://…
func defineHubMigrate(fs *flag.FlagSet) action {
	dsn := fs.String("store", "", "")
	return func(r *runner) error {
		if err := required(fs, "store"); err != nil {
			return err
		}
		if err := checkDSN(*dsn); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
		defer cancel()
		from, to, err := pglog.Migrate(ctx, *dsn)
		if err != nil {
			return storeError(*dsn, err)
		}
		return r.emit(map[string]any{"from": from, "to": to}, func(w io.Writer) {
			if from == to {
				fmt.Fprintln(w, r.T("cli.out.hub_migrate_current", map[string]any{"version": to}))
				return
			}
			fmt.Fprintln(w, r.T("cli.out.hub_migrate", map[string]any{"from": from, "to": to}))
		})
	}
}

// hub export --data DIR --to postgres://… --chunks s3://…
func defineHubExport(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	to := fs.String("to", "", "")
	chunks := fs.String("chunks", "", "")
	config := fs.String("config", "", "")
	return func(r *runner) error {
		if err := required(fs, "data", "to", "chunks"); err != nil {
			return err
		}
		cfg := hubConfig{}
		if *config != "" {
			var err error
			if cfg, err = readHubConfig(*config); err != nil {
				return err
			}
			applyPGPassword(cfg)
		}
		if err := checkDSN(*to); err != nil {
			return err
		}
		p, err := r.openHub(*data)
		if err != nil {
			return err
		}
		r.p = p
		ctx := context.Background()
		cs, err := openChunks(ctx, *chunks, cfg)
		if err != nil {
			return err
		}
		mctx, cancel := context.WithTimeout(ctx, storeTimeout)
		defer cancel()
		if _, _, err := pglog.Migrate(mctx, *to); err != nil {
			return storeError(*to, err)
		}
		l, err := r.openStore(ctx, *to)
		if err != nil {
			return err
		}
		defer l.Close()
		pass, err := r.passphrase()
		if err != nil {
			return err
		}
		last := time.Time{}
		progress := func(what string, done, total int) {
			// A line every few seconds and at the end of each stage: enough
			// to see it move, not a flood.
			if done < total && time.Since(last) < 2*time.Second {
				return
			}
			last = time.Now()
			fmt.Fprintln(r.stderr, r.T("cli.out.hub_export_progress", map[string]any{"what": r.T("cli.label.export_" + what), "done": done, "total": total}))
		}
		rep, err := replica.ExportHub(ctx, p, l, cs, pass, progress)
		if err != nil {
			if errors.Is(err, replica.ErrTargetNotEmpty) {
				return failf("cli.err.hub_export_not_empty", "dsn", redactDSN(*to))
			}
			if errors.Is(err, replica.ErrExportCheck) {
				return failf("cli.err.hub_export_check", "err", err.Error())
			}
			return err
		}
		return r.emit(rep, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.hub_export", map[string]any{"dir": *data}))
			table(w, [][]string{
				{"  " + r.T("cli.label.log_head"), fmt.Sprint(rep.Entries)},
				{"  " + r.T("cli.label.signatures_verified"), fmt.Sprint(rep.Signatures)},
				{"  " + r.T("cli.label.audit_entries"), fmt.Sprint(rep.Audit)},
				{"  " + r.T("cli.label.export_chunks"), fmt.Sprintf("%d (%s)", rep.Chunks, humanBytes(rep.ChunkBytes))},
			})
			fmt.Fprintln(w, r.T("cli.out.hub_export_next"))
		})
	}
}

// initShared is `hub init --store`: the schema, then the hub.
func (r *runner) initShared(dsn, chunks, org, secretary string, hosts []string, ttl time.Duration) error {
	if err := checkDSN(dsn); err != nil {
		return err
	}
	ctx := context.Background()
	if chunks != "" {
		// Checked now, so that the operator learns of a wrong bucket or
		// keys before the first paper, not at it.
		if _, err := openChunks(ctx, chunks, hubConfig{}); err != nil {
			return err
		}
	}
	mctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	if _, _, err := pglog.Migrate(mctx, dsn); err != nil {
		return storeError(dsn, err)
	}
	l, err := r.openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer l.Close()
	pass, err := r.newPassphrase(envPass, "cli.prompt.new_hub_passphrase")
	if err != nil {
		return err
	}
	res, err := replica.InitSharedHub(ctx, l, pass, org, secretary, hosts, ttl)
	if errors.Is(err, replica.ErrTargetNotEmpty) {
		return failf("cli.err.hub_export_not_empty", "dsn", redactDSN(dsn))
	}
	if err != nil {
		return err
	}
	return r.emit(res, func(w io.Writer) {
		fmt.Fprintln(w, r.T("cli.out.hub_init", map[string]any{"org": res.Org, "dir": redactDSN(dsn)}))
		table(w, [][]string{
			{"  " + r.T("cli.label.hub_fingerprint"), res.Fingerprint},
			{"  " + r.T("cli.label.invite"), res.Invite},
			{"  " + r.T("cli.label.expires"), r.when(res.Expires)},
		})
		fmt.Fprintln(w, r.T("cli.out.hub_init_next_shared"))
	})
}

// serveShared is `hub serve --store`: one process of a scaled-out hub.
func (r *runner) serveShared(ctx context.Context, dsn, chunks, cache string, cfg hubConfig, log *slog.Logger) (*replica.Hub, func(), error) {
	if cache == "" {
		return nil, nil, usagef("cli.usage.missing_flag", "flag", "--cache")
	}
	if chunks == "" {
		return nil, nil, usagef("cli.usage.missing_flag", "flag", "--chunks")
	}
	applyPGPassword(cfg)
	if err := checkDSN(dsn); err != nil {
		return nil, nil, err
	}
	cs, err := openChunks(ctx, chunks, cfg)
	if err != nil {
		return nil, nil, err
	}
	l, err := r.openStore(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	st, master, err := r.unlockStore(ctx, l, dsn)
	if err != nil {
		l.Close()
		return nil, nil, err
	}
	p, err := replica.OpenCache(cache, master, st)
	if err != nil {
		l.Close()
		return nil, nil, err
	}
	r.p = p
	h, err := replica.NewSharedHub(ctx, p, replica.Shared{Log: l, State: st, Chunks: cs}, log)
	if err != nil {
		l.Close()
		return nil, nil, storeError(dsn, err)
	}
	return h, func() { l.Close() }, nil
}
