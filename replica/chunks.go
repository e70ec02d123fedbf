package replica

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// The hub's chunk endpoints. A paper's bytes never pass through the op
// log: the secretary's device uploads the encrypted chunks of a version
// before it pushes the op that names them (the hub refuses an op whose
// chunks it lacks), and members' devices download them in the background.
//
// The hub cannot check a chunk against its ID (the ID is a keyed hash under
// the paper's lineage key, which the hub never has): what it checks is what
// the construction allows it to, that the uploading device signed an op
// naming that chunk with that length, that the ciphertext has exactly the
// length that plaintext length gives, and its format byte. Every device
// that downloads the chunk opens and checks it before writing it
// (blob.Store.PutChunk), so a bad chunk can deny a paper, never forge one.
//
// A download is answered only for a device whose member may see the paper
// (papers.CanSee on the hub's record) and for a chunk one of its versions
// names; anything else, a recalled paper included, gets the very answer a
// chunk that does not exist gets.

// Paths of the chunk endpoints.
const (
	// PathChunkOffer: POST a ChunkOfferRequest, get the chunks to upload.
	PathChunkOffer = "/v1/chunks/offer"
	// PathChunks: PUT /v1/chunks/{chunk} uploads one offered chunk's
	// ciphertext; GET /v1/chunks/{paper}/{chunk} downloads one (Range
	// requests are honoured).
	PathChunks = "/v1/chunks/"
)

// ChunkOfferRequest carries the signed paper.add or paper.version op whose
// chunks the device is about to upload.
type ChunkOfferRequest struct {
	Version int    `cbor:"1,keyasint"`
	Op      []byte `cbor:"2,keyasint"`
}

// ChunkOfferResponse lists the offered chunks the hub does not hold yet.
type ChunkOfferResponse struct {
	Version int              `cbor:"1,keyasint"`
	Missing []papers.ChunkID `cbor:"2,keyasint"`
}

func (r *ChunkOfferRequest) version() int { return r.Version }

// maxOffered bounds what one device may have offered and not yet uploaded.
const maxOffered = 4 * papers.MaxChunks

// openChunks opens the hub's chunk store in its data directory and tells
// its replica to accept a paper op only when every chunk is there.
func (h *Hub) openChunks() error {
	d, err := blob.OpenDir(filepath.Join(h.p.Dir(), "chunks"))
	if err != nil {
		return err
	}
	h.chunks = d
	h.p.SetHubChunks(func(id papers.ChunkID) (bool, error) { return d.Has(context.Background(), id) })
	return nil
}

// UseChunkStore replaces the hub's chunk store (object storage, later);
// before Serve.
func (h *Hub) UseChunkStore(cs blob.ChunkStore) {
	h.chunks = cs
	h.p.SetHubChunks(func(id papers.ChunkID) (bool, error) { return cs.Has(context.Background(), id) })
}

// notFound is the one answer to a chunk that does not exist and to a chunk
// the device may not have: nothing tells them apart.
func (h *Hub) notFound(w http.ResponseWriter) {
	h.fail(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such chunk"})
}

func (h *Hub) chunkOffer(w http.ResponseWriter, r *http.Request, dev string) {
	var req ChunkOfferRequest
	if e := readBody(w, r, MaxBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	bad := func(msg string) {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: msg})
	}
	s, op, err := ops.Decode(req.Op)
	if err != nil {
		bad("malformed operation")
		return
	}
	pub, ok := h.p.DeviceKey(dev)
	if op.Device != dev || !ok || s.Verify(pub, op) != nil {
		h.fail(w, &Error{Status: http.StatusForbidden, Code: CodeUnauthorized, Message: "a device offers chunks only for an operation it signed"})
		return
	}
	member, err := h.p.DeviceMember(dev)
	if err != nil || member.ID != op.Member || !ops.BySecretariat.Allows(member) {
		h.fail(w, &Error{Status: http.StatusForbidden, Code: CodeUnauthorized, Message: "only the secretariat adds papers"})
		return
	}
	_, m, ok := core.PaperOpManifest(op)
	if !ok {
		bad("the operation adds no paper version")
		return
	}
	if err := m.Validate(); err != nil {
		bad("invalid manifest: " + err.Error())
		return
	}
	if m.Size > h.p.PaperLimit() {
		h.fail(w, &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
			Message: fmt.Sprintf("a paper may be at most %d MB on this hub", h.p.PaperLimit()>>20)})
		return
	}
	var missing []papers.ChunkID
	for _, id := range papers.IDs(m) {
		has, err := h.chunks.Has(r.Context(), id)
		if err != nil {
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not read its chunk store; try again"})
			return
		}
		if !has {
			missing = append(missing, id)
		}
	}
	// Offers are kept with the hub's state (in memory on one machine, in
	// PostgreSQL for a scaled-out hub, so that the upload may reach another
	// process); after a restart of a single hub the device offers again.
	sizes := make(map[string]int64, len(m.Chunks))
	for _, c := range m.Chunks {
		sizes[c.ID.String()] = int64(c.Len) + blob.Overhead
	}
	if err := h.st.Offer(r.Context(), dev, sizes, maxOffered); errors.Is(err, hubstate.ErrTooManyOffers) {
		h.fail(w, &Error{Status: http.StatusTooManyRequests, Code: CodeRateLimited, Message: err.Error()})
		return
	} else if err != nil {
		h.log.Error("chunk offer failed", "device", dev, "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not record the offer; try again"})
		return
	}
	h.reply(w, ChunkOfferResponse{Version: Version, Missing: missing})
}

