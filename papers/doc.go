// Package papers holds the paper domain (tài liệu): the documents the
// secretariat attaches to an agenda item or a ballot, who receives them,
// their versions and the manifest that describes each version's file as a
// list of encrypted chunks; and a member's private notes on a paper's pages.
//
// It is plain Go with no I/O: no Fyne, no Badger, no network (deps_test.go
// keeps it so). The bytes themselves live in the chunk store (store/blob),
// which turns a file into a Manifest and a Manifest back into a reader.
// Validation failures are *meetings.Error values whose Code is a
// translation key (codes.go lists them).
//
// Files:
//
//	types.go     Paper, Owner, Distribution, Version, Marking; LineageKey, ChunkID, Digest
//	manifest.go  Manifest, ChunkRef, ChunkerParams: bounds, Validate, Encode/DecodeManifest, IDs, Shared
//	validate.go  Paper.Validate and the checks of its parts (owner, list, version, file name)
//	access.go    Distribution.Resolve, CanSee (who may hold a paper), ExportMode
//	versions.go  CurrentVersion, AddVersion, Recall, ReadState ("updated since you read it")
//	wrap.go      WrappedKey: the lineage key (or a note key) sealed to each recipient device (who holds which key)
//	notes.go     Note, Anchor (a member's private note on a page); AnchorText, Carry to a new version
//	notekey.go   NoteKey: the member's key sealing their notes, wrapped per device; SealNote, OpenNote
//	codes.go     ErrorCodes, every translation key this package returns
package papers
