package blob_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// The secretary's device imports a paper: its bytes become encrypted
// chunks and a manifest (what the create operation carries). A member's
// device fetches the chunks it is missing from the hub, each verified
// before it is written, and reads the paper without writing it out.
func Example() {
	dir, _ := os.MkdirTemp("", "blob-example")
	defer os.RemoveAll(dir)
	secretary, _ := blob.OpenStore(filepath.Join(dir, "secretary"), blob.Options{})
	member, _ := blob.OpenStore(filepath.Join(dir, "member"), blob.Options{})

	key, _ := papers.NewLineageKey()
	file := make([]byte, 8<<20) // a scanned annex: incompressible
	rand.NewChaCha8([32]byte{7}).Read(file)
	m, err := secretary.Put(key, bytes.NewReader(file))
	// Cut points depend on the key, so the count varies a little by paper.
	fmt.Println("imported:", m.Size, "bytes,", len(m.Chunks) >= 2, err)

	missing, _ := member.Missing(m)
	for _, c := range missing { // what the downloader does, through the hub
		ct, _ := secretary.Chunks().Get(context.Background(), c.ID)
		if err := member.PutChunk(key, c.ID, ct); err != nil {
			fmt.Println(err)
		}
	}
	r, _ := member.Open(key, m)
	defer r.Close()
	got, err := io.ReadAll(r)
	fmt.Println("read back:", bytes.Equal(got, file), err, "whole file verified:", r.Verified())
	// Output:
	// imported: 8388608 bytes, true <nil>
	// read back: true <nil> whole file verified: true
}
