package papers_test

import (
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// t0 is a fixed moment the tests measure time from.
var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// code returns the Code of a *meetings.Error, or "" for nil.
func code(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *meetings.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *meetings.Error", err)
	}
	return e.Code
}

// manifest returns a valid manifest of n chunks: n-1 of 1 MiB and a last
// one of 1000 bytes, with IDs derived from seed.
func manifest(seed byte, n int) papers.Manifest {
	m := papers.Manifest{Chunker: papers.ChunkerFastCDC, Params: papers.DefaultChunkerParams}
	for i := range n {
		l := 1 << 20
		if i == n-1 {
			l = 1000
		}
		m.Chunks = append(m.Chunks, papers.ChunkRef{ID: sha256.Sum256([]byte{seed, byte(i), byte(i >> 8)}), Len: l})
		m.Size += int64(l)
	}
	m.SHA256 = sha256.Sum256([]byte{seed})
	return m
}

// version returns a valid PDF version numbered n.
func version(n int) papers.Version {
	return papers.Version{
		Number:    n,
		FileName:  "Dự thảo Nghị định.pdf",
		MediaType: papers.MediaTypePDF,
		Pages:     12,
		Manifest:  manifest(byte(n), 3),
		AddedBy:   "sec1",
		AddedAt:   t0.Add(time.Duration(n) * time.Hour),
	}
}

// paper returns a valid paper on agenda item i1 of meeting m1, for the
// meeting's participants, with one version.
func paper() papers.Paper {
	return papers.Paper{
		ID:            "p1",
		Title:         "Dự thảo Nghị định về quản lý văn bản điện tử",
		Owner:         papers.Owner{MeetingID: "m1", AgendaItemID: "i1"},
		Marking:       papers.MarkingNormal,
		ExportAllowed: true,
		Versions:      []papers.Version{version(1)},
		Lineage:       papers.LineageKey{1, 2, 3},
	}
}
