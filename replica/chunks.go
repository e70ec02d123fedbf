package replica

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
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
	// PathChunkBatch: POST a ChunkBatchRequest, get the chunks it names in
	// its order, one frame each (readChunkFrame), in one response.
	PathChunkBatch = "/v1/chunks/batch"
)

// ChunkBatchRequest asks for several chunks at once, so that a download
// stream never idles through a round trip between two chunks: the hub
// sends one after the other while the device checks and writes those
// already received.
type ChunkBatchRequest struct {
	Version int         `cbor:"1,keyasint"`
	Chunks  []ChunkWant `cbor:"2,keyasint"`
}

// ChunkWant names one chunk of a paper.
type ChunkWant struct {
	Paper string         `cbor:"1,keyasint"`
	Chunk papers.ChunkID `cbor:"2,keyasint"`
}

func (r *ChunkBatchRequest) version() int { return r.Version }

// MaxBatchChunks bounds the chunks one batch request names (about 1 MiB
// each with the default chunker).
const MaxBatchChunks = 64

// A batch response is a frame per chunk asked for, in the request's order:
// a kind byte and the big-endian length of what follows. frameAbsent
// (length 0) is the one answer to a chunk that does not exist and to one
// the device may not have, as the single-chunk GET's 404 is.
const (
	frameAbsent  = 0x00
	frameChunk   = 0x01
	frameHeader  = 5
	framePieceSz = 256 << 10 // what the hub reads and writes at a time
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

// chunkGate decides, for one request of one device, which chunks it may be
// served: those a version of a paper names whose list holds the device's
// member (and whose meeting or ballot the member sees), the paper not
// recalled. It looks each paper up once per request.
type chunkGate struct {
	h        *Hub
	member   string // "" when the device has no member: nothing is served
	caughtUp bool
	seen     map[string]*gatePaper
}

type gatePaper struct {
	ok     bool // the member may have this paper's chunks
	chunks map[papers.ChunkID]bool
}

func (h *Hub) chunkGate(dev string) *chunkGate {
	g := &chunkGate{h: h, seen: map[string]*gatePaper{}}
	if m, err := h.p.DeviceMember(dev); err == nil {
		g.member = m.ID
	}
	return g
}

func (g *chunkGate) lookup(paperID string) *gatePaper {
	pp, err := g.h.p.Paper(paperID)
	gp := &gatePaper{ok: err == nil && !pp.Recalled && g.h.p.MemberMaySee(g.member, paperID)}
	if gp.ok {
		gp.chunks = map[papers.ChunkID]bool{}
		for _, v := range pp.Versions {
			for _, c := range v.Manifest.Chunks {
				gp.chunks[c.ID] = true
			}
		}
	}
	g.seen[paperID] = gp
	return gp
}

// allows reports whether chunk id of paper paperID may be served.
func (g *chunkGate) allows(ctx context.Context, paperID string, id papers.ChunkID) bool {
	if g.member == "" {
		return false
	}
	gp, ok := g.seen[paperID]
	if !ok {
		gp = g.lookup(paperID)
	}
	if (!gp.ok || !gp.chunks[id]) && g.h.catchUp != nil && !g.caughtUp {
		// A paper pushed through another process of a scaled-out hub a
		// moment ago: this cache learns of it by catching up, once per
		// request.
		g.caughtUp = true
		if g.h.catchUp(ctx) == nil {
			clear(g.seen)
			gp = g.lookup(paperID)
		}
	}
	return gp.ok && gp.chunks[id]
}

// openChunk opens a chunk of the hub's store to send it, with its length:
// streamed from its file as TLS takes it where the store offers that
// (blob.ChunkOpener: no chunk-sized buffer per request, and the first
// bytes leave before the last are read), read whole otherwise.
func (h *Hub) openChunk(ctx context.Context, id papers.ChunkID) (io.ReadSeekCloser, int64, error) {
	if o, ok := h.chunks.(blob.ChunkOpener); ok {
		return o.OpenChunk(ctx, id)
	}
	b, err := h.chunks.Get(ctx, id)
	if err != nil {
		return nil, 0, err
	}
	return nopCloser{bytes.NewReader(b)}, int64(len(b)), nil
}

// nopCloser is a chunk read whole, closed by forgetting it.
type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func (h *Hub) chunkGet(w http.ResponseWriter, r *http.Request, dev string) {
	paperID := r.PathValue("paper")
	id, err := papers.ParseChunkID(r.PathValue("chunk"))
	if err != nil || !h.chunkGate(dev).allows(r.Context(), paperID, id) {
		h.notFound(w)
		return
	}
	body, size, err := h.openChunk(r.Context(), id)
	if err != nil {
		h.notFound(w) // a paper whose upload never finished: as if it did not exist
		return
	}
	defer body.Close()
	// Logged before the bytes go out, so a hub killed mid-transfer has
	// logged every chunk it began to send.
	h.log.Debug("chunk served", "device", dev, "paper", paperID, "chunk", id.String(), "bytes", size)
	w.Header().Set("Content-Type", "application/octet-stream")
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, "", time.Time{}, body)
	h.m.chunkOut.Add(float64(cw.n))
}

