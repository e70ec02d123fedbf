package app

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// This file holds the small building blocks every screen uses: status chips,
// styled text lines, banners, cards, avatars and the screen header.

// chip is a small rounded label whose colours say what it means (a status,
// a role, a deadline).
type chip struct {
	widget.BaseWidget
	text string
	kind chipKind
}

func newChip(text string, kind chipKind) *chip {
	c := &chip{text: text, kind: kind}
	c.ExtendBaseWidget(c)
	if text == "" {
		c.Hide()
	}
	return c
}

// set changes the chip; an empty text hides it.
func (c *chip) set(text string, kind chipKind) {
	if text == "" {
		c.text = ""
		c.Hide()
		return
	}
	changed := text != c.text || kind != c.kind
	c.text, c.kind = text, kind
	if !c.Visible() {
		c.Show()
	}
	if changed {
		c.Refresh()
	}
}

func (c *chip) CreateRenderer() fyne.WidgetRenderer {
	r := &chipRenderer{c: c, bg: canvas.NewRectangle(color.Transparent), txt: canvas.NewText("", color.Black)}
	r.txt.TextStyle = fyne.TextStyle{Bold: true}
	r.Refresh()
	return r
}

type chipRenderer struct {
	c   *chip
	bg  *canvas.Rectangle
	txt *canvas.Text
}

const chipPadX, chipPadY = 10, 3

func (r *chipRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	r.bg.CornerRadius = s.Height / 2
	ts := r.txt.MinSize()
	r.txt.Move(fyne.NewPos((s.Width-ts.Width)/2, (s.Height-ts.Height)/2))
	r.txt.Resize(ts)
}

func (r *chipRenderer) MinSize() fyne.Size {
	ts := r.txt.MinSize()
	return fyne.NewSize(ts.Width+2*chipPadX, ts.Height+2*chipPadY)
}

func (r *chipRenderer) Refresh() {
	r.txt.Text = r.c.text
	r.txt.TextSize = themeSize(r.c, theme.SizeNameCaptionText)
	r.txt.Color = themeColor(r.c, r.c.kind.fgName())
	r.bg.FillColor = themeColor(r.c, r.c.kind.bgName())
	r.Layout(r.c.Size())
	r.bg.Refresh()
	r.txt.Refresh()
}

func (r *chipRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.txt} }
func (r *chipRenderer) Destroy()                     {}

// line is one line (or paragraph) of text in a theme colour and size,
// truncated or wrapped: secondary lines in list rows, captions, headings.
// It extends widget.RichText (ExtendBaseWidget), so refreshing it redraws
// what is on screen.
type line struct {
	widget.RichText
	seg *widget.TextSegment
}

func newLine(text string, colorName fyne.ThemeColorName, sizeName fyne.ThemeSizeName, style fyne.TextStyle) *line {
	seg := &widget.TextSegment{Text: text, Style: widget.RichTextStyle{
		ColorName: colorName, SizeName: sizeName, TextStyle: style, Inline: true,
	}}
	l := &line{seg: seg}
	l.Segments = []widget.RichTextSegment{seg}
	l.Scroll = container.ScrollNone // what widget.NewRichText sets
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// subtleLine is a secondary line in the caption size, truncated.
func subtleLine(text string) *line {
	return newLine(text, colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
}

// titleLine is a bold line in the body size, truncated.
func titleLine(text string) *line {
	return newLine(text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true})
}

// paragraph is wrapped text.
func paragraph(text string, colorName fyne.ThemeColorName, sizeName fyne.ThemeSizeName, style fyne.TextStyle) *line {
	l := newLine(text, colorName, sizeName, style)
	l.Truncation = fyne.TextTruncateOff
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (l *line) setText(text string) {
	if l.seg.Text == text {
		return
	}
	l.seg.Text = text
	l.Refresh()
}

// card puts content on a softly tinted, rounded surface.
func card(content fyne.CanvasObject) fyne.CanvasObject {
	return newSurface(colorNameSurface, content)
}

// surface is a rounded background in a theme colour behind padded content;
// it follows theme changes.
type surface struct {
	widget.BaseWidget
	colorName fyne.ThemeColorName
	content   fyne.CanvasObject
	flat      bool       // square and unpadded
	pad       [4]float32 // top, bottom, left, right; zero means the default
}

func newSurface(colorName fyne.ThemeColorName, content fyne.CanvasObject) *surface {
	s := &surface{colorName: colorName, content: content}
	s.ExtendBaseWidget(s)
	return s
}

func (s *surface) setColor(n fyne.ThemeColorName) {
	s.colorName = n
	s.Refresh()
}

func (s *surface) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	pad := container.New(layout.NewCustomPaddedLayout(0, 0, 0, 0), s.content)
	if !s.flat {
		bg.CornerRadius = 10
		p := s.pad
		if p == [4]float32{} {
			p = [4]float32{12, 12, 14, 14}
		}
		pad = container.New(layout.NewCustomPaddedLayout(p[0], p[1], p[2], p[3]), s.content)
	}
	r := &surfaceRenderer{s: s, bg: bg, pad: pad}
	r.Refresh()
	return r
}

type surfaceRenderer struct {
	s   *surface
	bg  *canvas.Rectangle
	pad *fyne.Container
}

func (r *surfaceRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.pad.Resize(size)
}
func (r *surfaceRenderer) MinSize() fyne.Size { return r.pad.MinSize() }
func (r *surfaceRenderer) Refresh() {
	r.bg.FillColor = themeColor(r.s, r.s.colorName)
	r.bg.Refresh()
	r.pad.Refresh()
}
func (r *surfaceRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.pad} }
func (r *surfaceRenderer) Destroy()                     {}

