package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/meetings"
)

// consentPane is the meeting's consent agenda tab: before the session a
// voting member marks each agenda item (no objection, want to speak,
// object); the secretariat sees the marks counted per item and adopts, as
// one block, the items nobody objects to or wants to speak on. The summary
// is read from disk, so it is loaded off the UI goroutine; a newer load
// supersedes an older one.
type consentPane struct {
	d       *meetingDetail
	tallies map[string]meetings.ConsentTally
	mine    map[string]meetings.ConsentMark
	token   int
	loaded  bool

	intro *line
	list  *widget.List
	adopt *widget.Button
	root  fyne.CanvasObject
}

// consentMarks are the three marks in the order they are offered.
var consentMarkOrder = []meetings.ConsentMark{meetings.ConsentNoObjection, meetings.ConsentSpeak, meetings.ConsentObject}

func consentMarkText(m meetings.ConsentMark) string {
	switch m {
	case meetings.ConsentNoObjection:
		return lang.X("consent.mark.no_objection", "No objection")
	case meetings.ConsentSpeak:
		return lang.X("consent.mark.speak", "Wish to speak")
	case meetings.ConsentObject:
		return lang.X("consent.mark.object", "Object")
	}
	return ""
}

func consentMarkOf(text string) (meetings.ConsentMark, bool) {
	for _, m := range consentMarkOrder {
		if consentMarkText(m) == text {
			return m, true
		}
	}
	return "", false
}

func newConsentPane(d *meetingDetail) *consentPane {
	c := &consentPane{
		d:       d,
		tallies: map[string]meetings.ConsentTally{},
		mine:    map[string]meetings.ConsentMark{},
		intro:   paragraph("", colorNameSubtle, theme.SizeNameText, fyne.TextStyle{}),
	}
	c.list = widget.NewList(func() int { return len(c.d.m.Agenda) }, c.createRow, c.updateRow)
	c.list.OnSelected = func(widget.ListItemID) { c.list.UnselectAll() }
	c.adopt = primaryButton(lang.X("consent.adopt", "Adopt the items without objection"), theme.ConfirmIcon(), c.askAdopt)
	bottom := padded(6, 6, 12, 12, container.NewBorder(nil, nil, nil, c.adopt))
	c.root = container.NewBorder(padded(8, 4, 12, 12, c.intro), container.NewVBox(widget.NewSeparator(), bottom), nil, nil, shortList(c.list)) // widgets.go
	return c
}

func (c *consentPane) view() fyne.CanvasObject { return c.root }

// voter reports whether this profile's member marks items.
func (c *consentPane) voter() bool { return c.d.s.p.RoleIn(c.d.m.Body).Votes() }

// open reports whether marks can still be given or items adopted.
func (c *consentPane) open() bool { return c.d.m.Status != meetings.StatusClosed }

// load reads the summary in the background, then fills the pane.
func (c *consentPane) load() {
	id := c.d.id
	if id == "" {
		return
	}
	if c.voter() {
		c.intro.setText(lang.X("consent.intro.member", "Before the session, say for each item whether you have no objection, wish to speak or object. Items nobody objects to or wishes to speak on are adopted without debate."))
	} else {
		c.intro.setText(lang.X("consent.intro.secretary", "The members' marks on each item, as far as this computer has received them. Items nobody objects to or wishes to speak on can be adopted together."))
	}
	if c.d.s.p.IsSecretaryOf(c.d.m.Body) && c.open() {
		c.adopt.Show()
	} else {
		c.adopt.Hide()
	}
	c.token++
	token := c.token
	p := c.d.s.p
	var (
		sum  []meetings.ConsentTally
		mine map[string]meetings.ConsentMark
	)
	c.d.s.u.background(func() error {
		var err error
		sum, mine, err = p.ConsentSummary(id)
		return err
	}, func(err error) {
		if token != c.token {
			return
		}
		if err != nil {
			showError(err, c.d.s.u.win)
			return
		}
		c.tallies = map[string]meetings.ConsentTally{}
		adoptable := false
		for _, t := range sum {
			c.tallies[t.ItemID] = t
			adoptable = adoptable || t.Adoptable
		}
		c.mine = mine
		c.loaded = true
		if adoptable {
			c.adopt.Enable()
		} else {
			c.adopt.Disable()
		}
		c.list.Refresh()
		c.root.Refresh()
	})
}