func (h *Hub) chunkPut(w http.ResponseWriter, r *http.Request, dev string) {
	id, err := papers.ParseChunkID(r.PathValue("chunk"))
	if err != nil {
		h.notFound(w)
		return
	}
	want, ok, err := h.st.Offered(r.Context(), dev, id.String())
	if err != nil {
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not read the offer; try again"})
		return
	}
	if !ok {
		h.fail(w, &Error{Status: http.StatusForbidden, Code: CodeUnauthorized, Message: "offer the operation that names this chunk first"})
		return
	}
	if r.ContentLength >= 0 && r.ContentLength != want {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: fmt.Sprintf("the chunk is %d bytes, want %d", r.ContentLength, want)})
		return
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, want))
	if err != nil || int64(len(b)) != want || b[0] != 0x01 {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: "the chunk's ciphertext is not what its operation names"})
		return
	}
	has, err := h.chunks.Has(r.Context(), id)
	if err == nil && !has {
		err = h.chunks.Put(r.Context(), id, b)
	}
	if err != nil {
		h.log.Error("chunk upload failed", "device", dev, "err", err)
		h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not store the chunk; try again"})
		return
	}
	if err := h.st.Uploaded(r.Context(), dev, id.String()); err != nil {
		// The chunk is stored; a stale offer only lets the device upload
		// it again.
		h.log.Warn("forgetting a chunk offer failed", "device", dev, "err", err)
	}
	h.m.chunkIn.Add(float64(len(b)))
	w.WriteHeader(http.StatusNoContent)
}

func (h *Hub) chunkGet(w http.ResponseWriter, r *http.Request, dev string) {
	paperID := r.PathValue("paper")
	id, err := papers.ParseChunkID(r.PathValue("chunk"))
	if err != nil {
		h.notFound(w)
		return
	}
	member, err := h.p.DeviceMember(dev)
	if err != nil {
		h.notFound(w)
		return
	}
	pp, err := h.p.Paper(paperID)
	if (err != nil || !names(pp, id)) && h.catchUp != nil {
		// A paper pushed through another process of a scaled-out hub a
		// moment ago: this cache learns of it by catching up.
		if h.catchUp(r.Context()) == nil {
			pp, err = h.p.Paper(paperID)
		}
	}
	if err != nil || pp.Recalled || !h.p.MemberMaySee(member.ID, paperID) || !names(pp, id) {
		h.notFound(w)
		return
	}
	var body io.ReadSeeker
	var size int64
	if o, ok := h.chunks.(blob.ChunkOpener); ok {
		// Streamed from the file as TLS takes it: no chunk-sized buffer
		// per request, and the first bytes leave before the last are read.
		f, n, err := o.OpenChunk(r.Context(), id)
		if err != nil {
			h.notFound(w) // a paper whose upload never finished: as if it did not exist
			return
		}
		defer f.Close()
		body, size = f, n
	} else {
		b, err := h.chunks.Get(r.Context(), id)
		if err != nil {
			h.notFound(w)
			return
		}
		body, size = bytes.NewReader(b), int64(len(b))
	}
	// Logged before the bytes go out, so a hub killed mid-transfer has
	// logged every chunk it began to send.
	h.log.Debug("chunk served", "device", dev, "paper", paperID, "chunk", id.String(), "bytes", size)
	w.Header().Set("Content-Type", "application/octet-stream")
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, "", time.Time{}, body)
	h.m.chunkOut.Add(float64(cw.n))
}

