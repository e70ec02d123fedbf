package s3test

import (
	"bytes"
	"context"
	"io"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestNewBucket: a test's bucket starts empty, keeps what is put in it, and
// is gone after the test.
func TestNewBucket(t *testing.T) {
	ctx := context.Background()
	c := Shared(t).Client()
	var name string
	t.Run("inner", func(t *testing.T) {
		name = NewBucket(t)
		out, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(name)})
		if err != nil || len(out.Contents) != 0 {
			t.Fatalf("new bucket lists %d objects (%v), want 0", len(out.Contents), err)
		}
		want := []byte("chunk")
		if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(name), Key: aws.String("k"), Body: bytes.NewReader(want)}); err != nil {
			t.Fatal(err)
		}
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(name), Key: aws.String("k")})
		if err != nil {
			t.Fatal(err)
		}
		defer got.Body.Close()
		if b, _ := io.ReadAll(got.Body); !bytes.Equal(b, want) {
			t.Errorf("got %q, want %q", b, want)
		}
	})
	if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(name)}); err == nil {
		t.Errorf("bucket %q still exists after its test", name)
	}
}
