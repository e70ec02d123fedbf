package pdfrender

import (
	"container/list"
	"context"
	"image"
	"sync"
)

// RendererOptions configure a Renderer.
type RendererOptions struct {
	// Ahead is how many pages after (and one before) the last asked-for
	// page are rendered in advance, at the same width. 0 means 3; negative
	// means none.
	Ahead int
	// MaxBytes bounds the cache of rendered pages (their pixels). 0 means
	// 40 MiB: seven A4 pages 1000 pixels wide (5.6 MB each), enough for
	// the page shown, three ahead, one behind and two more to go back to.
	MaxBytes int64
	// Watermark, when set, draws Label on every page before it is cached
	// or handed out (confidential papers), so no unmarked image of the
	// paper exists outside the Renderer's goroutine.
	Watermark *Watermark
	Label     string
}

// Renderer renders a Document's pages on a goroutine of its own, so that a
// reader's UI goroutine never waits for PDFium: the page asked for first,
// then a few ahead, into a least-recently-used cache bounded in bytes. One
// goroutine is enough, since a Document renders one page at a time anyway.
type Renderer struct {
	doc      *Document
	ahead    int
	maxBytes int64
	mark     *Watermark
	label    string

	mu       sync.Mutex
	wake     chan struct{} // one pending signal for the worker
	jobs     []*job        // asked for, newest last
	prefetch []*job        // rendered in advance, in order
	cache    map[cacheKey]*list.Element
	lru      *list.List // of *cached, most recent first
	bytes    int64
	closed   bool
	done     chan struct{}
}

type cacheKey struct{ page, width int }

type cached struct {
	key cacheKey
	img *image.RGBA
}

type job struct {
	key  cacheKey
	ctx  context.Context
	done []func(*image.RGBA, error)
}

// NewRenderer starts a Renderer for doc. Close it before closing doc.
func NewRenderer(doc *Document, opt RendererOptions) *Renderer {
	if opt.Ahead == 0 {
		opt.Ahead = 3
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = 40 << 20
	}
	r := &Renderer{
		doc:      doc,
		ahead:    max(0, opt.Ahead),
		maxBytes: opt.MaxBytes,
		mark:     opt.Watermark,
		label:    opt.Label,
		wake:     make(chan struct{}, 1),
		cache:    map[cacheKey]*list.Element{},
		lru:      list.New(),
		done:     make(chan struct{}),
	}
	go r.run()
	return r
}

// Cached returns the page if it is in the cache, without waiting. A UI
// shows it at once and asks with Request otherwise.
func (r *Renderer) Cached(page, widthPx int) *image.RGBA {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.cache[cacheKey{page, widthPx}]; ok {
		r.lru.MoveToFront(e)
		return e.Value.(*cached).img
	}
	return nil
}

// Request asks for page at widthPx and returns at once. done gets the
// image, which callers must not modify, or an error: ctx's when ctx ended
// first (the reader moved on), ErrClosed after Close. When the page is
// cached, done runs at once on the caller's goroutine; otherwise later, on
// the Renderer's goroutine (a UI hands the image to its own goroutine from
// there, through its usual gate), and it must not block.
// The newest request is served first, then the pages around it in advance.
func (r *Renderer) Request(ctx context.Context, page, widthPx int, done func(*image.RGBA, error)) {
	key := cacheKey{page, widthPx}
	if img := r.Cached(page, widthPx); img != nil {
		done(img, nil)
		r.mu.Lock()
		r.planAhead(key)
		r.mu.Unlock()
		r.signal()
		return
	}
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		done(nil, ErrClosed)
		return
	}
	// A request that has already ended is answered at once and plans
	// nothing ahead: the reader has moved on, so rendering its neighbours
	// would spend PDFium's one thread on pages nobody is looking at.
	if err := ctx.Err(); err != nil {
		r.mu.Unlock()
		done(nil, err)
		return
	}
	r.jobs = append(r.jobs, &job{key: key, ctx: ctx, done: []func(*image.RGBA, error){done}})
	r.planAhead(key)
	r.mu.Unlock()
	r.signal()
}

