// Package s3chunks keeps the hub's encrypted paper chunks (a
// blob.ChunkStore) in an S3-compatible bucket, so that several hub
// processes share them and the operator's object store holds and backs up
// the bytes. It keeps the same contract as the local blob.Dir
// (store/blob/chunkstoretest): it never sees a key, stores and returns
// ciphertext as given.
//
// Objects are named <prefix>chunks/<first two hex digits>/<chunk ID in hex>
// (the Dir's layout). Each carries the SHA-256 of its bytes as user
// metadata (x-amz-meta-sha256), recomputed on every Get: a bucket is a
// third party across a network, so a changed, cut or foreign object is
// reported as blob.ErrChunkCorrupt at the hub rather than served. Put
// overwrites: S3 writes are atomic (a reader sees the old object or the
// new one, whole), two ciphertexts of one chunk are both sound, and
// overwriting repairs a damaged copy, as the Dir's Put does.
//
// Every failure to reach the bucket (network, credentials, a missing
// bucket, a 5xx) is an error matching ErrUnavailable, naming the endpoint
// and bucket; only a missing object is blob.ErrChunkMissing, so that an
// outage is never told to a device as "that chunk does not exist".
//
// Client: aws-sdk-go-v2's S3 client with path-style addressing and
// checksums only where the API requires them (SCALE.md §3: S3-compatible
// stores reject the SDK's default CRC32 trailers).
//
// Files:
//
//	s3chunks.go  Config, Open, Store: Has, Get, Put, Delete
//	url.go       ParseURL: s3://bucket/prefix?endpoint=… (no keys in it)
package s3chunks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// Config says where the bucket is and how to sign requests to it.
type Config struct {
	// Endpoint is the S3 server's URL, e.g. https://s3.gov.example:9000.
	Endpoint string
	// Region is the signing region; "" means us-east-1, which most
	// S3-compatible servers accept.
	Region string
	// Bucket must exist (the operator creates it).
	Bucket string
	// Prefix is put before every object name, e.g. "org1/"; "" is none.
	Prefix string
	// AccessKey and SecretKey sign the requests.
	AccessKey, SecretKey string
	// HTTPClient, when set, carries the requests (custom TLS roots).
	HTTPClient *http.Client
}

// ErrUnavailable: the bucket could not be reached or refused the request
// (network, credentials, no such bucket, server error). The hub answers
// with a retryable error; nothing is lost.
var ErrUnavailable = errors.New("s3chunks: object store unavailable")

// hashMeta is the user-metadata key of an object's SHA-256.
const hashMeta = "sha256"

// Store is a blob.ChunkStore in an S3 bucket.
type Store struct {
	c      *s3.Client
	cfg    Config
	bucket *string
}

var _ blob.ChunkStore = (*Store)(nil)

// Open checks the configuration, connects and checks that the bucket is
// there and answers to these credentials (HeadBucket): a hub refuses to
// start on a store it cannot use.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	switch {
	case cfg.Endpoint == "":
		return nil, errors.New("s3chunks: no endpoint")
	case cfg.Bucket == "":
		return nil, errors.New("s3chunks: no bucket")
	case cfg.AccessKey == "" || cfg.SecretKey == "":
		return nil, errors.New("s3chunks: no access key or secret key")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	opts := s3.Options{
		BaseEndpoint:               aws.String(cfg.Endpoint),
		Region:                     cfg.Region,
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider(cfg.AccessKey, cfg.SecretKey, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	}
	if cfg.HTTPClient != nil {
		opts.HTTPClient = cfg.HTTPClient
	}
	s := &Store{c: s3.New(opts), cfg: cfg, bucket: aws.String(cfg.Bucket)}
	if _, err := s.c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: s.bucket}); err != nil {
		if status(err) == http.StatusNotFound {
			return nil, fmt.Errorf("%w: bucket %q does not exist at %s", ErrUnavailable, cfg.Bucket, cfg.Endpoint)
		}
		return nil, s.unavailable("open", err)
	}
	return s, nil
}

// String names the store for logs.
func (s *Store) String() string {
	return fmt.Sprintf("s3chunks(%s/%s/%s)", s.cfg.Endpoint, s.cfg.Bucket, s.cfg.Prefix)
}

// Key is the object name of chunk id.
func (s *Store) Key(id papers.ChunkID) string {
	h := id.String()
	return s.cfg.Prefix + "chunks/" + h[:2] + "/" + h
}

