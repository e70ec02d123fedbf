// Package textindex folds Vietnamese text for searching without diacritics
// ("dat dai" finds "đất đai") and keeps a small in-memory inverted index of
// the folded words of many pages, so that a search across every paper on a
// computer answers without scanning all of their text.
//
// Files:
//   - fold.go: Fold, FoldRune and Words, the one definition of "the same
//     letters" that the index, the reader's find and the tests share.
//   - index.go: Index, a positional inverted index of folded words, with
//     phrase queries whose last word may be a prefix (search as you type).
//
// The package holds text in memory only; keeping an index on disk (encrypted,
// like everything else of a paper) is the caller's business.
package textindex