// banner is a coloured, rounded message with an icon: a saved answer, a
// quorum, a standing.
type banner struct {
	widget.BaseWidget
	bg   *surface
	icon *widget.Icon
	head *line
	body *line
	kind chipKind
}

func newBanner() *banner {
	b := &banner{
		icon: widget.NewIcon(theme.InfoIcon()),
		head: paragraph("", chipNeutral.fgName(), theme.SizeNameText, fyne.TextStyle{Bold: true}),
		body: paragraph("", chipNeutral.fgName(), theme.SizeNameCaptionText, fyne.TextStyle{}),
	}
	text := lines(b.head, b.body)
	b.bg = newSurface(chipNeutral.bgName(), container.NewBorder(nil, nil, container.NewVBox(padded(6, 0, 0, 0, b.icon)), nil, text))
	b.bg.pad = [4]float32{6, 6, 12, 12}
	b.ExtendBaseWidget(b)
	return b
}

func (b *banner) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.bg) }

// set shows the banner with a headline, a body (may be empty) and a kind.
func (b *banner) set(kind chipKind, icon fyne.Resource, head, body string) {
	b.kind = kind
	b.icon.SetResource(theme.NewColoredResource(icon, kind.fgName()))
	b.head.seg.Style.ColorName = kind.fgName()
	b.head.setText(head)
	b.head.Refresh()
	b.body.seg.Style.ColorName = kind.fgName()
	b.body.setText(body)
	b.body.Refresh()
	if body == "" {
		b.body.Hide()
	} else {
		b.body.Show()
	}
	b.bg.setColor(kind.bgName())
	b.Show()
	b.Refresh()
}

// avatar is a round badge with a member's initials.
type avatar struct {
	widget.BaseWidget
	text string
	kind chipKind
}

func newAvatar() *avatar {
	a := &avatar{}
	a.ExtendBaseWidget(a)
	return a
}

func (a *avatar) set(name string, kind chipKind) {
	t := initials(name)
	if t == a.text && kind == a.kind {
		return
	}
	a.text, a.kind = t, kind
	a.Refresh()
}

func (a *avatar) CreateRenderer() fyne.WidgetRenderer {
	r := &avatarRenderer{a: a, bg: canvas.NewCircle(color.Transparent), txt: canvas.NewText("", color.Black)}
	r.txt.TextStyle = fyne.TextStyle{Bold: true}
	r.txt.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type avatarRenderer struct {
	a   *avatar
	bg  *canvas.Circle
	txt *canvas.Text
}

const avatarSize = 38

func (r *avatarRenderer) Layout(s fyne.Size) {
	d := min(s.Width, s.Height)
	r.bg.Move(fyne.NewPos((s.Width-d)/2, (s.Height-d)/2))
	r.bg.Resize(fyne.NewSize(d, d))
	ts := r.txt.MinSize()
	r.txt.Move(fyne.NewPos((s.Width-ts.Width)/2, (s.Height-ts.Height)/2))
	r.txt.Resize(ts)
}
func (r *avatarRenderer) MinSize() fyne.Size { return fyne.NewSize(avatarSize, avatarSize) }
func (r *avatarRenderer) Refresh() {
	r.txt.Text = r.a.text
	r.txt.TextSize = themeSize(r.a, theme.SizeNameCaptionText)
	r.txt.Color = themeColor(r.a, r.a.kind.fgName())
	r.bg.FillColor = themeColor(r.a, r.a.kind.bgName())
	r.Layout(r.a.Size())
	r.bg.Refresh()
	r.txt.Refresh()
}
func (r *avatarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.txt} }
func (r *avatarRenderer) Destroy()                     {}

