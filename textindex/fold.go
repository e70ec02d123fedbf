package textindex

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tableSize covers Latin, Latin Extended and Latin Extended Additional
// (U+1E00–U+1EFF, where most precomposed Vietnamese letters live), so folding
// the letters papers are written in is a table look-up, not a normalisation.
const tableSize = 0x2000

var (
	foldTableOnce sync.Once
	foldTable     []string
)

func foldSlow(r rune) string {
	var b []byte
	for _, d := range norm.NFD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if d == 'đ' || d == 'Đ' {
			b = append(b, 'd')
			continue
		}
		b = utf8.AppendRune(b, unicode.ToLower(d))
	}
	return string(b)
}

// FoldRune appends to dst the folded form of r: lower case, without
// combining marks, with đ/Đ as d. A letter folds to one or more base
// letters; a combining mark on its own folds to nothing.
func FoldRune(dst []byte, r rune) []byte {
	if r < 0x80 {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(dst, byte(r))
	}
	if r < tableSize {
		foldTableOnce.Do(func() {
			foldTable = make([]string, tableSize)
			for i := range foldTable {
				foldTable[i] = foldSlow(rune(i))
			}
		})
		return append(dst, foldTable[r]...)
	}
	return append(dst, foldSlow(r)...)
}

// Fold returns s folded for comparison: every rune through FoldRune, and
// every run of characters that are neither letters nor digits (spaces, line
// breaks, punctuation) as one space, with none at either end. So "Đất  đai,"
// and "dat dai" fold to the same "dat dai".
func Fold(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		if !IsWordRune(r) {
			space = len(b) > 0
			continue
		}
		n := len(b)
		if space {
			b = append(b, ' ')
		}
		b = FoldRune(b, r)
		if len(b) == n+1 && space {
			b = b[:n] // a lone mark: keep the space pending
			continue
		}
		space = false
	}
	return string(b)
}

// IsWordRune reports whether r belongs to a word: letters, digits and the
// combining marks of decomposed text (which belong to the letter before
// them). Every other rune separates words.
func IsWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// Words returns the folded words of s, in order.
func Words(s string) []string {
	return strings.Fields(Fold(s))
}