// Page returns page at widthPx, rendering it if needed, and waits for it
// (or for ctx). Call it off the UI goroutine.
func (r *Renderer) Page(ctx context.Context, page, widthPx int) (*image.RGBA, error) {
	type result struct {
		img *image.RGBA
		err error
	}
	ch := make(chan result, 1)
	r.Request(ctx, page, widthPx, func(img *image.RGBA, err error) { ch <- result{img, err} })
	select {
	case res := <-ch:
		return res.img, res.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// planAhead replaces the pages to render in advance with those around key;
// the caller holds r.mu.
func (r *Renderer) planAhead(key cacheKey) {
	r.prefetch = r.prefetch[:0]
	if r.ahead == 0 {
		return
	}
	pages := make([]int, 0, r.ahead+1)
	for i := 1; i <= r.ahead; i++ {
		pages = append(pages, key.page+i)
	}
	pages = append(pages, key.page-1)
	for _, p := range pages {
		k := cacheKey{p, key.width}
		if p < 0 || p >= r.doc.PageCount() {
			continue
		}
		if _, ok := r.cache[k]; ok {
			continue
		}
		r.prefetch = append(r.prefetch, &job{key: k, ctx: context.Background()})
	}
}

func (r *Renderer) signal() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// next takes the job to do: the newest live request, else the next page in
// advance. Requests for the same page are served together.
func (r *Renderer) next() (j *job, closed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, true
	}
	for len(r.jobs) > 0 {
		j := r.jobs[len(r.jobs)-1]
		r.jobs = r.jobs[:len(r.jobs)-1]
		if j.ctx.Err() != nil {
			go callAll(j.done, nil, j.ctx.Err())
			continue
		}
		// Gather the other requests for the same page.
		rest := r.jobs[:0]
		for _, o := range r.jobs {
			if o.key == j.key && o.ctx.Err() == nil {
				j.done = append(j.done, o.done...)
			} else {
				rest = append(rest, o)
			}
		}
		r.jobs = rest
		return j, false
	}
	for len(r.prefetch) > 0 {
		j := r.prefetch[0]
		r.prefetch = r.prefetch[1:]
		if _, ok := r.cache[j.key]; !ok {
			return j, false
		}
	}
	return nil, false
}

func callAll(fs []func(*image.RGBA, error), img *image.RGBA, err error) {
	for _, f := range fs {
		f(img, err)
	}
}

func (r *Renderer) run() {
	defer close(r.done)
	for {
		j, closed := r.next()
		if closed {
			r.failPending()
			return
		}
		if j == nil {
			<-r.wake
			continue
		}
		img := r.Cached(j.key.page, j.key.width)
		var err error
		if img == nil {
			img, err = r.doc.Render(j.ctx, j.key.page, j.key.width)
			if err == nil && r.mark != nil {
				err = r.mark.Apply(img, r.label)
			}
			if err == nil {
				r.put(j.key, img)
			}
		}
		callAll(j.done, img, err)
	}
}

func (r *Renderer) failPending() {
	r.mu.Lock()
	jobs := r.jobs
	r.jobs = nil
	r.mu.Unlock()
	for _, j := range jobs {
		callAll(j.done, nil, ErrClosed)
	}
}

// put caches img and evicts the least recently used pages beyond maxBytes.
func (r *Renderer) put(key cacheKey, img *image.RGBA) {
	size := int64(len(img.Pix))
	r.mu.Lock()
	defer r.mu.Unlock()
	if size > r.maxBytes {
		return
	}
	if _, ok := r.cache[key]; ok {
		return
	}
	r.cache[key] = r.lru.PushFront(&cached{key: key, img: img})
	r.bytes += size
	for r.bytes > r.maxBytes {
		e := r.lru.Back()
		c := e.Value.(*cached)
		r.lru.Remove(e)
		delete(r.cache, c.key)
		r.bytes -= int64(len(c.img.Pix))
	}
}

// CacheBytes returns how many bytes of pixels the cache holds.
func (r *Renderer) CacheBytes() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bytes
}

// Close stops the goroutine, after the page it is rendering; requests still
// waiting get ErrClosed. It does not close the Document.
func (r *Renderer) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	r.signal()
	<-r.done
}
