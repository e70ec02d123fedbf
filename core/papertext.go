package core

import (
	"strconv"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/store"
)

// The search index's text, kept in the profile's encrypted store (issue 11:
// "the index encrypted"). The app extracts each paper version's text once,
// folds it for search (textindex) and keeps the folded words of each page
// here, so that a restart rebuilds the in-memory index from the store
// instead of starting PDFium on every paper again. Like everything in
// Badger it is encrypted at rest under the profile's key; it is this
// device's own (never replicated). Only the current version of a paper is
// kept: storing a version drops the others, and a recall drops the text
// with the paper's chunks.

// PaperText is the folded text of one paper version, a string a page.
type PaperText struct {
	Pages []string `cbor:"1,keyasint"`
}

func paperTextKey(id string, n int) []byte {
	return store.Key(store.PrefixPaperText, id, strconv.Itoa(n))
}

func paperTextPrefix(id string) []byte { return append(store.Key(store.PrefixPaperText, id), '/') }

// PutPaperText stores the searchable text of version n of a paper and
// drops any other version's.
func (p *Profile) PutPaperText(id string, n int, t PaperText) error {
	return p.st.Update(func(tx *store.Tx) error {
		if err := dropPaperText(tx, id); err != nil {
			return err
		}
		return tx.Put(paperTextKey(id, n), t)
	})
}

// DropPaperText removes the stored text of a paper.
func (p *Profile) DropPaperText(id string) error {
	return p.st.Update(func(tx *store.Tx) error { return dropPaperText(tx, id) })
}

func dropPaperText(tx *store.Tx, id string) error {
	var keys [][]byte
	err := tx.Each(paperTextPrefix(id), func(k, _ []byte) error {
		keys = append(keys, append([]byte(nil), k...))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := tx.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// EachPaperText calls fn with every stored paper text, by paper ID and
// version number.
func (p *Profile) EachPaperText(fn func(id string, n int, t PaperText) error) error {
	prefix := []byte(store.PrefixPaperText + "/")
	return p.st.View(func(tx *store.Tx) error {
		return tx.Each(prefix, func(k, v []byte) error {
			rest := string(k[len(prefix):])
			i := len(rest) - 1
			for i >= 0 && rest[i] != '/' {
				i--
			}
			if i < 0 {
				return nil
			}
			n, err := strconv.Atoi(rest[i+1:])
			if err != nil {
				return nil // not a key of ours
			}
			var t PaperText
			if err := codec.Unmarshal(v, &t); err != nil {
				return err
			}
			return fn(rest[:i], n, t)
		})
	})
}
