// Package pgtest gives a test package a real, throwaway PostgreSQL server
// and each test its own empty database in it.
//
// When ECABINET_TEST_PG holds a connection string (scripts/test-servers.sh
// exports one for `make test`, so the packages share one cluster), that
// server is used. Otherwise the first test that needs one starts a cluster
// of its own, as SCALE.md §1.2 describes: initdb and postgres from Debian's
// /usr/lib/postgresql/<version>/bin (or ECABINET_PG_BINDIR), a temporary
// directory, 127.0.0.1 on a free port, fsync off, run as the `postgres`
// user when the test runs as root (initdb refuses root). The postmaster is
// a child of the test binary that dies with it; Main stops it after the
// tests and removes the directory, so nothing is left running.
//
// A server that cannot be started or reached fails every test that needs
// it: a skipped check is a defect. Only ECABINET_TEST_PG=off, set by hand,
// skips them.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ecabinet/ecabinet/internal/testproc"
)

// EnvDSN names the variable holding a running server's connection string
// (to any database; tests create their own), or "off".
const EnvDSN = "ECABINET_TEST_PG"

// EnvBinDir names the variable that overrides where initdb and postgres are.
const EnvBinDir = "ECABINET_PG_BINDIR"

// superuser is the role the throwaway cluster is made with.
const superuser = "ecab"

// Server is a PostgreSQL server the tests may create databases in.
type Server struct {
	// DSN connects to its maintenance database as a superuser.
	DSN  string
	proc *testproc.Proc
	dir  string
}

// shared is the server the package's tests use, started on first use.
var shared = &testproc.Shared[*Server]{What: "PostgreSQL", Env: EnvDSN, Pkg: "pgtest", Start: Start}

// Main runs the package's tests and stops the server if one was started:
// call it from TestMain as os.Exit(pgtest.Main(m)). The server is started
// by the first test that asks for it (Shared), so benchmarks, examples and
// fuzzing workers that need none do not start one.
func Main(m *testing.M) int { return shared.Main(m) }

// Around is Main around another package's Main, for a test package that
// needs more than one server: os.Exit(pgtest.Around(func() int { return
// other.Main(m) })).
func Around(run func() int) int { return shared.Around(run) }

// Shared returns the server, starting it on first use, and fails t if
// there is none (skips it only when the variable says off).
func Shared(t testing.TB) *Server {
	t.Helper()
	return shared.Get(t)
}

// NewDatabase creates an empty database for t, dropped when t ends, and
// returns its connection string.
func NewDatabase(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	var b [6]byte
	rand.Read(b[:]) //nolint:errcheck // never fails
	name := "t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if err := s.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := s.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	dsn, err := WithDatabase(s.DSN, name)
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// WithDatabase returns dsn with its database replaced.
func WithDatabase(dsn, db string) (string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return "", fmt.Errorf("pgtest: parse %s: %w", EnvDSN, err)
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, db), nil
}

func (s *Server) exec(ctx context.Context, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.DSN)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, sql)
	return err
}

// Start uses the server ECABINET_TEST_PG names, checking that it answers,
// or starts a throwaway cluster.
func Start() (*Server, error) {
	dsn, off := testproc.Setting(EnvDSN)
	if off {
		return nil, testproc.ErrOff
	}
	if dsn != "" {
		s := &Server{DSN: dsn}
		if err := ping(dsn); err != nil {
			return nil, fmt.Errorf("%s=%s does not answer: %w", EnvDSN, dsn, err)
		}
		return s, nil
	}
	return StartCluster(false)
}

func ping(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	return c.Ping(ctx)
}

// BinDir finds the directory of initdb and postgres: ECABINET_PG_BINDIR,
// else Debian's newest /usr/lib/postgresql/N/bin, else PATH.
func BinDir() (string, error) {
	if d := os.Getenv(EnvBinDir); d != "" {
		return d, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	if len(dirs) > 0 {
		return filepath.Dir(dirs[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb, none on PATH): run `bash scripts/test-servers.sh install` (or `make deps`), or set " + EnvBinDir)
}

// pgVersion is N of /usr/lib/postgresql/N/bin/initdb.
func pgVersion(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// StartCluster starts a throwaway cluster whatever ECABINET_TEST_PG says.
// Durable keeps PostgreSQL's defaults (fsync, synchronous commit) for
// benchmarks that compare it with a store that syncs; otherwise they are
// off, as tests want. Close stops it.
func StartCluster(durable bool) (s *Server, err error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	// Not t.TempDir: its parent is 0700 and root's, so postgres could not
	// reach a directory inside it.
	dir, err := os.MkdirTemp("", "ecab-pg-")
	if err != nil {
		return nil, err
	}
	s = &Server{dir: dir}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	asUser := ""
	if os.Geteuid() == 0 {
		asUser = "postgres"
		uid, gid, err := testproc.Lookup(asUser)
		if err != nil {
			return nil, err
		}
		if err := os.Chown(dir, int(uid), int(gid)); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	data, logPath := filepath.Join(dir, "data"), filepath.Join(dir, "log")
	if err := testproc.Run(filepath.Join(bin, "initdb"), logPath, asUser,
		"-D", data, "-U", superuser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		return nil, err
	}
	port, err := testproc.FreePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-D", data, "-p", strconv.Itoa(port), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "shared_buffers=32MB", "-c", "max_connections=200"}
	if !durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	s.proc, err = testproc.Start(filepath.Join(bin, "postgres"), logPath, asUser, args...)
	if err != nil {
		return nil, err
	}
	s.DSN = fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", superuser, port)
	if err := s.proc.WaitReady(logPath, time.Minute, func() error { return ping(s.DSN) }); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops a cluster Start started (fast shutdown, then kill) and
// removes its directory; a server it only found is left alone.
func (s *Server) Close() {
	if s.proc != nil {
		s.proc.Stop(syscall.SIGINT, 10*time.Second)
	}
	if s.dir != "" && strings.Contains(s.dir, "ecab-pg-") {
		os.RemoveAll(s.dir)
	}
}
