package app

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The first-run and unlock screens share one frame: the brand panel in the
// accent colour on the left, with the language switch at its foot, and the
// form on the right.

// brandPanel is the left half of the welcome screens.
func brandPanel(langSwitch fyne.CanvasObject) fyne.CanvasObject {
	logo := canvas.NewImageFromResource(appIcon)
	logo.FillMode = canvas.ImageFillContain
	logo.SetMinSize(fyne.NewSize(88, 88))
	name := newLine("eCabinet", colorNameOnBrand, theme.SizeNameHeadingText, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateOff
	tagline := paragraph(lang.X("welcome.tagline", "Meetings and written opinions of the committee, without paper."),
		colorNameOnBrand, theme.SizeNameSubHeadingText, fyne.TextStyle{})
	point := func(text string) fyne.CanvasObject {
		icon := canvas.NewImageFromResource(theme.NewColoredResource(theme.ConfirmIcon(), colorNameOnBrand))
		icon.SetMinSize(fyne.NewSize(20, 20))
		t := paragraph(text, colorNameOnBrand, theme.SizeNameText, fyne.TextStyle{})
		return container.NewBorder(nil, nil, container.NewVBox(padded(9, 0, 0, 0, icon)), nil, t)
	}
	points := container.NewVBox(
		point(lang.X("welcome.point.meetings", "Sessions, agendas and attendance, prepared by the secretariat.")),
		point(lang.X("welcome.point.ballots", "Opinion ballots you can answer even when offline.")),
		point(lang.X("welcome.point.safe", "Everything is encrypted on this computer and signed by it.")),
	)
	body := container.NewVBox(container.NewHBox(logo), padded(8, 0, 0, 0, name), tagline, padded(24, 0, 0, 0, points))
	foot := container.NewThemeOverride(langSwitch, &onBrandTheme{newTheme()})
	return flatSurface(colorNameBrand, fixedWidth(400, padded(0, 20, 40, 36,
		container.NewVBox(layout.NewSpacer(), body, layout.NewSpacer(), foot))))
}

// onBrandTheme draws widgets in white on the brand colour.
type onBrandTheme struct{ fyne.Theme }

func (t *onBrandTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNameForeground, theme.ColorNamePrimary:
		return color.White
	case theme.ColorNameInputBorder, theme.ColorNameDisabled:
		return color.NRGBA{0xff, 0xff, 0xff, 0xa0}
	case theme.ColorNameHover, theme.ColorNameFocus:
		return color.NRGBA{0xff, 0xff, 0xff, 0x30}
	case theme.ColorNameInputBackground, theme.ColorNameBackground:
		return color.Transparent
	}
	return t.Theme.Color(n, v)
}

// welcomeFrame puts the brand panel, with the language switch, beside a
// form.
func welcomeFrame(langSwitch, form fyne.CanvasObject) fyne.CanvasObject {
	right := container.NewVScroll(padded(24, 24, 32, 32, container.NewCenter(fixedWidth(460, form))))
	return container.NewBorder(nil, nil, brandPanel(langSwitch), nil, right)
}

// welcomeWork is what the welcome screens (unlock, first run, join) show
// below their form: the error of the last try, and, while the profile is
// being opened, created or enrolled, an activity and a line saying so.
type welcomeWork struct {
	busy   *widget.Activity
	status *line
	errMsg *line
}

// newWelcomeWork is the error and working indicators, hidden; working says
// what is being done.
func newWelcomeWork(working string) welcomeWork {
	w := welcomeWork{
		busy:   widget.NewActivity(),
		status: subtleLine(working),
		errMsg: paragraph("", theme.ColorNameError, theme.SizeNameText, fyne.TextStyle{}),
	}
	w.busy.Hide()
	w.status.Hide()
	w.errMsg.Hide()
	return w
}

// showErr says why the last try failed; root is the screen to refresh.
func (w welcomeWork) showErr(err error, root fyne.CanvasObject) {
	w.errMsg.setText(errorText(err))
	w.errMsg.Show()
	root.Refresh()
}

// setBusy shows that the work runs, with the form's controls disabled, or
// that it stopped, with them enabled again.
func (w welcomeWork) setBusy(b bool, root fyne.CanvasObject, controls ...fyne.Disableable) {
	for _, c := range controls {
		if b {
			c.Disable()
		} else {
			c.Enable()
		}
	}
	if b {
		w.errMsg.Hide()
		w.busy.Show()
		w.busy.Start()
		w.status.Show()
	} else {
		w.busy.Stop()
		w.busy.Hide()
		w.status.Hide()
	}
	root.Refresh()
}
