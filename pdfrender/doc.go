// Package pdfrender reads PDF papers for the reader, with no Fyne and no
// cgo: PDFium compiled to WebAssembly (github.com/klippa-app/go-pdfium) in a
// sandbox that sees no file system, fed only through an io.ReaderAt (the
// chunk store's decrypting reader), so no plaintext copy of a paper is ever
// written.
//
// Files:
//   - engine.go: Engine (runtime, compilation cache, pool of instances) and
//     its Options.
//   - document.go: Open, Document (page count and sizes, Render, Bookmarks,
//     Close); images are copied out of the instance's memory.
//   - text.go: PlainText, PageText (characters with rectangles), Find with
//     diacritic-insensitive matching (textindex.Fold), AddToIndex for
//     search across papers.
//   - renderer.go: Renderer, which renders pages off the caller's
//     goroutine, a few ahead, into a cache bounded in bytes.
//   - watermark.go: Watermark, the reader's name and the date drawn across
//     a confidential paper's pages (the font comes from the caller).
//   - save.go: Resave, a damaged paper written out again by PDFium, in
//     memory (the meeting book's second try).
//   - errors.go: the errors a reader shows (ErrNotPDF, ErrCorrupt,
//     ErrPassword, ErrPage), with translation keys.
package pdfrender
