package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// ecTheme is the eCabinet look: Fyne's default theme with one restrained
// accent (a deep formal blue), slightly larger text, softer corners, and a few
// named colours of our own for the navigation rail, cards and status chips.
// It follows the light or dark variant the system (or FYNE_THEME) asks for,
// unless a variant is forced (tests render the light variant).
type ecTheme struct {
	forced  bool
	variant fyne.ThemeVariant
}

var _ fyne.Theme = (*ecTheme)(nil)

// newTheme returns the theme that follows the system variant.
func newTheme() fyne.Theme { return &ecTheme{} }

// Colour names of our own, looked up through the theme so that each has a
// light and a dark value.
const (
	colorNameRail      fyne.ThemeColorName = "ecabinet.rail"
	colorNameSurface   fyne.ThemeColorName = "ecabinet.surface"
	colorNameSubtle    fyne.ThemeColorName = "ecabinet.subtle"
	colorNameBrand     fyne.ThemeColorName = "ecabinet.brand"
	colorNameOnBrand   fyne.ThemeColorName = "ecabinet.onBrand"
	colorNameSelected  fyne.ThemeColorName = "ecabinet.selected"
	colorNameRailHover fyne.ThemeColorName = "ecabinet.railHover"
)

// chipKind is the meaning of a status chip or banner, which decides its
// colours.
type chipKind int

const (
	chipNeutral chipKind = iota
	chipAccent
	chipSuccess
	chipWarning
	chipDanger
)

func (k chipKind) bgName() fyne.ThemeColorName {
	return fyne.ThemeColorName("ecabinet.chip.bg." + k.String())
}

func (k chipKind) fgName() fyne.ThemeColorName {
	return fyne.ThemeColorName("ecabinet.chip.fg." + k.String())
}

func (k chipKind) String() string {
	switch k {
	case chipAccent:
		return "accent"
	case chipSuccess:
		return "success"
	case chipWarning:
		return "warning"
	case chipDanger:
		return "danger"
	}
	return "neutral"
}

func rgb(hex uint32) color.NRGBA {
	return color.NRGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

func rgba(hex uint32, a uint8) color.NRGBA {
	c := rgb(hex)
	c.A = a
	return c
}

// palette holds the light and dark value of each colour we change.
var palette = map[fyne.ThemeColorName][2]color.Color{
	theme.ColorNamePrimary:             {rgb(0x1F4E8C), rgb(0x7EA9E6)},
	theme.ColorNameHyperlink:           {rgb(0x1F4E8C), rgb(0x8DB5EE)},
	theme.ColorNameForegroundOnPrimary: {rgb(0xFFFFFF), rgb(0x0C1A2E)},
	theme.ColorNameFocus:               {rgba(0x1F4E8C, 0x55), rgba(0x7EA9E6, 0x66)},
	theme.ColorNameSelection:           {rgba(0x1F4E8C, 0x33), rgba(0x7EA9E6, 0x44)},
	theme.ColorNameBackground:          {rgb(0xFFFFFF), rgb(0x17191D)},
	theme.ColorNameForeground:          {rgb(0x1C232D), rgb(0xE6E9EE)},
	theme.ColorNamePlaceHolder:         {rgb(0x7A8594), rgb(0x8D96A3)},
	theme.ColorNameSeparator:           {rgb(0xE1E5EB), rgb(0x2E3238)},
	theme.ColorNameInputBackground:     {rgb(0xF6F8FB), rgb(0x22252A)},
	theme.ColorNameInputBorder:         {rgb(0xC9D0DA), rgb(0x454B54)},
	theme.ColorNameHeaderBackground:    {rgb(0xF2F4F8), rgb(0x202328)},
	theme.ColorNameError:               {rgb(0xB3261E), rgb(0xF2B8B5)},
	theme.ColorNameSuccess:             {rgb(0x2E7D32), rgb(0x81C995)},
	theme.ColorNameWarning:             {rgb(0xB26A00), rgb(0xF2C27A)},

	colorNameRail:      {rgb(0xF2F4F8), rgb(0x1D2025)},
	colorNameSurface:   {rgb(0xF7F9FC), rgb(0x202328)},
	colorNameSubtle:    {rgb(0x5B6675), rgb(0xA3ACB9)},
	colorNameBrand:     {rgb(0x1F4E8C), rgb(0x1B3A63)},
	colorNameOnBrand:   {rgb(0xFFFFFF), rgb(0xFFFFFF)},
	colorNameSelected:  {rgb(0xDCE6F4), rgb(0x26395A)},
	colorNameRailHover: {rgb(0xE7EBF2), rgb(0x272B31)},

	chipNeutral.bgName(): {rgb(0xECEFF3), rgb(0x30343B)},
	chipNeutral.fgName(): {rgb(0x3C4654), rgb(0xCDD3DC)},
	chipAccent.bgName():  {rgb(0xE1EAF7), rgb(0x223550)},
	chipAccent.fgName():  {rgb(0x1F4E8C), rgb(0xAFC9EF)},
	chipSuccess.bgName(): {rgb(0xE2F2E5), rgb(0x1E3826)},
	chipSuccess.fgName(): {rgb(0x1D6630), rgb(0x9FD8AE)},
	chipWarning.bgName(): {rgb(0xFCEFD9), rgb(0x3D3020)},
	chipWarning.fgName(): {rgb(0x875000), rgb(0xF2C27A)},
	chipDanger.bgName():  {rgb(0xFBE3E2), rgb(0x452426)},
	chipDanger.fgName():  {rgb(0xA2231B), rgb(0xF2A9A5)},
}

func (t *ecTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	if c, ok := palette[n]; ok {
		if v == theme.VariantLight {
			return c[0]
		}
		return c[1]
	}
	return theme.DefaultTheme().Color(n, v)
}

func (t *ecTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (t *ecTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *ecTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 15
	case theme.SizeNameCaptionText:
		return 13
	case theme.SizeNameSubHeadingText:
		return 19
	case theme.SizeNameHeadingText:
		return 24
	case theme.SizeNameInputRadius, theme.SizeNameSelectionRadius:
		return 6
	case theme.SizeNameInnerPadding:
		return 9
	}
	return theme.DefaultTheme().Size(n)
}

// themeColor looks a colour up in the theme that applies to obj.
func themeColor(obj fyne.CanvasObject, n fyne.ThemeColorName) color.Color {
	th := theme.CurrentForWidget(obj)
	return th.Color(n, fyne.CurrentApp().Settings().ThemeVariant())
}

// themeSize looks a size up in the theme that applies to obj.
func themeSize(obj fyne.CanvasObject, n fyne.ThemeSizeName) float32 {
	return theme.CurrentForWidget(obj).Size(n)
}
