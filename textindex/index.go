package textindex

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Page names one page of one paper: the caller's document key (for example
// a paper version's ID) and the page index, from 0.
type Page struct {
	Doc  string
	Page int
}

// Index is a positional inverted index of folded words. All pages' words
// are kept in one sequence of word numbers (four bytes a word); for each
// word, the positions in that sequence where it occurs. A phrase search
// walks the occurrences of its rarest word and compares the words around
// each one, so its cost follows how often that word occurs, not how much
// text there is; only on the pages where each two of its words follow one
// another (a page list per pair of adjacent words, at most four bytes a
// word more), which for two words is the whole answer. Safe for concurrent
// use.
type Index struct {
	mu       sync.RWMutex
	ids      map[string]uint32 // folded word -> word number
	words    []string          // word number -> folded word
	postings [][]uint32        // word number -> positions in seq, ascending
	seq      []uint32          // every page's word numbers, one page after another
	starts   []uint32          // page number -> its first position in seq
	keys     []Page            // page number -> page
	sorted   []uint32          // word numbers in word order, for prefixes; nil when stale
	// pairs holds, for each two words that follow one another somewhere,
	// the pages where they do, ascending and once each (key: pairKey). A
	// phrase of common words found on every page is answered from these
	// page lists, not by walking each occurrence of its rarer word.
	pairs map[uint64][]uint32
}

func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// New returns an empty index.
func New() *Index {
	return &Index{ids: map[string]uint32{}, pairs: map[uint64][]uint32{}}
}

// Add indexes the text of one page. Adding the same page twice indexes it
// twice; callers add each page of a version once.
func (ix *Index) Add(doc string, page int, text string) {
	words := Words(text)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	pn := uint32(len(ix.keys))
	ix.starts = append(ix.starts, uint32(len(ix.seq)))
	ix.keys = append(ix.keys, Page{Doc: doc, Page: page})
	prev, first := uint32(0), true
	for _, w := range words {
		id, ok := ix.ids[w]
		if !ok {
			id = uint32(len(ix.words))
			ix.ids[w] = id
			ix.words = append(ix.words, w)
			ix.postings = append(ix.postings, nil)
			ix.sorted = nil
		}
		ix.postings[id] = append(ix.postings[id], uint32(len(ix.seq)))
		ix.seq = append(ix.seq, id)
		if !first {
			k := pairKey(prev, id)
			if ps := ix.pairs[k]; len(ps) == 0 || ps[len(ps)-1] != pn {
				ix.pairs[k] = append(ps, pn)
			}
		}
		prev, first = id, false
	}
}

// Len returns the number of pages indexed.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.keys)
}

