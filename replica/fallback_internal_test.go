package replica

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/papers"
)

// TestFetchChunks_GivenAHubThatAnswersNoBatch_ThenChunkByChunk: a hub of
// before batch requests answers their path as an unknown route; the
// device then asks for each chunk alone, hands on a chunk the hub does
// not serve as ErrChunkNotFound, and asks that hub for no batch again.
// The stand-in is a real TLS server on loopback speaking the older
// protocol: the single GET only.
func TestFetchChunks_GivenAHubThatAnswersNoBatch_ThenChunkByChunk(t *testing.T) {
	served := map[string][]byte{"p1/" + papers.ChunkID{1}.String(): bytes.Repeat([]byte{1}, 3000), "p1/" + papers.ChunkID{2}.String(): []byte("second")}
	var batches, gets int
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == PathChunkBatch {
			batches++
			http.NotFound(w, r) // the mux's answer to a route it lacks
			return
		}
		gets++
		b, ok := served[strings.TrimPrefix(r.URL.Path, PathChunks)]
		if r.Method != http.MethodGet || !ok {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Write(b)
	}))
	defer srv.Close()
	c := &Client{link: hubLink{URL: srv.URL}, http: srv.Client(), stream: srv.Client()}
	want := []ChunkWant{{"p1", papers.ChunkID{1}}, {"p1", papers.ChunkID{9}}, {"p1", papers.ChunkID{2}}}
	for round := range 2 {
		var got []string
		_, err := c.fetchChunks(context.Background(), want, nil, func(i int, ct []byte, err error) error {
			switch {
			case errors.Is(err, ErrChunkNotFound):
				got = append(got, "absent")
			case err != nil:
				t.Fatalf("chunk %d: %v", i, err)
			default:
				got = append(got, string(ct))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if w := []string{string(served["p1/"+papers.ChunkID{1}.String()]), "absent", "second"}; strings.Join(got, "|") != strings.Join(w, "|") {
			t.Fatalf("round %d handed on %q", round, got)
		}
	}
	if batches != 1 || gets != 6 || !c.noBatch.Load() {
		t.Fatalf("%d batch requests, %d single ones; want one batch, then every chunk alone in both rounds", batches, gets)
	}
}
