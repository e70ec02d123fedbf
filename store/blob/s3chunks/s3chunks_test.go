package s3chunks

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/ecabinet/ecabinet/internal/s3test"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
	"github.com/ecabinet/ecabinet/store/blob/chunkstoretest"
)

func TestMain(m *testing.M) { os.Exit(s3test.Main(m)) }

func config(t *testing.T, bucket string) Config {
	srv := s3test.Shared(t)
	return Config{Endpoint: srv.Endpoint, Region: s3test.Region, Bucket: bucket, Prefix: "org1/", AccessKey: srv.Access, SecretKey: srv.Secret}
}

func open(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), config(t, s3test.NewBucket(t)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// raw reads an object as stored, metadata included.
func raw(t *testing.T, s *Store, id papers.ChunkID) ([]byte, map[string]string) {
	t.Helper()
	out, err := s.c.GetObject(context.Background(), &s3.GetObjectInput{Bucket: s.bucket, Key: aws.String(s.Key(id))})
	if err != nil {
		t.Fatal(err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b, out.Metadata
}

func putRaw(t *testing.T, s *Store, id papers.ChunkID, b []byte, meta map[string]string) {
	t.Helper()
	if _, err := s.c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: s.bucket, Key: aws.String(s.Key(id)), Body: bytes.NewReader(b), Metadata: meta}); err != nil {
		t.Fatal(err)
	}
}

// TestContract: the S3 store keeps the ChunkStore contract against a real
// S3 server (versitygw), the same tests the Dir passes.
func TestContract(t *testing.T) {
	chunkstoretest.Run(t, chunkstoretest.Harness{
		Open: func(t *testing.T) blob.ChunkStore { return open(t) },
		// One byte changed, length and recorded hash kept: only the hash
		// check on Get can tell.
		Damage: func(t *testing.T, bs blob.ChunkStore, id papers.ChunkID) {
			s := bs.(*Store)
			b, meta := raw(t, s, id)
			b[len(b)/2] ^= 0x01
			putRaw(t, s, id, b, meta)
		},
	})
}

// TestLayout: objects sit under the prefix with the Dir's sharding and
// carry their hash, so an operator can find and check them with S3 tools.
func TestLayout(t *testing.T) {
	s := open(t)
	c := chunkstoretest.Chunks(t, 9, 40<<10)[0]
	if err := s.Put(context.Background(), c.ID, c.CT); err != nil {
		t.Fatal(err)
	}
	out, err := s.c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: s.bucket})
	if err != nil {
		t.Fatal(err)
	}
	h := c.ID.String()
	if len(out.Contents) != 1 || *out.Contents[0].Key != "org1/chunks/"+h[:2]+"/"+h {
		t.Fatalf("bucket holds %d objects, first %v; want one org1/chunks/%s/%s", len(out.Contents), out.Contents, h[:2], h)
	}
	if _, meta := raw(t, s, c.ID); len(meta[hashMeta]) != 64 {
		t.Errorf("metadata %v, want a hex SHA-256 under %q", meta, hashMeta)
	}
}

// TestForeignObjects: an object another tool wrote (no recorded hash), or
// one cut short with its hash kept, is corrupt, not served.
func TestForeignObjects(t *testing.T) {
	s := open(t)
	cs := chunkstoretest.Chunks(t, 10, 100<<10)
	putRaw(t, s, cs[0].ID, cs[0].CT, nil)
	if err := s.Put(context.Background(), cs[1].ID, cs[1].CT); err != nil {
		t.Fatal(err)
	}
	_, meta := raw(t, s, cs[1].ID)
	putRaw(t, s, cs[1].ID, cs[1].CT[:len(cs[1].CT)-1], meta)
	for _, c := range cs[:2] {
		if _, err := s.Get(context.Background(), c.ID); !errors.Is(err, blob.ErrChunkCorrupt) {
			t.Errorf("Get = %v, want ErrChunkCorrupt", err)
		}
	}
}

// TestUnavailable: every way of not reaching the bucket is ErrUnavailable
// naming the bucket and endpoint, never ErrChunkMissing.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	good := config(t, s3test.NewBucket(t))

	t.Run("open", func(t *testing.T) {
		closed := good
		closed.Endpoint = "http://127.0.0.1:1"
		noBucket := good
		noBucket.Bucket = "no-such-bucket-here"
		badSecret := good
		badSecret.SecretKey = "wrong"
		tests := []struct {
			name string
			cfg  Config
			want string
		}{
			{"nothing listens", closed, "127.0.0.1:1"},
			{"no such bucket", noBucket, `bucket "no-such-bucket-here" does not exist`},
			{"wrong secret", badSecret, "403"},
		}
		for _, tt := range tests {
			_, err := Open(ctx, tt.cfg)
			if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: Open = %v; want ErrUnavailable mentioning %q", tt.name, err, tt.want)
			}
		}
		for _, cfg := range []Config{{Bucket: "b", AccessKey: "a", SecretKey: "s"}, {Endpoint: "http://x", AccessKey: "a", SecretKey: "s"}, {Endpoint: "http://x", Bucket: "b"}} {
			if _, err := Open(ctx, cfg); err == nil {
				t.Errorf("Open(%+v) accepted an incomplete configuration", cfg)
			}
		}
	})

	t.Run("server goes away", func(t *testing.T) {
		target, err := url.Parse(good.Endpoint)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
		viaProxy := good
		viaProxy.Endpoint = proxy.URL
		s, err := Open(ctx, viaProxy)
		if err != nil {
			proxy.Close()
			t.Fatal(err)
		}
		cs := chunkstoretest.Chunks(t, 11, 40<<10)
		if err := s.Put(ctx, cs[0].ID, cs[0].CT); err != nil {
			t.Fatal(err)
		}
		proxy.Close()
		check := func(what string, err error) {
			if !errors.Is(err, ErrUnavailable) || errors.Is(err, blob.ErrChunkMissing) || !strings.Contains(err.Error(), good.Bucket) {
				t.Errorf("%s with the server gone = %v; want ErrUnavailable naming the bucket, not missing", what, err)
			}
		}
		_, err = s.Get(ctx, cs[0].ID)
		check("Get", err)
		_, err = s.Has(ctx, cs[0].ID)
		check("Has", err)
		check("Put", s.Put(ctx, cs[1].ID, cs[1].CT))
		check("Delete", s.Delete(ctx, cs[0].ID))
	})
}
