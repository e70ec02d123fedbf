package blob_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
	"github.com/ecabinet/ecabinet/store/blob/chunkstoretest"
)

// TestDirContract: the chunk directory keeps the ChunkStore contract that
// the S3 store keeps too (store/blob/s3chunks).
func TestDirContract(t *testing.T) {
	chunkstoretest.Run(t, chunkstoretest.Harness{
		Open: func(t *testing.T) blob.ChunkStore {
			d, err := blob.OpenDir(filepath.Join(t.TempDir(), "chunks"))
			if err != nil {
				t.Fatal(err)
			}
			return d
		},
		// Without the key a Dir can tell a file cut short, not a changed
		// byte: the device's key opens each chunk and catches that.
		Damage: func(t *testing.T, s blob.ChunkStore, id papers.ChunkID) {
			h := id.String()
			if err := os.Truncate(filepath.Join(s.(*blob.Dir).Root(), "chunks", h[:2], h), 10); err != nil {
				t.Fatal(err)
			}
		},
	})
}