// chunkBatch answers a ChunkBatchRequest: a frame per chunk, in order,
// each chunk read from the store and sent as it is read. Each chunk gets
// the write timeout of a whole response, so a long batch on a slow link is
// not cut for its length, only for a stall. A store failure mid-way ends
// the response early (the device sees a cut connection, keeps what it
// received and asks again); it never turns into an absent frame, which
// would tell the device the chunk is gone.
func (h *Hub) chunkBatch(w http.ResponseWriter, r *http.Request, dev string) {
	var req ChunkBatchRequest
	if e := readBody(w, r, MaxBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	if len(req.Chunks) == 0 || len(req.Chunks) > MaxBatchChunks {
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: fmt.Sprintf("a batch names 1 to %d chunks", MaxBatchChunks)})
		return
	}
	g := h.chunkGate(dev)
	rc := http.NewResponseController(w)
	// The request is read: the server's read deadline, meant for it,
	// must not cut the response.
	_ = rc.SetReadDeadline(time.Time{})
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	buf := framePool.Get().(*[]byte)
	defer framePool.Put(buf)
	var out int64
	defer func() { h.m.chunkOut.Add(float64(out)) }()
	for _, c := range req.Chunks {
		if h.Limits.WriteTimeout > 0 {
			_ = rc.SetWriteDeadline(time.Now().Add(h.Limits.WriteTimeout))
		}
		n, err := h.writeChunkFrame(r.Context(), w, *buf, g, dev, c)
		out += n
		if err != nil {
			if !errors.Is(err, errClientGone) {
				h.log.Error("chunk batch cut", "device", dev, "err", err)
			}
			return
		}
	}
}

// framePool holds the hub's batch buffers, one per batch being served.
var framePool = sync.Pool{New: func() any { b := make([]byte, frameHeader+framePieceSz); return &b }}

// errClientGone: writing to the device failed (it went away).
var errClientGone = errors.New("the device stopped reading")