// Search returns the pages on which the query's folded words appear in a
// row, in the order they were added, at most limit of them (limit <= 0: all).
// Every word of the query must be a whole word of the page, except the last,
// which may be the start of one unless the query ends with a space or
// punctuation (so results come while typing: "dat da" finds "đất đai").
// An empty query finds nothing.
func (ix *Index) Search(query string, limit int) []Page {
	words := Words(query)
	if len(words) == 0 {
		return nil
	}
	r, _ := utf8.DecodeLastRuneInString(query)
	prefix := IsWordRune(r)

	ix.mu.RLock()
	if prefix && ix.sorted == nil {
		ix.mu.RUnlock()
		ix.mu.Lock()
		ix.sortWords()
		ix.mu.Unlock()
		ix.mu.RLock()
	}
	defer ix.mu.RUnlock()

	// want[i] is the set of word numbers the i-th query word may be.
	want := make([][]uint32, len(words))
	for i, w := range words {
		if i == len(words)-1 && prefix {
			want[i] = ix.withPrefix(w)
		} else if id, ok := ix.ids[w]; ok {
			want[i] = []uint32{id}
		}
		if len(want[i]) == 0 {
			return nil
		}
	}

	// The pages where each two exact words of the phrase follow one
	// another: only those can hold it. Two exact words are the whole
	// phrase, so those pages are the answer.
	exact := len(words)
	if prefix {
		exact--
	}
	var cand []uint32
	if exact >= 2 {
		for i := 0; i+1 < exact; i++ {
			ps := ix.pairs[pairKey(want[i][0], want[i+1][0])]
			if i == 0 {
				cand = ps
			} else {
				cand = intersect(cand, ps)
			}
			if len(cand) == 0 {
				return nil
			}
		}
		if len(words) == 2 && !prefix {
			if limit > 0 && len(cand) > limit {
				cand = cand[:limit]
			}
			out := make([]Page, len(cand))
			for i, pn := range cand {
				out[i] = ix.keys[pn]
			}
			return out
		}
	}

	var out []Page
	last := -1
	add := func(pn int) bool {
		if pn != last {
			last = pn
			out = append(out, ix.keys[pn])
		}
		return limit > 0 && len(out) == limit
	}

	if len(words) == 1 && prefix {
		// One word being typed: every occurrence of every word it starts
		// is a match.
		var pos []uint32
		for _, id := range want[0] {
			pos = append(pos, ix.postings[id]...)
		}
		slices.Sort(pos)
		for _, p := range pos {
			if add(ix.pageOf(p)) {
				break
			}
		}
		return out
	}

	// Walk the occurrences of the exact word that occurs least; there is
	// one, since only the last word may be a prefix.
	k := -1
	for i, ids := range want {
		if (i == len(words)-1 && prefix) || len(ids) != 1 {
			continue
		}
		if k < 0 || len(ix.postings[ids[0]]) < len(ix.postings[want[k][0]]) {
			k = i
		}
	}
	post := ix.postings[want[k][0]]
	// The other exact words are checked against their own occurrences,
	// with a cursor each that only moves on (positions grow), rather than
	// by reading the word sequence at each candidate: the occurrence lists
	// are read in order, while the sequence would be read at scattered
	// places across megabytes, a cache miss each, which is what a phrase
	// of common words found on every page used to cost.
	curs := make([]cursor, 0, len(want))
	for j, ids := range want {
		if j != k && len(ids) == 1 {
			curs = append(curs, cursor{j: j, post: ix.postings[ids[0]]})
		}
	}
	pn := 0 // the page of post[i]: positions only grow, so it only moves on
	c := 0  // cand[c] is the next page that may hold the phrase
	for i := 0; i < len(post); i++ {
		p := post[i]
		for pn+1 < len(ix.starts) && ix.starts[pn+1] <= p {
			pn++
		}
		if cand != nil {
			for c < len(cand) && int(cand[c]) < pn {
				c++
			}
			if c == len(cand) {
				break
			}
			if int(cand[c]) > pn {
				// Not a page of the phrase: on to the next one that may be.
				next, _ := slices.BinarySearch(post[i:], ix.starts[cand[c]])
				i += next - 1
				continue
			}
		}
		start := int(p) - k
		end := len(ix.seq)
		if pn+1 < len(ix.starts) {
			end = int(ix.starts[pn+1])
		}
		if start < int(ix.starts[pn]) || start+len(want) > end || !ix.matchWith(start, want, curs) {
			continue
		}
		if add(pn) {
			break
		}
		// The page is found: skip its other occurrences.
		next, _ := slices.BinarySearch(post[i:], uint32(end))
		i += next - 1
	}
	return out
}

// intersect returns the page numbers in both ascending lists.
func intersect(a, b []uint32) []uint32 {
	var out []uint32
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// pageOf returns the page number that position p of seq belongs to.
func (ix *Index) pageOf(p uint32) int {
	return sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > p }) - 1
}

// cursor walks the occurrences of the j-th word of a phrase.
type cursor struct {
	j    int
	post []uint32
	c    int // post[:c] are before every position still to be asked
}

// has reports whether the word occurs at position t; t only grows from
// one call to the next. It gallops: the next occurrence is usually near.
func (cu *cursor) has(t uint32) bool {
	post, c := cu.post, cu.c
	if c < len(post) && post[c] < t {
		j := 1
		for c+j < len(post) && post[c+j] < t {
			j *= 2
		}
		lo, hi := c+j/2, min(c+j+1, len(post))
		n, _ := slices.BinarySearch(post[lo:hi], t)
		c = lo + n
	}
	cu.c = c
	return c < len(post) && post[c] == t
}

// matchWith reports whether the words of seq from start on are, one by
// one, among want[0], want[1], …: the exact words checked through their
// cursors, only the others (a prefix's several words) read from seq.
func (ix *Index) matchWith(start int, want [][]uint32, curs []cursor) bool {
	for i := range curs {
		if !curs[i].has(uint32(start + curs[i].j)) {
			return false
		}
	}
	for j, ids := range want {
		if len(ids) == 1 {
			continue // the walked word, or one a cursor checked
		}
		if _, ok := slices.BinarySearch(ids, ix.seq[start+j]); !ok {
			return false
		}
	}
	return true
}

// sortWords rebuilds the word order used for prefixes; the caller holds the
// write lock.
func (ix *Index) sortWords() {
	if ix.sorted != nil {
		return
	}
	s := make([]uint32, len(ix.words))
	for i := range s {
		s[i] = uint32(i)
	}
	sort.Slice(s, func(a, b int) bool { return ix.words[s[a]] < ix.words[s[b]] })
	ix.sorted = s
}

// withPrefix returns the word numbers of the words that start with p, sorted.
func (ix *Index) withPrefix(p string) []uint32 {
	i := sort.Search(len(ix.sorted), func(i int) bool { return ix.words[ix.sorted[i]] >= p })
	var ids []uint32
	for ; i < len(ix.sorted) && strings.HasPrefix(ix.words[ix.sorted[i]], p); i++ {
		ids = append(ids, ix.sorted[i])
	}
	slices.Sort(ids)
	return ids
}