// countingWriter counts the body bytes written (the chunk bytes out
// metric: a Range request sends part of a chunk).
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

// names reports whether one of the paper's versions names chunk id.
func names(pp papers.Paper, id papers.ChunkID) bool {
	for _, v := range pp.Versions {
		if slices.ContainsFunc(v.Manifest.Chunks, func(c papers.ChunkRef) bool { return c.ID == id }) {
			return true
		}
	}
	return false
}

// --- the device's side ---

// ErrChunkNotFound: the hub has no such chunk for this device (it does not
// exist, the paper was recalled, or this member is not on its list).
var ErrChunkNotFound = &meetings.Error{Code: "err.paper.chunk_not_found"}

// uploadPapers uploads, before a push, the chunks of every paper version
// the pushed ops add that the hub does not hold yet.
func (c *Client) uploadPapers(ctx context.Context, items []core.OutboxItem) error {
	bs, err := c.p.Blobs()
	if err != nil {
		return err
	}
	for _, it := range items {
		_, op, err := ops.Decode(it.Op)
		if err != nil || (op.Kind != ops.KindPaperAdd && op.Kind != ops.KindPaperVersion) {
			continue
		}
		var resp ChunkOfferResponse
		if err := call(ctx, c.http, c.link.URL, PathChunkOffer, ChunkOfferRequest{Version: Version, Op: it.Op}, &resp); err != nil {
			return err
		}
		for _, id := range resp.Missing {
			ct, err := bs.Chunks().Get(ctx, id)
			if err != nil {
				return fmt.Errorf("read chunk %s to upload: %w", id, err)
			}
			if err := c.putChunk(ctx, id, ct); err != nil {
				return err
			}
			c.uploaded.Add(1)
		}
	}
	return nil
}

func (c *Client) putChunk(ctx context.Context, id papers.ChunkID, ct []byte) error {
	r, err := http.NewRequestWithContext(ctx, http.MethodPut, c.link.URL+PathChunks+id.String(), bytes.NewReader(ct))
	if err != nil {
		return err
	}
	r.Header.Set("Content-Type", "application/octet-stream")
	res, err := c.http.Do(r)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusNoContent {
		return hubError(res)
	}
	return nil
}

// hubError reads the hub's error reply.
func hubError(res *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	var e ErrorResponse
	if codec.Unmarshal(b, &e) != nil {
		return &Error{Status: res.StatusCode, Code: CodeInternal, Message: fmt.Sprintf("hub answered %s", res.Status)}
	}
	return &Error{Status: res.StatusCode, Code: e.Code, Message: e.Message}
}

// FetchChunk downloads one chunk of a paper's ciphertext (at most
// blob.MaxCiphertext bytes). A chunk the hub does not serve this device is
// ErrChunkNotFound, whatever the reason.
func (c *Client) FetchChunk(ctx context.Context, paperID string, id papers.ChunkID) ([]byte, error) {
	return c.fetchChunk(ctx, paperID, id, nil)
}

// fetchChunk is FetchChunk reading into buf's storage when it is large
// enough: the downloader's streams each reuse one buffer, read in one
// pass of the announced length, never grown and copied.
func (c *Client) fetchChunk(ctx context.Context, paperID string, id papers.ChunkID, buf []byte) ([]byte, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, c.link.URL+PathChunks+paperID+"/"+id.String(), nil)
	if err != nil {
		return nil, err
	}
	res, err := c.http.Do(r)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound:
		return nil, ErrChunkNotFound
	default:
		return nil, hubError(res)
	}
	tooLarge := &Error{Code: CodeMalformed, Message: "hub sent a chunk larger than any chunk"}
	if res.ContentLength > blob.MaxCiphertext {
		return nil, tooLarge
	}
	if res.ContentLength >= 0 {
		n := int(res.ContentLength)
		if cap(buf) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(res.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, blob.MaxCiphertext+1))
	if err != nil {
		return nil, err
	}
	if len(b) > blob.MaxCiphertext {
		return nil, tooLarge
	}
	return b, nil
}

// ChunkAnswer requests one chunk as FetchChunk does and returns the hub's
// answer as it came, its status and its body (at most 64 KiB of it):
// for the tests and diagnostics that check that a chunk refused to this
// device is answered byte for byte as one that does not exist.
func (c *Client) ChunkAnswer(ctx context.Context, paperID, chunk string) (int, []byte, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, c.link.URL+PathChunks+paperID+"/"+chunk, nil)
	if err != nil {
		return 0, nil, err
	}
	res, err := c.http.Do(r)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, b, err
}