// header is the top of a screen: a title, a subtitle and actions on the
// right, above a separator.
type header struct {
	root     fyne.CanvasObject
	title    *line
	subtitle *line
}

func newHeader(title, subtitle string, actions ...fyne.CanvasObject) *header {
	h := &header{
		title:    newLine(title, theme.ColorNameForeground, theme.SizeNameHeadingText, fyne.TextStyle{Bold: true}),
		subtitle: subtleLine(subtitle),
	}
	right := container.NewHBox(actions...)
	text := lines(h.title, h.subtitle)
	h.root = container.NewVBox(
		container.New(layout.NewCustomPaddedLayout(10, 6, 16, 16),
			container.NewBorder(nil, nil, nil, container.NewCenter(right), text)),
		widget.NewSeparator(),
	)
	return h
}

// emptyState is what a pane shows when there is nothing to show yet.
func emptyState(icon fyne.Resource, text string) fyne.CanvasObject {
	img := widget.NewIcon(theme.NewDisabledResource(icon))
	size := container.NewGridWrap(fyne.NewSize(64, 64), img)
	msg := newLine(text, colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	msg.Truncation = fyne.TextTruncateOff
	msg.seg.Style.Alignment = fyne.TextAlignCenter
	return container.NewCenter(container.NewVBox(container.NewCenter(size), msg))
}

// navItem is one entry of the navigation rail: an icon and a label, with
// a selected and a hover state; a disabled entry shows a hint instead.
type navItem struct {
	widget.BaseWidget
	icon     fyne.Resource
	label    string
	hint     string
	badge    string
	selected bool
	hovered  bool
	focused  bool // it has the keyboard (Tab reaches every usable entry)
	disabled bool
	onTap    func()
}

// setBadge shows a count beside the label (nothing for zero).
func (n *navItem) setBadge(count int) {
	b := ""
	if count > 0 {
		b = strconv.Itoa(count)
	}
	if b != n.badge {
		n.badge = b
		n.Refresh()
	}
}

var (
	_ fyne.Tappable      = (*navItem)(nil)
	_ fyne.Focusable     = (*navItem)(nil)
	_ fyne.Disableable   = (*navItem)(nil)
	_ desktop.Hoverable  = (*navItem)(nil)
	_ desktop.Cursorable = (*navItem)(nil)
)

func newNavItem(icon fyne.Resource, label string, onTap func()) *navItem {
	n := &navItem{icon: icon, label: label, onTap: onTap}
	n.ExtendBaseWidget(n)
	return n
}

func (n *navItem) setSelected(s bool) {
	if n.selected != s {
		n.selected = s
		n.Refresh()
	}
}

func (n *navItem) Tapped(*fyne.PointEvent) {
	if !n.disabled && n.onTap != nil {
		n.onTap()
	}
}

// FocusGained shows that the entry has the keyboard.
func (n *navItem) FocusGained() {
	n.focused = true
	n.Refresh()
}

// FocusLost clears the focus state.
func (n *navItem) FocusLost() {
	n.focused = false
	n.Refresh()
}

// TypedRune ignores characters.
func (n *navItem) TypedRune(rune) {}

// TypedKey opens the entry's screen on Enter or Space.
func (n *navItem) TypedKey(k *fyne.KeyEvent) {
	if activates(k) {
		n.Tapped(nil)
	}
}

// Disabled reports whether the entry is not usable yet; Tab passes over it.
func (n *navItem) Disabled() bool { return n.disabled }

// Enable makes the entry usable.
func (n *navItem) Enable() { n.disabled = false; n.Refresh() }

// Disable makes the entry unusable.
func (n *navItem) Disable() { n.disabled = true; n.Refresh() }

func (n *navItem) MouseIn(*desktop.MouseEvent) {
	n.hovered = true
	n.Refresh()
}
func (n *navItem) MouseMoved(*desktop.MouseEvent) {}
func (n *navItem) MouseOut() {
	n.hovered = false
	n.Refresh()
}

func (n *navItem) Cursor() desktop.Cursor {
	if n.disabled {
		return desktop.DefaultCursor
	}
	return desktop.PointerCursor
}

func (n *navItem) CreateRenderer() fyne.WidgetRenderer {
	r := &navRenderer{
		n:    n,
		bg:   canvas.NewRectangle(color.Transparent),
		bar:  canvas.NewRectangle(color.Transparent),
		icon: widget.NewIcon(nil),
		txt:  canvas.NewText(n.label, color.Black),
		hint: canvas.NewText(n.hint, color.Black),
		bdg:  newChip("", chipDanger),
	}
	r.bg.CornerRadius = 8
	r.bar.CornerRadius = 2
	r.Refresh()
	return r
}

type navRenderer struct {
	n         *navItem
	bg, bar   *canvas.Rectangle
	icon      *widget.Icon
	txt, hint *canvas.Text
	bdg       *chip
}

const navIcon, navHeight = 22, 44

func (r *navRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	r.bar.Move(fyne.NewPos(0, 10))
	r.bar.Resize(fyne.NewSize(4, s.Height-20))
	r.icon.Move(fyne.NewPos(14, (s.Height-navIcon)/2))
	r.icon.Resize(fyne.NewSize(navIcon, navIcon))
	ts := r.txt.MinSize()
	x := float32(14 + navIcon + 12)
	if r.n.hint == "" {
		r.txt.Move(fyne.NewPos(x, (s.Height-ts.Height)/2))
	} else {
		hs := r.hint.MinSize()
		top := (s.Height - ts.Height - hs.Height) / 2
		r.txt.Move(fyne.NewPos(x, top))
		r.hint.Move(fyne.NewPos(x, top+ts.Height))
		r.hint.Resize(hs)
	}
	r.txt.Resize(ts)
	bs := r.bdg.MinSize()
	r.bdg.Move(fyne.NewPos(s.Width-bs.Width-8, (s.Height-bs.Height)/2))
	r.bdg.Resize(bs)
}

func (r *navRenderer) MinSize() fyne.Size {
	w := r.txt.MinSize().Width
	if r.n.hint != "" {
		w = max(w, r.hint.MinSize().Width)
	}
	return fyne.NewSize(14+navIcon+12+w+12, navHeight)
}

func (r *navRenderer) Refresh() {
	n := r.n
	fg := themeColor(n, theme.ColorNameForeground)
	var res fyne.Resource = theme.NewThemedResource(n.icon)
	switch {
	case n.disabled:
		fg = themeColor(n, theme.ColorNameDisabled)
		res = theme.NewDisabledResource(n.icon)
	case n.selected:
		fg = themeColor(n, theme.ColorNamePrimary)
		res = theme.NewPrimaryThemedResource(n.icon)
	}
	r.icon.SetResource(res)
	r.txt.Text = n.label
	r.txt.Color = fg
	r.txt.TextStyle = fyne.TextStyle{Bold: n.selected}
	r.txt.TextSize = themeSize(n, theme.SizeNameText)
	r.hint.Text = n.hint
	r.hint.Color = themeColor(n, colorNameSubtle)
	r.hint.TextSize = themeSize(n, theme.SizeNameCaptionText) - 1
	r.bdg.set(n.badge, chipDanger)
	switch {
	case n.focused:
		r.bg.FillColor = themeColor(n, theme.ColorNameFocus)
		r.bar.FillColor = color.Transparent
		if n.selected {
			r.bar.FillColor = themeColor(n, theme.ColorNamePrimary)
		}
	case n.selected:
		r.bg.FillColor = themeColor(n, colorNameSelected)
		r.bar.FillColor = themeColor(n, theme.ColorNamePrimary)
	case n.hovered && !n.disabled:
		r.bg.FillColor = themeColor(n, colorNameRailHover)
		r.bar.FillColor = color.Transparent
	default:
		r.bg.FillColor = color.Transparent
		r.bar.FillColor = color.Transparent
	}
	r.Layout(n.Size())
	canvas.Refresh(r.bg)
	canvas.Refresh(r.bar)
	r.txt.Refresh()
	r.hint.Refresh()
}

func (r *navRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.bg, r.bar, r.icon, r.txt, r.bdg}
	if r.n.hint != "" {
		objs = append(objs, r.hint)
	}
	return objs
}
func (r *navRenderer) Destroy() {}

