package textindex

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"đất đai", "dat dai"},
		{"ĐẤT ĐAI", "dat dai"},
		{"Đất  đai,\r\nnhà ở.", "dat dai nha o"},
		{norm.NFD.String("Cải cách hành chính"), "cai cach hanh chinh"},
		{"Thủ tướng Chính phủ", "thu tuong chinh phu"},
		{"  ... ", ""},
		{"Nghị định 138/2016/NĐ-CP", "nghi dinh 138 2016 nd cp"},
		{"ư ơ ă â ê ô", "u o a a e o"},
		{"\u0301 đai", "dai"}, // a lone mark makes no word
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldRuneMatchesNormalisation(t *testing.T) {
	// The table must agree with the slow path for every rune it covers.
	for r := rune(0x80); r < tableSize; r++ {
		if got, want := string(FoldRune(nil, r)), foldSlow(r); got != want {
			t.Fatalf("FoldRune(%U) = %q, want %q", r, got, want)
		}
	}
}

func pagesOf(ps ...any) []Page {
	var out []Page
	for i := 0; i < len(ps); i += 2 {
		out = append(out, Page{Doc: ps[i].(string), Page: ps[i+1].(int)})
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := New()
	ix.Add("luat", 0, "Luật Đất đai năm 2024 có hiệu lực.")
	ix.Add("luat", 1, "Đất ở và đất nông nghiệp; đai an toàn.")
	ix.Add("nghidinh", 0, "Nghị định về nhà ở xã hội, đất đai\r\nvà thuế.")
	ix.Add("nghidinh", 1, "Không có gì.")
	tests := []struct {
		query string
		want  []Page
	}{
		{"dat dai", pagesOf("luat", 0, "nghidinh", 0)}, // across a line break too
		{"ĐẤT ĐAI", pagesOf("luat", 0, "nghidinh", 0)}, // case and marks
		{"đất", pagesOf("luat", 0, "luat", 1, "nghidinh", 0)},
		{"dat da", pagesOf("luat", 0, "nghidinh", 0)}, // last word as a prefix
		{"dat da ", nil}, // a finished word is whole
		{"nha o xa hoi", pagesOf("nghidinh", 0)},
		{"o xa", pagesOf("nghidinh", 0)},
		{"dai dat", nil}, // order matters
		{"thue ", pagesOf("nghidinh", 0)},
		{"", nil},
		{"   ", nil},
		{"không tồn tại", nil},
	}
	for _, tt := range tests {
		if got := ix.Search(tt.query, 0); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
		}
	}
	if got := ix.Search("đất", 1); len(got) != 1 {
		t.Errorf("limit 1 gave %d pages", len(got))
	}
	if ix.Len() != 4 {
		t.Errorf("Len = %d", ix.Len())
	}
}

func FuzzSearch(f *testing.F) {
	f.Add("Đất đai, nhà ở", "dat dai")
	f.Add("\u0301\u0301", "\u0301")
	f.Add("a b c", "b c")
	f.Fuzz(func(t *testing.T, text, query string) {
		ix := New()
		ix.Add("d", 0, text)
		got := ix.Search(query, 0)
		// Whenever the index finds the page, the folded query's words are
		// in the folded text, so a linear scan agrees.
		fq, ft := Fold(query), " "+Fold(text)+" "
		if len(got) == 1 && !strings.Contains(ft, " "+fq) {
			t.Fatalf("Search(%q) found %q (folded %q) in %q", query, text, fq, ft)
		}
		// A query of whole words that is in the text is found.
		if fq != "" && strings.Contains(ft, " "+fq+" ") && len(got) != 1 {
			t.Fatalf("Search(%q) missed %q", query, ft)
		}
		if f2 := Fold(fq); f2 != fq {
			t.Fatalf("Fold is not idempotent: %q -> %q", fq, f2)
		}
	})
}

func ExampleIndex_Search() {
	ix := New()
	ix.Add("to-trinh", 0, "Tờ trình về Luật Đất đai (sửa đổi)")
	ix.Add("to-trinh", 1, "Phụ lục: đất nông nghiệp")
	fmt.Println(ix.Search("luat dat dai", 0))
	fmt.Println(ix.Search("dat n", 0))
	// Output:
	// [{to-trinh 0}]
	// [{to-trinh 1}]
}

// corpus builds n pages of real Vietnamese text: the sample report's
// sentences, shuffled differently on each page, about 600 words a page.
func corpus(tb testing.TB, n int) []string {
	raw, err := os.ReadFile("/work/shared/samples/phien-hop-thu-5-ban-chi-dao-cchc-2023.txt")
	if err != nil {
		raw = []byte(sampleText)
	}
	sentences := strings.FieldsFunc(string(raw), func(r rune) bool { return r == '.' || r == '\n' })
	pages := make([]string, n)
	seed := uint32(1)
	for i := range pages {
		var b strings.Builder
		for b.Len() < 3500 {
			seed = seed*1664525 + 1013904223
			b.WriteString(sentences[int(seed>>8)%len(sentences)])
			b.WriteString(". ")
		}
		if i%97 == 0 {
			b.WriteString("Về chính sách đất đai và bồi thường giải phóng mặt bằng. ")
		}
		pages[i] = b.String()
	}
	return pages
}

