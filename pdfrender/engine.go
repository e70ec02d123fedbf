package pdfrender

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// Options configure an Engine.
type Options struct {
	// CacheDir keeps PDFium's compiled WebAssembly between runs (the
	// profile's cache directory): the first start drops from seconds and
	// hundreds of MB to tens of milliseconds. Only compiled code goes there,
	// never a paper. Empty: compile in memory on every start.
	CacheDir string
	// Instances bounds how many PDFium instances (one per open Document)
	// exist at once; Open waits for a free one. 0 means 2.
	Instances int
	// Spare keeps one fresh instance started ahead, beyond Instances, so
	// that opening a paper does not wait for PDFium to start (instantiating
	// the module and its memory, a large share of showing page 1): the
	// engine starts it when it is made and again after each Document
	// closes, off the caller's path. A spare has never held a document, so
	// no paper's state passes from one Document to the next; it costs one
	// idle instance's memory while the engine is open.
	Spare bool
}

// Engine owns the WebAssembly runtime and a small pool of PDFium
// instances. PDFium is single-threaded, so each open Document has an
// instance of its own and parallelism is more instances. An instance's
// memory returns to the system only when it closes, which is why a
// Document's Close closes its instance instead of handing it back warm.
type Engine struct {
	pool  pdfium.Pool
	cache wazero.CompilationCache

	// The spare instance (Options.Spare): spare holds at most one; filling
	// says one is being started; closed stops refilling.
	spareOn bool
	spare   chan pdfium.Pdfium
	mu      sync.Mutex
	filling bool
	closed  bool
}

// NewEngine compiles (or loads from opt.CacheDir) PDFium and prepares the
// pool. The instances see no file system at all: documents are read only
// through the reader given to Open, so nothing on the disk is reachable
// from inside the sandbox and PDFium never writes a file.
func NewEngine(ctx context.Context, opt Options) (*Engine, error) {
	if opt.Instances <= 0 {
		opt.Instances = 2
	}
	total := opt.Instances
	if opt.Spare {
		total++
	}
	// PDFium's setjmp/longjmp are WebAssembly exceptions: without this
	// feature the module fails with "tag section not supported".
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	e := &Engine{spareOn: opt.Spare, spare: make(chan pdfium.Pdfium, 1)}
	if opt.CacheDir != "" {
		cache, err := wazero.NewCompilationCacheWithDir(opt.CacheDir)
		if err != nil {
			return nil, fmt.Errorf("pdfrender: compilation cache: %w", err)
		}
		e.cache = cache
		rc = rc.WithCompilationCache(cache)
	}
	pool, err := webassembly.Init(webassembly.Config{
		Context:  context.WithoutCancel(ctx),
		MinIdle:  0,
		MaxIdle:  total,
		MaxTotal: total,
		// An empty FSConfig mounts nothing (the default mounts "/").
		FSConfig:      wazero.NewFSConfig(),
		RuntimeConfig: rc,
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		// Each Document's instance is thrown away at Close so that its
		// memory is returned; ReuseWorkers would keep it.
		ReuseWorkers: false,
	})
	if err != nil {
		if e.cache != nil {
			e.cache.Close(ctx)
		}
		return nil, fmt.Errorf("pdfrender: start PDFium: %w", err)
	}
	e.pool = pool
	e.refill()
	return e, nil
}

// refill starts a spare instance on another goroutine when the engine
// keeps one and has none.
func (e *Engine) refill() {
	if !e.spareOn {
		return
	}
	e.mu.Lock()
	if e.filling || e.closed || len(e.spare) > 0 {
		e.mu.Unlock()
		return
	}
	e.filling = true
	e.mu.Unlock()
	go func() {
		inst, err := e.pool.GetInstance(time.Minute)
		e.mu.Lock()
		defer e.mu.Unlock()
		e.filling = false
		if err != nil {
			return // Open starts its own
		}
		if e.closed {
			inst.Close()
			return
		}
		e.spare <- inst
	}()
}

// instance returns the spare instance if one is ready, else a new one from
// the pool (waiting for a free one, or ctx).
func (e *Engine) instance(ctx context.Context) (pdfium.Pdfium, error) {
	select {
	case inst := <-e.spare:
		return inst, nil
	default:
	}
	return e.pool.GetInstanceWithContext(ctx)
}

// WaitSpare waits until the spare instance is ready (at once when the
// engine keeps none), or ctx ends: for benchmarks, which must not time
// anything while a spare is starting beside it.
func (e *Engine) WaitSpare(ctx context.Context) error {
	for e.spareOn {
		e.mu.Lock()
		ready := len(e.spare) > 0 || e.closed
		e.mu.Unlock()
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
	return nil
}

// Close closes every instance and the runtime. Documents still open become
// unusable.
func (e *Engine) Close() error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	select {
	case inst := <-e.spare:
		inst.Close()
	default:
	}
	err := e.pool.Close()
	if e.cache != nil {
		err = errors.Join(err, e.cache.Close(context.Background()))
	}
	return err
}