// fixedWidth gives content a minimum width.
func fixedWidth(w float32, content fyne.CanvasObject) fyne.CanvasObject {
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(spacer, content)
}

// padded surrounds content with custom padding.
func padded(top, bottom, left, right float32, content fyne.CanvasObject) fyne.CanvasObject {
	return container.New(layout.NewCustomPaddedLayout(top, bottom, left, right), content)
}

// iconButton is a low-importance button with only an icon.
func iconButton(icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon("", icon, tapped)
	b.Importance = widget.LowImportance
	return b
}

// primaryButton is a high-importance button.
func primaryButton(text string, icon fyne.Resource, tapped func()) *widget.Button {
	b := widget.NewButtonWithIcon(text, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// linesLayout stacks text lines closer than a VBox: every RichText is padded
// by the theme's inner padding above and below, which is too loose between
// the lines of a list row.
type linesLayout struct{}

func (linesLayout) overlap(objs []fyne.CanvasObject) float32 {
	if len(objs) == 0 {
		return 0
	}
	return theme.CurrentForWidget(objs[0]).Size(theme.SizeNameInnerPadding) - 3
}

func (l linesLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	gap := l.overlap(objs)
	y := float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - gap
	}
}

func (l linesLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	gap := l.overlap(objs)
	var w, h float32
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		w = max(w, m.Width)
		h += m.Height
		n++
	}
	if n > 1 {
		h -= gap * float32(n-1)
	}
	return fyne.NewSize(w, h)
}

