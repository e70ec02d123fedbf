// Package blob is the encrypted chunk store of papers: files cut into
// content-defined chunks, each encrypted and authenticated under its paper
// lineage's key, kept as files beside the profile's Badger database (which
// holds only the manifests), and read back through an io.ReaderAt that
// decrypts on demand, so no plaintext paper is ever written to disk.
//
// The construction (DESIGN.md §6, after restic and Perkeep): from the
// lineage key, HKDF-SHA256 derives an encryption key, an ID key, a chunker
// key and a public lineage ID. A chunk's ID is HMAC-SHA256(ID key,
// plaintext): keyed, so nobody can confirm a guessed document from chunk
// names, and IDs never match across papers; a new version of the same paper
// shares every unchanged chunk with the old one, stored once. Its
// ciphertext is XChaCha20-Poly1305 with a random 24-byte nonce and the
// lineage ID and chunk ID as associated data, and no position, so a chunk
// serves every version that contains it; order, length and the whole-file
// SHA-256 come from the signed manifest.
//
// One change to the recommended construction, and why: the FastCDC Gear
// table is keyed too (the chunker key; the manifest records Params.Keyed).
// With a public table anyone holding a candidate document can compute its
// chunk lengths and compare them with the sizes of the chunk files on a
// disk or on the hub, confirming the guess without any key; with a keyed
// table cut points depend on the lineage's secret. Versions of one paper
// share the key, so their chunks still line up.
//
// Files:
//
//	crypto.go    key derivation, chunk IDs, sealing and opening one chunk (format 1), its tag checked without decrypting
//	dir.go       ChunkStore, the hub's interface (and ChunkOpener, to stream a chunk); Dir, chunk files written atomically (direct I/O where it can), quarantine; ChunkBuffer
//	store.go     Store: Put (file → manifest), PutChunk and Batch (verified download, committed in groups), Missing, Usage, Remove, Sweep
//	reader.go    Reader: io.ReaderAt + io.ReadSeeker decrypting on demand, whole-file hash
//	errors.go    ErrChunkCorrupt, ErrChunkMissing, ErrDiskFull, ErrContentMismatch, ChunkError
//	fs_*.go      what differs by system: full-disk errors, syncing a directory, starting writeback early and direct I/O (Linux)
//
// Beside it: store/blob/s3chunks, the ChunkStore in an S3-compatible bucket
// for hubs that scale out, and store/blob/chunkstoretest, the contract that
// it and Dir both pass.
package blob