// status is the HTTP status of a failed request, 0 when there was no
// response (network, context).
func status(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func (s *Store) unavailable(what string, err error) error {
	return fmt.Errorf("%w: %s: bucket %q at %s: %w", ErrUnavailable, what, s.cfg.Bucket, s.cfg.Endpoint, err)
}

// Has reports whether chunk id is stored.
func (s *Store) Has(ctx context.Context, id papers.ChunkID) (bool, error) {
	_, err := s.c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: s.bucket, Key: aws.String(s.Key(id))})
	switch {
	case err == nil:
		return true, nil
	case status(err) == http.StatusNotFound:
		return false, nil
	default:
		return false, s.unavailable("has chunk "+id.String(), err)
	}
}

// Get returns chunk id's ciphertext after checking it against its recorded
// hash and its form: blob.ErrChunkMissing when there is none,
// blob.ErrChunkCorrupt when it does not match.
func (s *Store) Get(ctx context.Context, id papers.ChunkID) ([]byte, error) {
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: s.bucket, Key: aws.String(s.Key(id))})
	if status(err) == http.StatusNotFound {
		return nil, &blob.ChunkError{ID: id, Kind: blob.ErrChunkMissing, Cause: err}
	}
	if err != nil {
		return nil, s.unavailable("get chunk "+id.String(), err)
	}
	defer out.Body.Close()
	if out.ContentLength != nil && *out.ContentLength > blob.MaxCiphertext {
		return nil, corrupt(id, "object of %d bytes, longer than any chunk", *out.ContentLength)
	}
	ct, err := io.ReadAll(io.LimitReader(out.Body, blob.MaxCiphertext+1))
	if err != nil {
		return nil, s.unavailable("read chunk "+id.String(), err)
	}
	if len(ct) > blob.MaxCiphertext {
		return nil, corrupt(id, "object longer than any chunk")
	}
	want, ok := out.Metadata[hashMeta]
	if !ok {
		return nil, corrupt(id, "object has no recorded hash (not written by a hub)")
	}
	if got := sha256.Sum256(ct); hex.EncodeToString(got[:]) != strings.ToLower(want) {
		return nil, corrupt(id, "object's bytes do not match its recorded hash")
	}
	if err := blob.CheckCiphertext(id, ct); err != nil {
		return nil, err
	}
	return ct, nil
}

func corrupt(id papers.ChunkID, format string, args ...any) error {
	return &blob.ChunkError{ID: id, Kind: blob.ErrChunkCorrupt, Cause: fmt.Errorf(format, args...)}
}

// Put stores ciphertext under id with its hash, after checking its form;
// it is stored when Put returns.
func (s *Store) Put(ctx context.Context, id papers.ChunkID, ciphertext []byte) error {
	if err := blob.CheckCiphertext(id, ciphertext); err != nil {
		return err
	}
	sum := sha256.Sum256(ciphertext)
	_, err := s.c.PutObject(ctx, &s3.PutObjectInput{
		Bucket:        s.bucket,
		Key:           aws.String(s.Key(id)),
		Body:          bytes.NewReader(ciphertext),
		ContentLength: aws.Int64(int64(len(ciphertext))),
		ContentType:   aws.String("application/octet-stream"),
		Metadata:      map[string]string{hashMeta: hex.EncodeToString(sum[:])},
	})
	if err != nil {
		return s.unavailable("put chunk "+id.String(), err)
	}
	return nil
}

// Delete removes chunk id; an absent chunk is not an error.
func (s *Store) Delete(ctx context.Context, id papers.ChunkID) error {
	_, err := s.c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: s.bucket, Key: aws.String(s.Key(id))})
	if err != nil && status(err) != http.StatusNotFound {
		return s.unavailable("delete chunk "+id.String(), err)
	}
	return nil
}

// Ping checks that the bucket is there and answers to these credentials
// (HeadBucket), for a hub's readiness: a missing bucket is an error here,
// where Has would only answer "no such chunk".
func (s *Store) Ping(ctx context.Context) error {
	if _, err := s.c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: s.bucket}); err != nil {
		if status(err) == http.StatusNotFound {
			return fmt.Errorf("%w: bucket %q does not exist at %s", ErrUnavailable, s.cfg.Bucket, s.cfg.Endpoint)
		}
		return s.unavailable("ping", err)
	}
	return nil
}
