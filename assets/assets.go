// Package assets embeds what the binary carries with it: translations
// (translations/*.json, one file per area and locale, e.g. app.vi.json),
// the application icon and fonts.
package assets

import "embed"

// Translations holds translations/*.json for fyne.io/fyne/v2/lang
// (lang.AddTranslationsFS(assets.Translations, "translations")).
//
//go:embed translations/*.json
var Translations embed.FS