// lines stacks text lines tightly.
func lines(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(linesLayout{}, objs...)
}

// wrappedTitle is a bold title that wraps onto at most rows lines, the last
// one ended with an ellipsis if the text is longer; its height is always
// that of rows lines, so that list rows keep one height.
func wrappedTitle(rows int) (*line, fyne.CanvasObject) {
	l := titleLine("")
	l.Wrapping = fyne.TextWrapWord
	th := theme.Current()
	lineH := fyne.MeasureText("Ẩg", th.Size(theme.SizeNameText), fyne.TextStyle{Bold: true}).Height
	h := lineH*float32(rows) + th.Size(theme.SizeNameLineSpacing)*float32(rows-1) + 2*th.Size(theme.SizeNameInnerPadding)
	spacer := canvas.NewRectangle(color.Transparent)
	spacer.SetMinSize(fyne.NewSize(0, h))
	return l, container.NewStack(spacer, l)
}

// fixedHeight is empty space of a given height.
func fixedHeight(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return r
}

// shortList lets a list (or a pane that scrolls) be laid out shorter than
// its minimum: a widget.List's minimum height is one whole row, and a
// meeting's agenda rows are two-line titles with their presenter, some
// 100 px. Stacked under a three-line meeting title, its time, place,
// actions and book line, and the tab bar, one such row (the consent tab's
// intro above it) made the meeting pane need a few pixels more than a
// 660-px window gives it, and Fyne grows a window to its content's
// minimum: the window grew by 4 px on the secretariat's meeting screen.
// The list scrolls, so it asks only for one line of text; a shorter pane
// shows part of a row and scrolls to the rest.
func shortList(list fyne.CanvasObject) fyne.CanvasObject {
	return container.New(shortListLayout{}, list)
}

type shortListLayout struct{}

func (shortListLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (shortListLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w float32
	for _, o := range objs {
		w = max(w, o.MinSize().Width)
	}
	th := theme.Current()
	return fyne.NewSize(w, fyne.MeasureText("Ẩg", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height+2*th.Size(theme.SizeNameInnerPadding))
}

// clampLayout gives its content at most a given height: a wrapped text
// line with an ellipsis (TextTruncateEllipsis) then ends where the height
// does, instead of growing its pane and the window with it. A truncating
// RichText reports the height it was given, not the height its text
// needs, so probe — the same text, wrapped and never truncated, not drawn
// — is laid out at the content's width to learn how many lines the text
// wants. The content is never given less than one line (row): Fyne's
// RichText cannot truncate to no line at all.
type clampLayout struct {
	max, row float32
	probe    *line
}

func (l *clampLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.probe.Refresh() // the text may have changed
	l.probe.Resize(fyne.NewSize(size.Width, l.probe.MinSize().Height))
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(size.Width, max(size.Height, l.row)))
	}
}

