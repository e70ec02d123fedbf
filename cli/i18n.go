package cli

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"text/template"

	"github.com/ecabinet/ecabinet/assets"
)

// The commands print in the language asked for (--lang, else the
// environment), whatever the system locale says. fyne.io/fyne/v2/lang (as of
// v2.7.1) picks the language from the system locale and offers no override,
// so the commands read the same embedded translation files themselves:
// translations/<area>.<locale>.json, flat "key": "message" maps whose
// messages may use text/template fields ({{.N}}) like go-i18n's. The desktop
// app loads the very same files through lang.AddTranslationsFS.

const (
	langVI = "vi"
	langEN = "en"
)

// catalogs maps a locale to its messages, merged from every area's file.
var (
	catalogsOnce sync.Once
	catalogs     map[string]map[string]string
	catalogsErr  error
)

func loadCatalogs() (map[string]map[string]string, error) {
	catalogsOnce.Do(func() {
		catalogs, catalogsErr = readCatalogs(assets.Translations, "translations")
	})
	return catalogs, catalogsErr
}

// readCatalogs reads dir/<area>.<locale>.json files from fsys.
func readCatalogs(fsys fs.FS, dir string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	files, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := f.Name()
		if f.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		base := strings.TrimSuffix(name, ".json")
		locale := base[strings.LastIndex(base, ".")+1:]
		data, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		var raw map[string]any
		if err := json.Unmarshal(data, &raw); err != nil {
			return nil, &os.PathError{Op: "parse", Path: name, Err: err}
		}
		if out[locale] == nil {
			out[locale] = map[string]string{}
		}
		flatten(out[locale], "", raw)
	}
	return out, nil
}

// flatten copies go-i18n style messages: plain strings, nested maps (keys
// joined with "."), and plural forms (the "other" form is used).
func flatten(dst map[string]string, prefix string, raw map[string]any) {
	for k, v := range raw {
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch v := v.(type) {
		case string:
			dst[key] = v
		case map[string]any:
			if other, ok := v["other"].(string); ok {
				dst[key] = other
			} else {
				flatten(dst, key, v)
			}
		}
	}
}

// translator renders messages in one language, falling back to English and
// then to the key itself, so a missing translation shows something.
type translator struct {
	lang string
	msgs map[string]string
	en   map[string]string
}

func newTranslator(lang string) *translator {
	cats, _ := loadCatalogs() // embedded files; a broken one is caught by the tests
	return &translator{lang: lang, msgs: cats[lang], en: cats[langEN]}
}

// T returns the message for key, with data filling its {{.Field}}s.
func (t *translator) T(key string, data ...map[string]any) string {
	msg, ok := t.msgs[key]
	if !ok || msg == "" {
		if msg, ok = t.en[key]; !ok || msg == "" {
			return key
		}
	}
	if !strings.Contains(msg, "{{") {
		return msg
	}
	var d map[string]any
	if len(data) > 0 {
		d = data[0]
	}
	tpl, err := template.New(key).Option("missingkey=zero").Parse(msg)
	if err != nil {
		return msg
	}
	var b strings.Builder
	if err := tpl.Execute(&b, d); err != nil {
		return msg
	}
	return b.String()
}

// Has reports whether key has a message in the translator's language.
func (t *translator) Has(key string) bool { return t.msgs[key] != "" }

// envLang is the language of the environment: Vietnamese when the locale
// variables say so (LC_ALL, then LC_MESSAGES, then LANG), English otherwise.
func envLang() string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "vi") {
				return langVI
			}
			return langEN
		}
	}
	return langEN
}
