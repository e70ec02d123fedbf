package replica

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/fxamacker/cbor/v2"
)

// messages lists a zero value of every protocol message a hub or device
// decodes from the other side.
func messages() []any {
	return []any{&PushRequest{}, &PushResponse{}, &PullRequest{}, &PullResponse{}, &SnapshotRequest{},
		&SnapshotResponse{}, &EnrollRequest{}, &EnrollResponse{}, &ErrorResponse{}, &AdminRequest{}, &AdminResponse{}, &ChunkOfferRequest{}, &ChunkOfferResponse{}}
}

func seedMessages(f *testing.F) {
	for _, m := range []any{
		PushRequest{Version: 1, Ops: [][]byte{{0xa1, 0x01, 0x02}}},
		PushResponse{Version: 1, Verdicts: []core.Verdict{{DevSeq: 1, HubSeq: 2}, {DevSeq: 2, Code: "err.stale", Snapshot: &core.Snapshot{Entity: "meeting/x", HubSeq: 3}}}},
		PullRequest{Version: 1, Since: 10, Limit: 500},
		PullResponse{Version: 1, Entries: []core.Pulled{{HubSeq: 11, Op: []byte{1}}}, Next: 11, Head: 12},
		SnapshotRequest{Version: 1, Entity: "ballot/abc"},
		EnrollRequest{Version: 1, Invite: "aaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbb", PubKey: make([]byte, 32)},
		ErrorResponse{Version: 1, Code: CodeVersion, Message: "update"},
		AdminRequest{Cmd: "invite", Member: "m", TTL: time.Minute},
		ChunkOfferRequest{Version: 1, Op: []byte{0xa1, 0x01, 0x02}},
		ChunkOfferResponse{Version: 1, Missing: []papers.ChunkID{{1}, {2}}},
	} {
		b, _ := codec.Marshal(m)
		for i := range messages() {
			f.Add(byte(i), b)
		}
	}
}

// FuzzDecodeMessages: no protocol message decoder panics on any input, and
// whatever decodes re-encodes to the same canonical bytes after a second
// round trip. Bytes, not reflect.DeepEqual, because the canonical encoding is
// what is signed and stored: a time decoded from an epoch number comes back
// from its RFC 3339 text with another *time.Location, and an empty byte
// string with another slice header, yet both encode identically.
func FuzzDecodeMessages(f *testing.F) {
	seedMessages(f)
	f.Fuzz(func(t *testing.T, which byte, data []byte) {
		ms := messages()
		v := ms[int(which)%len(ms)]
		if codec.Unmarshal(data, v) != nil {
			return
		}
		again, err := codec.Marshal(v)
		var unsupported *cbor.UnsupportedValueError
		if errors.As(err, &unsupported) && strings.Contains(err.Error(), "year outside of range") {
			// The decoder takes any epoch number as a time; the RFC 3339
			// encoder only years 0-9999. Refused on re-encoding, never
			// silently changed (codec's own fuzz test pins this).
			return
		}
		if err != nil {
			t.Fatalf("decoded %T does not re-encode: %v", v, err)
		}
		w := reflect.New(reflect.TypeOf(v).Elem()).Interface()
		if err := codec.Unmarshal(again, w); err != nil {
			t.Fatalf("re-encoded %T does not decode: %v", v, err)
		}
		twice, err := codec.Marshal(w)
		if err != nil {
			t.Fatalf("%T does not encode a second time: %v", w, err)
		}
		if !bytes.Equal(again, twice) {
			t.Fatalf("%T changed in a round trip:\nfirst  %x\nsecond %x", v, again, twice)
		}
	})
}

// FuzzHubEndpoints posts arbitrary bodies to every endpoint of a real hub
// (without TLS, so device endpoints must refuse for want of a certificate
// and enrollment must refuse the invite): never a panic, never a 5xx, always
// a decodable error reply, and nothing enrolled.
func FuzzHubEndpoints(f *testing.F) {
	dir := filepath.Join(f.TempDir(), "hub")
	p, _, err := InitHub(dir, []byte("fuzz hub passphrase"), "Fuzz", "Thư ký", nil, 0)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { p.Close() })
	h, err := NewHub(p, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	handler := h.Handler()
	paths := []string{PathEnroll, PathPush, PathPull, PathSnapshot, PathChunkOffer}
	seedMessages(f)
	f.Fuzz(func(t *testing.T, which byte, body []byte) {
		path := paths[int(which)%len(paths)]
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
		if rec.Code == http.StatusOK || rec.Code >= 500 {
			t.Fatalf("%s answered %d to %x", path, rec.Code, body)
		}
		var e ErrorResponse
		if err := codec.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" {
			t.Fatalf("%s: undecodable error reply %q: %v", path, rec.Body.Bytes(), err)
		}
	})
	devs, _ := Devices(p)
	if len(devs) != 0 {
		f.Fatalf("fuzzing enrolled %d devices", len(devs))
	}
}
