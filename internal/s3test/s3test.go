// Package s3test gives a test package a real S3-compatible server
// (versitygw with its posix backend) and each test its own empty bucket.
//
// When ECABINET_TEST_S3 holds an endpoint URL (scripts/test-servers.sh
// exports one for `make test`, with ECABINET_TEST_S3_ACCESS and
// ECABINET_TEST_S3_SECRET), that server is used. Otherwise the first test
// that needs one starts versitygw itself (ECABINET_VERSITYGW, else
// versitygw in $(go env GOPATH)/bin or on PATH; scripts/test-servers.sh
// install builds it from the module proxy) on 127.0.0.1 and a free port,
// over a temporary directory: a child of the test binary that dies with
// it, stopped by Main after the tests. A server that cannot be started
// fails every test that needs it; only ECABINET_TEST_S3=off, set by hand,
// skips them.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ecabinet/ecabinet/internal/testproc"
)

// The variables scripts/test-servers.sh exports.
const (
	EnvEndpoint = "ECABINET_TEST_S3"        // http://127.0.0.1:port, or "off"
	EnvAccess   = "ECABINET_TEST_S3_ACCESS" // the root access key
	EnvSecret   = "ECABINET_TEST_S3_SECRET" // and its secret
	EnvBinary   = "ECABINET_VERSITYGW"      // where versitygw is, if not in GOPATH/bin or PATH
)

// Region is the region versitygw answers for (its default).
const Region = "us-east-1"

// Server is an S3 endpoint and the root credentials to it.
type Server struct {
	Endpoint       string
	Access, Secret string
	proc           *testproc.Proc
	dir            string
}

// shared is the server the package's tests use, started on first use.
var shared = &testproc.Shared[*Server]{What: "S3", Env: EnvEndpoint, Pkg: "s3test", Start: Start}

// Main runs the package's tests and stops the server if one was started:
// call it from TestMain as os.Exit(s3test.Main(m)). The server is started
// by the first test that asks for it (Shared), so benchmarks, examples and
// fuzzing workers that need none do not start one.
func Main(m *testing.M) int { return shared.Main(m) }

// Around is Main around another package's Main, for a test package that
// needs more than one server: os.Exit(s3test.Around(func() int { return
// other.Main(m) })).
func Around(run func() int) int { return shared.Around(run) }

// Shared returns the server, starting it on first use, and fails t if
// there is none (skips it only when the variable says off).
func Shared(t testing.TB) *Server {
	t.Helper()
	return shared.Get(t)
}

// Client returns an S3 client for the server with path-style addressing
// and checksums only where required (what S3-compatible stores expect).
func (s *Server) Client() *s3.Client {
	return s3.New(s3.Options{
		BaseEndpoint:               aws.String(s.Endpoint),
		Region:                     Region,
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.Access, s.Secret, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
}

// NewBucket creates an empty bucket for t, emptied and removed when t ends,
// and returns its name.
func NewBucket(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	var b [6]byte
	rand.Read(b[:]) //nolint:errcheck // never fails
	name := "t-" + hex.EncodeToString(b[:])
	c := s.Client()
	ctx := context.Background()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	t.Cleanup(func() {
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: aws.String(name)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Errorf("list bucket %s: %v", name, err)
				return
			}
			for _, o := range page.Contents {
				if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(name), Key: o.Key}); err != nil {
					t.Errorf("empty bucket %s: %v", name, err)
				}
			}
		}
		if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(name)}); err != nil {
			t.Errorf("delete bucket %s: %v", name, err)
		}
	})
	return name
}

// Start uses the server ECABINET_TEST_S3 names, checking that it answers,
// or starts versitygw.
func Start() (*Server, error) {
	ep, off := testproc.Setting(EnvEndpoint)
	if off {
		return nil, testproc.ErrOff
	}
	if ep != "" {
		s := &Server{Endpoint: ep, Access: os.Getenv(EnvAccess), Secret: os.Getenv(EnvSecret)}
		if s.Access == "" || s.Secret == "" {
			return nil, fmt.Errorf("%s is set but %s or %s is not", EnvEndpoint, EnvAccess, EnvSecret)
		}
		if err := s.ping(); err != nil {
			return nil, fmt.Errorf("%s=%s does not answer: %w", EnvEndpoint, ep, err)
		}
		return s, nil
	}
	return startGateway()
}

// ping lists the buckets: it answers only when the server is up and the
// credentials are good.
func (s *Server) ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := s.Client().ListBuckets(ctx, &s3.ListBucketsInput{})
	return err
}

// Binary finds versitygw.
func Binary() (string, error) {
	if p := os.Getenv(EnvBinary); p != "" {
		return p, nil
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		first := strings.SplitN(strings.TrimSpace(string(out)), string(os.PathListSeparator), 2)[0]
		p := filepath.Join(first, "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	return "", errors.New("versitygw not found (not in $(go env GOPATH)/bin nor on PATH): run `bash scripts/test-servers.sh install` (or `make deps`), or set " + EnvBinary)
}

func startGateway() (s *Server, err error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "ecab-s3-")
	if err != nil {
		return nil, err
	}
	var key [12]byte
	rand.Read(key[:]) //nolint:errcheck // never fails
	s = &Server{Access: "ecab" + hex.EncodeToString(key[:4]), Secret: hex.EncodeToString(key[4:]), dir: dir}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o700); err != nil {
		return nil, err
	}
	port, err := testproc.FreePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	s.Endpoint = "http://" + addr
	logPath := filepath.Join(dir, "log")
	s.proc, err = testproc.Start(bin, logPath, "",
		"--access", s.Access, "--secret", s.Secret, "--port", addr, "--health", "/health", "--quiet",
		"posix", root)
	if err != nil {
		return nil, err
	}
	health := func() error {
		resp, err := http.Get(s.Endpoint + "/health")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /health: %s", resp.Status)
		}
		return s.ping()
	}
	if err := s.proc.WaitReady(logPath, 30*time.Second, health); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops a gateway Start started and removes its directory; a server
// it only found is left alone.
func (s *Server) Close() {
	if s.proc != nil {
		s.proc.Stop(syscall.SIGTERM, 10*time.Second)
	}
	if s.dir != "" && strings.Contains(s.dir, "ecab-s3-") {
		os.RemoveAll(s.dir)
	}
}