func (l *clampLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	s.Height = max(min(l.probe.MinSize().Height, l.max), l.row)
	return s
}

// clampedTitle is a bold heading that wraps onto at most rows lines, the
// last ended with an ellipsis when the title is longer; a shorter title
// takes only its own lines. Tapping it shows the whole title, so a long
// one is never out of reach.
func clampedTitle(u *ui, rows int, sizeName fyne.ThemeSizeName) (*line, fyne.CanvasObject) {
	l := newLine("", theme.ColorNameForeground, sizeName, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	probe := &line{seg: l.seg}
	probe.Segments = []widget.RichTextSegment{l.seg} // shares the text
	probe.Scroll = container.ScrollNone
	probe.Wrapping = fyne.TextWrapWord
	probe.ExtendBaseWidget(probe)
	th := theme.Current()
	lineH := fyne.MeasureText("Ẩg", th.Size(sizeName), fyne.TextStyle{Bold: true}).Height
	h := lineH*float32(rows) + th.Size(theme.SizeNameLineSpacing)*float32(rows-1) + 2*th.Size(theme.SizeNameInnerPadding)
	box := container.New(&clampLayout{max: h, row: lineH + 2*th.Size(theme.SizeNameInnerPadding), probe: probe}, l)
	return l, newTappable(box, func() {
		full := paragraph(l.seg.Text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
		newCustomDialog(lang.X("app.full_title", "Full title"), lang.X("app.close", "Close"), fixedWidth(480, full), u.win).Show()
	})
}

// listNote is what an empty list or a search that finds nothing says, in
// the middle of the list's place; it is hidden while the list has rows.
type listNote struct {
	text *line
	root fyne.CanvasObject
}

func newListNote() *listNote {
	t := paragraph("", colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	t.seg.Style.Alignment = fyne.TextAlignCenter
	n := &listNote{text: t, root: padded(40, 0, 24, 24, container.NewVBox(t))}
	n.root.Hide()
	return n
}

// over stacks the note over a list.
func (n *listNote) over(list fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(list, n.root)
}

// show says text when rows is 0, and hides the note otherwise.
func (n *listNote) show(rows int, text string) {
	if rows > 0 {
		n.root.Hide()
		return
	}
	n.text.setText(text)
	n.root.Show()
}

// emptyText is what a list says with nothing to show: that the search
// found nothing (query typed), else that there is nothing yet.
func emptyText(query, none string) string {
	if q := strings.TrimSpace(query); q != "" {
		return lang.X("list.no_match", "Nothing matches “{{.Query}}”. Check the spelling, or search with fewer words.", map[string]any{"Query": q})
	}
	return none
}

// topFirstLayout lays out a pane of two parts, a summary above a list: the
// summary gets the height it needs while the list keeps at least its own
// minimum, and scrolls (it sits in a VScroll) when the pane is shorter than
// both. So a pane with a tall summary never makes the window taller than
// the screen. Objects: the summary's scroll, then the list.
type topFirstLayout struct {
	top fyne.CanvasObject // the summary inside the scroll, for its natural height
}

func (l topFirstLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	scroll, list := objs[0], objs[1]
	h := min(l.top.MinSize().Height, max(size.Height-list.MinSize().Height, 0))
	scroll.Move(fyne.NewPos(0, 0))
	scroll.Resize(fyne.NewSize(size.Width, h))
	list.Move(fyne.NewPos(0, h))
	list.Resize(fyne.NewSize(size.Width, size.Height-h))
}

func (l topFirstLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	list := objs[1].MinSize()
	// At least a third of the summary, and never more than 160 px of it,
	// counts towards the pane's minimum.
	top := min(l.top.MinSize().Height/3, 160)
	return fyne.NewSize(max(l.top.MinSize().Width, list.Width), top+list.Height)
}

// topFirst stacks a summary above a list (see topFirstLayout).
func topFirst(top, list fyne.CanvasObject) *fyne.Container {
	return container.New(topFirstLayout{top: top}, container.NewVScroll(top), list)
}
