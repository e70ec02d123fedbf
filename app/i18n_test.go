package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"fyne.io/fyne/v2/lang"
)

// readKeys reads the keys of a translation file.
func readKeys(t *testing.T, name string) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "assets", "translations", name))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	keys := make(map[string]bool, len(m))
	for k, v := range m {
		if p, ok := v.(map[string]any); ok {
			v = p["other"] // a plural form (Fyne's file.name)
		}
		if s, ok := v.(string); !ok || s == "" {
			t.Errorf("%s: %q has no text", name, k)
		}
		keys[k] = true
	}
	return keys
}

func TestTranslations_BothLanguagesHaveTheSameKeys(t *testing.T) {
	vi, en := readKeys(t, "app.vi.json"), readKeys(t, "app.en.json")
	for k := range vi {
		if !en[k] {
			t.Errorf("%q is in app.vi.json but not in app.en.json", k)
		}
	}
	for k := range en {
		if !vi[k] {
			t.Errorf("%q is in app.en.json but not in app.vi.json", k)
		}
	}
}

// keyUse matches lang.X("key", … in the sources.
var keyUse = regexp.MustCompile(`lang\.X\(\s*"([^"]+)"`)

// usedKeys collects the keys of lang.X calls in the package's sources.
func usedKeys(t *testing.T) map[string]bool {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, f := range files {
		if matched, _ := filepath.Match("*_test.go", f); matched {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUse.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use: is the pattern still right?", len(used))
	}
	return used
}

func TestTranslations_EveryKeyUsedExists(t *testing.T) {
	vi, en := readKeys(t, "app.vi.json"), readKeys(t, "app.en.json")
	used := usedKeys(t)
	var missing []string
	for k := range used {
		if !vi[k] || !en[k] {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	for _, k := range missing {
		t.Errorf("%q is used but missing from app.vi.json or app.en.json", k)
	}
}

// fyneKeys are Fyne's own strings (dialog buttons, the entry menu, the
// file dialogs, the calendar's weekdays): the keys of Fyne 2.7's
// lang/translations/base.en.json, translated in app.*.json because Fyne
// ships no Vietnamese.
var fyneKeys = []string{
	"Advanced", "Cancel", "Confirm", "Copy", "Create Folder", "Cut", "Enter filename", "Error", "Favourites", "File", "Folder",
	"New Folder", "No", "OK", "Open", "Paste", "Quit", "Redo", "Save", "Select all", "Show Hidden Files", "Undo", "Yes",
	"file.name", "file.parent",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"monday.short", "tuesday.short", "wednesday.short", "thursday.short", "friday.short", "saturday.short", "sunday.short",
}

func TestTranslations_FyneSpeaksVietnamese(t *testing.T) {
	// given the app in Vietnamese
	setLanguage(langVI)
	vi := readKeys(t, "app.vi.json")
	for _, k := range fyneKeys {
		if !vi[k] {
			t.Errorf("Fyne's %q has no Vietnamese", k)
		}
	}
	// then Fyne's own widgets look their words up in Vietnamese: the file
	// dialog, the entry's menu, the calendar
	for _, tc := range []struct{ key, want string }{
		{"Create Folder", "Tạo thư mục"},
		{"Show Hidden Files", "Hiện tệp ẩn"},
		{"Select all", "Chọn tất cả"},
		{"monday.short", "T2"},
	} {
		if got := lang.L(tc.key); got != tc.want {
			t.Errorf("lang.L(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	if got := lang.X("file.name", "Name"); got != "Tên" {
		t.Errorf("the file dialog's Name column is %q, want %q", got, "Tên")
	}
	// and in English when the app is
	setLanguage(langEN)
	t.Cleanup(func() { setLanguage(langVI) })
	if got := lang.L("Create Folder"); got != "Create Folder" {
		t.Errorf("en: %q", got)
	}
}

func TestTranslations_NoUnusedKeys(t *testing.T) {
	used := usedKeys(t)
	for _, k := range fyneKeys {
		used[k] = true
	}
	var unused []string
	for k := range readKeys(t, "app.vi.json") {
		if !used[k] {
			unused = append(unused, k)
		}
	}
	sort.Strings(unused)
	for _, k := range unused {
		t.Errorf("%q is in app.*.json but no screen uses it", k)
	}
}

// English counts agree with their number; Vietnamese nouns do not change.
func TestTranslations_EnglishCountsAgree(t *testing.T) {
	setLanguage(langEN)
	t.Cleanup(func() { setLanguage(langVI) })
	for _, tc := range []struct {
		key  string
		n    int
		want string
	}{
		{"meetings.count", 1, "1 meeting"},
		{"meetings.count", 2, "2 meetings"},
		{"ballots.count", 1, "1 ballot"},
		{"ballots.count", 0, "0 ballots"},
		{"audit.count", 1, "1 entry"},
		{"audit.ok", 6, "Chain valid: 6 entries"},
	} {
		if got := lang.X(tc.key, "", map[string]any{"N": tc.n}); got != tc.want {
			t.Errorf("%s with %d: %q, want %q", tc.key, tc.n, got, tc.want)
		}
	}
	setLanguage(langVI)
	if got := lang.X("meetings.count", "", map[string]any{"N": 1}); got != "1 phiên họp" {
		t.Errorf("vi: %q", got)
	}
}
