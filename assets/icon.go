package assets

import _ "embed"

// Icon is the application icon (icons/icon.png, 512×512), drawn by
// icons/gen/main.go. Wrap it with fyne.NewStaticResource to show it.
//
//go:embed icons/icon.png
var Icon []byte