// consentRow is one agenda item of the consent agenda.
type consentRow struct {
	widget.BaseWidget
	num    *chip
	title  *line
	counts *line
	state  *chip
	marks  *widget.RadioGroup
	root   fyne.CanvasObject
}

func (r *consentRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (c *consentPane) createRow() fyne.CanvasObject {
	r := &consentRow{num: newChip("00", chipAccent), counts: subtleLine(""), state: newChip("", chipSuccess)}
	var title fyne.CanvasObject
	r.title, title = wrappedTitle(2)
	labels := make([]string, len(consentMarkOrder))
	for i, m := range consentMarkOrder {
		labels[i] = consentMarkText(m)
	}
	r.marks = widget.NewRadioGroup(labels, nil)
	r.marks.Horizontal = true
	r.root = padded(5, 5, 8, 4, container.NewBorder(nil, nil,
		container.NewCenter(fixedWidth(34, container.NewCenter(r.num))), container.NewCenter(r.state),
		lines(title, r.counts, r.marks)))
	r.ExtendBaseWidget(r)
	return r
}

func (c *consentPane) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(c.d.m.Agenda) {
		return
	}
	it := c.d.m.Agenda[id]
	r := o.(*consentRow)
	defer r.Refresh()
	r.num.set(strconv.Itoa(id+1), chipAccent)
	r.title.setText(it.Title)
	t := c.tallies[it.ID]
	switch {
	case it.Adopted:
		r.state.set(lang.X("consent.adopted", "Adopted"), chipSuccess)
	case c.loaded && t.Adoptable:
		r.state.set(lang.X("consent.adoptable", "Can be adopted"), chipAccent)
	case t.Object > 0:
		r.state.set(lang.X("consent.objected", "Objection"), chipDanger)
	case t.Speak > 0:
		r.state.set(lang.X("consent.to_discuss", "To discuss"), chipWarning)
	default:
		r.state.set("", chipNeutral)
	}
	if c.d.s.p.IsSecretaryOf(c.d.m.Body) && c.loaded {
		r.counts.setText(consentCountsText(t))
	} else {
		r.counts.setText("")
	}
	r.marks.OnChanged = nil
	if !c.voter() {
		r.marks.Hide()
		return
	}
	r.marks.Show()
	r.marks.SetSelected(consentMarkText(c.mine[it.ID]))
	if !c.open() || it.Adopted {
		r.marks.Disable()
		return
	}
	r.marks.Enable()
	itemID := it.ID
	r.marks.OnChanged = func(label string) {
		if m, ok := consentMarkOf(label); ok {
			c.mark(itemID, m)
		}
	}
}

// consentCountsText is an item's marks counted.
func consentCountsText(t meetings.ConsentTally) string {
	return lang.X("consent.counts", "No objection {{.None}} · Wish to speak {{.Speak}} · Object {{.Object}} · Not marked {{.Unmarked}}",
		map[string]any{"None": t.NoObjection, "Speak": t.Speak, "Object": t.Object, "Unmarked": t.Unmarked})
}

// mark saves the member's mark on an item off the UI goroutine.
func (c *consentPane) mark(itemID string, m meetings.ConsentMark) {
	mid := c.d.id
	p := c.d.s.p
	c.mine[itemID] = m
	c.d.s.u.background(func() error { return p.MarkConsent(mid, itemID, m) },
		func(err error) {
			if err != nil {
				showError(err, c.d.s.u.win)
			}
			if c.d.id == mid {
				c.load()
			}
		})
}

// askAdopt lists the items that can be adopted and asks before adopting.
func (c *consentPane) askAdopt() {
	var titles []string
	for i, it := range c.d.m.Agenda {
		if c.tallies[it.ID].Adoptable {
			titles = append(titles, strconv.Itoa(i+1)+". "+it.Title)
		}
	}
	if len(titles) == 0 {
		return
	}
	mid := c.d.id
	p := c.d.s.p
	body := lang.X("consent.adopt.body", "These items have no objection and no request to speak; they will be adopted without debate:") +
		"\n\n" + strings.Join(titles, "\n")
	c.d.s.u.confirm(lang.X("consent.adopt.title", "Adopt these items?"), body,
		lang.X("consent.adopt.yes", "Adopt"), false, func() {
			c.d.s.u.background(func() error {
				_, err := p.AdoptConsentBlock(mid)
				return err
			}, func(err error) {
				if err != nil {
					showError(err, c.d.s.u.win)
				}
				if c.d.id == mid {
					c.load()
				}
			})
		})
}