// writeChunkFrame writes one frame of a batch and returns the chunk bytes
// it wrote.
func (h *Hub) writeChunkFrame(ctx context.Context, w http.ResponseWriter, buf []byte, g *chunkGate, dev string, c ChunkWant) (int64, error) {
	absent := func() (int64, error) {
		clear(buf[:frameHeader])
		if _, err := w.Write(buf[:frameHeader]); err != nil {
			return 0, errClientGone
		}
		return 0, nil
	}
	if !g.allows(ctx, c.Paper, c.Chunk) {
		return absent()
	}
	body, size, err := h.openChunk(ctx, c.Chunk)
	if errors.Is(err, blob.ErrChunkMissing) || errors.Is(err, blob.ErrChunkCorrupt) {
		return absent() // as the single GET answers it
	}
	if err != nil {
		return 0, err
	}
	defer body.Close()
	// Logged before the bytes go out, as the single GET logs it.
	h.log.Debug("chunk served", "device", dev, "paper", c.Paper, "chunk", c.Chunk.String(), "bytes", size)
	buf[0] = frameChunk
	binary.BigEndian.PutUint32(buf[1:frameHeader], uint32(size))
	// The header goes with the first piece: one write, so no TLS record
	// of five bytes.
	head := frameHeader
	var sent int64
	for sent < size {
		k, err := io.ReadFull(body, buf[head:head+int(min(size-sent, framePieceSz))])
		if err != nil {
			return sent, fmt.Errorf("read chunk %s: %w", c.Chunk, err)
		}
		if _, err := w.Write(buf[:head+k]); err != nil {
			return sent, errClientGone
		}
		sent += int64(k)
		head = 0
	}
	return sent, nil
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

// --- the device's side ---

// ErrChunkNotFound: the hub has no such chunk for this device (it does not
// exist, the paper was recalled, or this member is not on its list).
var ErrChunkNotFound = &meetings.Error{Code: "err.paper.chunk_not_found"}

// uploadPapers uploads, before a push, the chunks of every paper version
// the pushed ops add that the hub does not hold yet. When the hub answers
// that it cannot take them now (its chunk store is down, the paper is over
// its limit), the error is an *UploadHeldError: the hub is there, and the
// rest of the round (the pull) can go on.
func (c *Client) uploadPapers(ctx context.Context, items []core.OutboxItem) error {
	bs, err := c.p.Blobs()
	if err != nil {
		return err
	}
	for _, it := range items {
		id, ok := core.PaperOfOp(it.Op)
		if !ok {
			continue
		}
		var resp ChunkOfferResponse
		err := call(ctx, c.http, c.link.URL, PathChunkOffer, ChunkOfferRequest{Version: Version, Op: it.Op}, &resp)
		if err == nil {
			err = c.uploadChunks(ctx, bs.Chunks(), resp.Missing)
		}
		var herr *Error
		if errors.As(err, &herr) && ctx.Err() == nil {
			title := id
			if pp, perr := c.p.Paper(id); perr == nil {
				title = pp.Title
			}
			return &UploadHeldError{Paper: title, Hub: herr}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// UploadHeldError says that a paper's chunks did not reach the hub
// because the hub answered that it cannot take them now. The op naming
// them, and the ops after it, wait on this computer for the next round;
// the ops before it were pushed.
type UploadHeldError struct {
	Paper string // the paper's title
	Hub   *Error // what the hub answered
}

func (e *UploadHeldError) Error() string {
	return fmt.Sprintf("paper %q not uploaded: %v", e.Paper, e.Hub)
}

func (e *UploadHeldError) Unwrap() error { return e.Hub }

// Domain is the error the screens translate: which paper waits, and
// whether it is over the hub's size limit (the hub's administrator must
// act) or the hub cannot store papers now (the next sync retries).
func (e *UploadHeldError) Domain() *meetings.Error {
	if e.Hub.Code == CodeTooLarge {
		return &meetings.Error{Code: "err.paper.upload_too_large", Args: map[string]any{"paper": e.Paper}}
	}
	return &meetings.Error{Code: "err.paper.upload_held", Args: map[string]any{"paper": e.Paper}}
}

// uploadChunks uploads chunks over defaultStreams connections at once:
// the hub makes each one durable before it answers (a sync of the file
// and one of its directory), and syncs that run side by side share the
// file system's journal commits, where one upload at a time waited for
// two commits per chunk. Every chunk is on the hub when it returns nil;
// otherwise it returns the failure that stopped it, after the uploads in
// flight end.
func (c *Client) uploadChunks(ctx context.Context, cs blob.ChunkStore, ids []papers.ChunkID) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan papers.ChunkID)
	errs := make(chan error, defaultStreams)
	for range min(defaultStreams, len(ids)) {
		go func() {
			var err error
			for id := range next {
				if err != nil {
					continue // drain
				}
				var ct []byte
				if ct, err = cs.Get(ctx, id); err != nil {
					err = fmt.Errorf("read chunk %s to upload: %w", id, err)
				} else if err = c.putChunk(ctx, id, ct); err == nil {
					c.uploaded.Add(1)
				}
				if err != nil {
					cancel()
				}
			}
			errs <- err
		}()
	}
feed:
	for _, id := range ids {
		select {
		case next <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	var first error
	for range min(defaultStreams, len(ids)) {
		// The failure that stopped the others, not their cancellation.
		if err := <-errs; err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	if first == nil {
		first = ctx.Err() // the caller's, when it was cancelled
	}
	return first
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
		buf = chunkBuffer(buf, int(res.ContentLength))
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

// chunkBuffer returns n bytes of buf's storage, or of a new buffer when buf
// is too small: aligned, so that the batch writes it straight to the disk
// (blob.ChunkBuffer), with room for the longest chunk of the default
// chunker, so that one buffer serves all of a stream's chunks.
func chunkBuffer(buf []byte, n int) []byte {
	if cap(buf) < n {
		buf = blob.ChunkBuffer(max(n, papers.DefaultChunkerParams.Max+blob.Overhead))
	}
	return buf[:n]
}

// errBatchUnsupported: the hub predates batch requests (it answers the
// batch path as an unknown route); the downloader asks chunk by chunk.
var errBatchUnsupported = errors.New("the hub does not answer batch requests")

// fetchBatch asks the hub for the chunks want names and hands each to got
// as it arrives, in order, read into buf's storage (one buffer serves the
// whole batch: got must be done with a chunk when it returns). A chunk the
// hub does not serve this device comes as ErrChunkNotFound, whatever the
// reason. It returns the first failure: a cut connection leaves the chunks
// handed on before it, and none after.
//
// The batch's request has no overall timeout (a batch of 64 MiB on a slow
// link may rightly take minutes): it fails when no frame has arrived for
// stall.
func (c *Client) fetchBatch(ctx context.Context, want []ChunkWant, buf []byte, got func(i int, ct []byte, err error) error) ([]byte, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stalled := time.AfterFunc(batchStall, func() { cancel(errBatchStalled) })
	defer stalled.Stop()
	res, err := c.postBatch(ctx, c.stream, want)
	if err != nil {
		return buf, stallCause(ctx, err)
	}
	defer res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		// Our hub never answers a batch so: it is an older one.
		return buf, errBatchUnsupported
	default:
		return buf, hubError(res)
	}
	for i := range want {
		var present bool
		present, buf, err = readChunkFrame(res.Body, buf)
		if err != nil {
			return buf, stallCause(ctx, err)
		}
		stalled.Reset(batchStall)
		var ferr error
		if !present {
			ferr = ErrChunkNotFound
		}
		if err := got(i, buf, ferr); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// postBatch sends a batch request for want through hc.
func (c *Client) postBatch(ctx context.Context, hc *http.Client, want []ChunkWant) (*http.Response, error) {
	body, err := codec.Marshal(ChunkBatchRequest{Version: Version, Chunks: want})
	if err != nil {
		return nil, err
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.link.URL+PathChunkBatch, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", ContentType)
	r.Header.Set(HeaderApp, appVersion())
	return hc.Do(r)
}

// fetchChunks hands on the chunks want names as fetchBatch does, in one
// batch, or chunk by chunk (fetchChunk) from a hub that answers no batch,
// which this client then remembers. Only the hub's or the network's
// failures and got's are returned: a chunk not served is handed on as
// ErrChunkNotFound.
func (c *Client) fetchChunks(ctx context.Context, want []ChunkWant, buf []byte, got func(i int, ct []byte, err error) error) ([]byte, error) {
	if !c.noBatch.Load() {
		var err error
		if buf, err = c.fetchBatch(ctx, want, buf, got); !errors.Is(err, errBatchUnsupported) {
			return buf, err
		}
		c.noBatch.Store(true)
	}
	for i, w := range want {
		ct, err := c.fetchChunk(ctx, w.Paper, w.Chunk, buf)
		if err == nil {
			buf = ct
		} else if !errors.Is(err, ErrChunkNotFound) {
			return buf, err
		}
		if err := got(i, ct, err); err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// batchStall is how long a batch may go without a frame arriving, as a
// single request may take as a whole (newHTTP).
const batchStall = 2 * time.Minute

var errBatchStalled = &Error{Code: CodeInternal, Message: "the hub stopped sending chunks"}

// stallCause names a stall as the reason a read failed.
func stallCause(ctx context.Context, err error) error {
	if c := context.Cause(ctx); errors.Is(c, errBatchStalled) {
		return c
	}
	return err
}

// readChunkFrame reads one frame of a batch response: present reports a
// chunk (its ciphertext in ct, read into buf's storage when it is large
// enough), or false for a chunk the hub does not serve. A frame that no
// hub of ours sends (an unknown kind, an absent chunk with a length, a
// chunk longer than any chunk) is an error, as is a frame cut short.
func readChunkFrame(r io.Reader, buf []byte) (present bool, ct []byte, err error) {
	var h [frameHeader]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // the batch names more chunks
		}
		return false, buf, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	switch {
	case h[0] == frameAbsent && n == 0:
		return false, buf, nil
	case h[0] != frameChunk || n == 0:
		return false, buf, &Error{Code: CodeMalformed, Message: fmt.Sprintf("hub sent a frame of kind %d and length %d", h[0], n)}
	case n > blob.MaxCiphertext:
		return false, buf, &Error{Code: CodeMalformed, Message: "hub sent a chunk larger than any chunk"}
	}
	buf = chunkBuffer(buf, int(n))
	if _, err := io.ReadFull(r, buf); err != nil {
		return false, buf, err
	}
	return true, buf, nil
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

// BatchAnswer asks for the chunks want names in one batch request, as the
// downloader does, and returns the hub's answer as it came, its status
// and its body (at most 64 MiB of it): for the tests and diagnostics that
// check that a chunk refused to this device is answered, within a batch
// too, byte for byte as one that does not exist.
func (c *Client) BatchAnswer(ctx context.Context, want []ChunkWant) (int, []byte, error) {
	res, err := c.postBatch(ctx, c.http, want)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	return res.StatusCode, b, err
}
