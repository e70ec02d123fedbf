package assets

import _ "embed"

// The fonts of the PDF documents (report/): Noto Sans, the face Fyne's
// default theme bundles, so a printed document reads like the screen. It has
// every Vietnamese letter precomposed (but no ☐). SIL Open Font License
// 1.1: fonts/LICENSE-NotoSans.txt. They are kept here, not taken from Fyne,
// because the headless commands and the hub build without Fyne.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	NotoSansRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	NotoSansBold []byte
	//go:embed fonts/NotoSans-Italic.ttf
	NotoSansItalic []byte
)
