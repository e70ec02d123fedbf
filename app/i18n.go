package app

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/assets"
)

// Languages the app speaks, and the preference that remembers the choice.
const (
	langVI       = "vi"
	langEN       = "en"
	prefLanguage = "language"
)

// currentLang is the language the screens are built in. It changes only on
// the UI goroutine (or before the UI exists).
var currentLang = langVI

// loadTranslations registers every translations/*.json file with Fyne's
// lang package. It must run before any screen is built.
func loadTranslations() error {
	return lang.AddTranslationsFS(assets.Translations, "translations")
}

// chooseLanguage picks the language: the command line's, else the saved
// preference, else Vietnamese.
func chooseLanguage(flag string, prefs fyne.Preferences) string {
	for _, l := range []string{flag, prefs.String(prefLanguage)} {
		if l == langVI || l == langEN {
			return l
		}
	}
	return langVI
}

// setLanguage makes lang.X answer in code ("vi" or "en") whatever the
// system locale is.
//
// Fyne picks its localizer from the system locale and offers no call to
// choose another. So the chosen language's files are registered again under
// the locales that localizer can end up with: "en" (the bundle's default,
// which every lookup falls back to), "vi", and the system's own locale.
// Registering a language replaces earlier messages with the same keys, so
// switching back and forth works, and every app key exists in both
// languages (a test checks it). Fyne's own strings (Cancel, weekday names …)
// are in app.*.json too, because Fyne ships no Vietnamese.
func setLanguage(code string) {
	if code != langEN {
		code = langVI
	}
	data, err := languageFile(code)
	if err != nil {
		fyne.LogError("read translations", err)
		return
	}
	seen := map[fyne.Locale]bool{}
	for _, l := range []fyne.Locale{"en", "vi", lang.SystemLocale()} {
		if seen[l] {
			continue
		}
		seen[l] = true
		// A locale without plural rules is refused; the others still work.
		_ = lang.AddTranslationsForLocale(data, l)
	}
	currentLang = code
}

// languageFile merges every translations/*.<code>.json into one file.
func languageFile(code string) ([]byte, error) {
	files, err := assets.Translations.ReadDir("translations")
	if err != nil {
		return nil, err
	}
	merged := map[string]any{}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), "."+code+".json") {
			continue
		}
		raw, err := assets.Translations.ReadFile("translations/" + f.Name())
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		maps.Copy(merged, m)
	}
	return json.Marshal(merged)
}