// sampleText stands in when the shared samples are not on the machine.
const sampleText = "Thủ tướng Chính phủ chủ trì phiên họp. Ban Chỉ đạo Cải cách hành chính của Chính phủ. " +
	"Các bộ, ngành, địa phương tiếp tục đẩy mạnh chuyển đổi số. Người dân và doanh nghiệp được phục vụ tốt hơn."

// BenchmarkSearch5000Pages compares a search of about 5,000 pages (200
// papers of 25 pages) through the index with the fastest linear scan of the
// same text held in memory: strings.Contains over text already folded (the
// scan gets its folding for free). ratio = scan / index, target >= 10.
func BenchmarkSearch5000Pages(b *testing.B) {
	pages := corpus(b, 5000)
	ix := New()
	folded := make([]string, len(pages))
	for i, p := range pages {
		ix.Add(fmt.Sprintf("paper-%03d", i/25), i%25, p)
		folded[i] = " " + Fold(p) + " "
	}
	for _, q := range []string{"dat dai va boi thuong", "chuyen doi so", "thu tuong"} {
		fq := " " + Fold(q) + " "
		scan := func() int {
			n := 0
			for _, f := range folded {
				if strings.Contains(f, fq) {
					n++
				}
			}
			return n
		}
		if got, want := len(ix.Search(q+" ", 0)), scan(); got != want {
			b.Fatalf("%q: index found %d pages, scan %d", q, got, want)
		}
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			// On one OS thread, so that its CPU time can be read beside
			// the wall time (cpu-ratio: what each side computed, without
			// the waits for a core that a shared machine adds to both).
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var tIndex, tScan, cIndex, cScan time.Duration
			cpu := true
			for b.Loop() {
				c0, ok0 := threadCPU()
				t0 := time.Now()
				ix.Search(q+" ", 0)
				t1 := time.Now()
				c1, ok1 := threadCPU()
				scan()
				tScan += time.Since(t1)
				c2, ok2 := threadCPU()
				tIndex += t1.Sub(t0)
				cIndex, cScan = cIndex+c1-c0, cScan+c2-c1
				cpu = cpu && ok0 && ok1 && ok2
			}
			b.ReportMetric(float64(tIndex)/float64(b.N)/1e6, "index-ms/op")
			b.ReportMetric(float64(tScan)/float64(b.N)/1e6, "scan-ms/op")
			b.ReportMetric(float64(tScan)/float64(tIndex), "ratio")
			if cpu && cIndex > 0 {
				b.ReportMetric(float64(cScan)/float64(cIndex), "cpu-ratio")
			}
		})
	}
}

// Over many pages of real text, a phrase search finds exactly the pages a
// linear scan of the folded text finds, for phrases of common words (found
// on most pages, several times), of rare ones, and with repeated words.
func TestSearch_AgreesWithAScanOverManyPages(t *testing.T) {
	pages := corpus(t, 400)
	ix := New()
	folded := make([]string, len(pages))
	for i, p := range pages {
		ix.Add("paper", i, p)
		folded[i] = " " + Fold(p) + " "
	}
	for _, q := range []string{"thu tuong", "chuyen doi so", "cai cach hanh chinh", "dat dai va boi thuong", "va", "cua chinh phu va", "hanh chinh hanh chinh", "so so"} {
		var want []int
		for i, f := range folded {
			if strings.Contains(f, " "+Fold(q)+" ") {
				want = append(want, i)
			}
		}
		var got []int
		for _, pg := range ix.Search(q+" ", 0) {
			got = append(got, pg.Page)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: the index finds %d pages, the scan %d", q, len(got), len(want))
		}
	}
}

// A two-word phrase is answered from the pages where its words follow one
// another: not where both occur apart, in the order added, and at most
// limit of them.
func TestSearch_TwoWordsFromTheirPairs(t *testing.T) {
	ix := New()
	ix.Add("a", 0, "Thủ tướng Chính phủ")
	ix.Add("a", 1, "tướng quân và ông thủ kho") // both words, never in a row
	ix.Add("b", 0, "Phó Thủ tướng")
	ix.Add("b", 1, "thu tuong")
	for _, tc := range []struct {
		limit int
		want  []Page
	}{
		{0, []Page{{"a", 0}, {"b", 0}, {"b", 1}}},
		{2, []Page{{"a", 0}, {"b", 0}}},
	} {
		if got := ix.Search("thu tuong ", tc.limit); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("limit %d: %v, want %v", tc.limit, got, tc.want)
		}
	}
	if got := ix.Search("tuong thu ", 0); len(got) != 0 {
		t.Errorf("the words the other way round: %v", got)
	}
}
