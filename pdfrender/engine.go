package pdfrender

import (
	"context"
	"errors"
	"fmt"
	"io"

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
}

// Engine owns the WebAssembly runtime and a small pool of PDFium
// instances. PDFium is single-threaded, so each open Document has an
// instance of its own and parallelism is more instances. An instance's
// memory returns to the system only when it closes, which is why a
// Document's Close closes its instance instead of handing it back warm.
type Engine struct {
	pool  pdfium.Pool
	cache wazero.CompilationCache
}

// NewEngine compiles (or loads from opt.CacheDir) PDFium and prepares the
// pool. The instances see no file system at all: documents are read only
// through the reader given to Open, so nothing on the disk is reachable
// from inside the sandbox and PDFium never writes a file.
func NewEngine(ctx context.Context, opt Options) (*Engine, error) {
	if opt.Instances <= 0 {
		opt.Instances = 2
	}
	// PDFium's setjmp/longjmp are WebAssembly exceptions: without this
	// feature the module fails with "tag section not supported".
	rc := wazero.NewRuntimeConfig().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling)
	e := &Engine{}
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
		MaxIdle:  opt.Instances,
		MaxTotal: opt.Instances,
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
	return e, nil
}

// Close closes every instance and the runtime. Documents still open become
// unusable.
func (e *Engine) Close() error {
	err := e.pool.Close()
	if e.cache != nil {
		err = errors.Join(err, e.cache.Close(context.Background()))
	}
	return err
}
