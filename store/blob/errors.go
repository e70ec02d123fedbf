package blob

import (
	"errors"
	"fmt"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// Errors a user can meet. They are *meetings.Error values, so core.ErrorKey
// maps them to their translation keys like any domain error; a ChunkError
// wraps them with the chunk at fault.
var (
	// ErrChunkCorrupt: a stored chunk does not open (changed byte,
	// truncation, wrong name). The store has removed it so that it is
	// fetched again.
	ErrChunkCorrupt = meetings.NewError("err.paper.chunk_corrupt", "")
	// ErrChunkMissing: a chunk is not in this store (not fetched yet, freed,
	// or never there). The hub answers a chunk a device may not fetch with
	// this same error.
	ErrChunkMissing = meetings.NewError("err.paper.chunk_missing", "")
	// ErrDiskFull: the disk filled up; nothing half-written counts.
	ErrDiskFull = meetings.NewError("err.paper.disk_full", "")
	// ErrContentMismatch: every chunk opened, but the whole file's SHA-256
	// is not the manifest's.
	ErrContentMismatch = meetings.NewError("err.paper.content_mismatch", "")
)

// ErrorCodes lists every Error.Code this package returns, for the
// translation check.
var ErrorCodes = []string{
	"err.paper.chunk_corrupt",
	"err.paper.chunk_missing",
	"err.paper.disk_full",
	"err.paper.content_mismatch",
}

// ChunkError names the chunk an error is about. errors.Is matches its Kind
// (ErrChunkCorrupt, ErrChunkMissing, ErrDiskFull) and its Cause.
type ChunkError struct {
	ID    papers.ChunkID
	Kind  *meetings.Error
	Cause error
}

func (e *ChunkError) Error() string {
	if e.Cause == nil {
		return fmt.Sprintf("blob: chunk %s: %s", e.ID, e.Kind.Code)
	}
	return fmt.Sprintf("blob: chunk %s: %s: %v", e.ID, e.Kind.Code, e.Cause)
}

// Unwrap gives the kind and the cause to errors.Is and errors.As.
func (e *ChunkError) Unwrap() []error { return []error{e.Kind, e.Cause} }

// chunkErr builds a ChunkError, classing a full disk as ErrDiskFull whatever
// kind the caller guessed.
func chunkErr(id papers.ChunkID, kind *meetings.Error, cause error) error {
	if cause != nil && isDiskFull(cause) {
		kind = ErrDiskFull
	}
	return &ChunkError{ID: id, Kind: kind, Cause: cause}
}

// ioErr wraps an I/O error with context, classing a full disk as
// ErrDiskFull.
func ioErr(what string, err error) error {
	if isDiskFull(err) {
		return fmt.Errorf("blob: %s: %w", what, errors.Join(ErrDiskFull, err))
	}
	return fmt.Errorf("blob: %s: %w", what, err)
}

// writeErr is the error of a failed chunk write: ErrDiskFull for a full
// disk, the I/O error with context otherwise.
func writeErr(id papers.ChunkID, err error) error {
	if isDiskFull(err) {
		return &ChunkError{ID: id, Kind: ErrDiskFull, Cause: err}
	}
	return fmt.Errorf("blob: write chunk %s: %w", id, err)
}
