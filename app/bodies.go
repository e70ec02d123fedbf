package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// Bodies in the app. One merged view, not a switcher: the meetings and
// ballots of every body the profile's member belongs to or serves are in
// one list, each row naming its body, with a body filter above the list.
// A secretariat serving the Government and a dozen committees sees the
// week's work in one place and narrows it when it wants; a member of one
// body sees no body anywhere (the filter, the names and the pickers appear
// only when there are several bodies to tell apart).

// bodiesShown are the bodies this profile's member works with: every body
// for the organisation's secretariat, else the bodies they belong to.
func bodiesShown(p *core.Profile) []meetings.Body {
	all := p.Bodies()
	if p.IsOrgSecretary() {
		return all
	}
	self := p.Self()
	var out []meetings.Body
	for _, b := range all {
		if _, ok := self.RoleIn(b.ID); ok {
			out = append(out, b)
		}
	}
	return out
}

// severalBodies reports whether the screens name bodies at all.
func severalBodies(p *core.Profile) bool { return len(bodiesShown(p)) > 1 }

// bodyName is a body's name ("" for one this replica does not know).
func bodyName(p *core.Profile, id string) string {
	b, err := p.Body(id)
	if err != nil {
		return ""
	}
	return b.Name
}

// bodiesPrepared is the secretariat's choice of bodies in a form: those
// where the member may prepare meetings and ballots.
func bodiesPrepared(p *core.Profile) []meetings.Body {
	var out []meetings.Body
	for _, b := range p.Bodies() {
		if p.IsSecretaryOf(b.ID) {
			out = append(out, b)
		}
	}
	return out
}

// bodyFilter narrows a list to one body; it shows only when there are
// several bodies.
type bodyFilter struct {
	sel      *widget.Select
	ids      []string // parallel to the select's options after "all"
	value    string   // "" all bodies
	onChange func()
}

func newBodyFilter(onChange func()) *bodyFilter {
	f := &bodyFilter{onChange: onChange}
	f.sel = widget.NewSelect(nil, func(s string) {
		f.value = ""
		for i, o := range f.sel.Options {
			if o == s && i > 0 {
				f.value = f.ids[i-1]
			}
		}
		if f.onChange != nil {
			f.onChange()
		}
	})
	f.sel.Hide()
	return f
}

// reload offers the bodies the profile works with, keeping the choice.
func (f *bodyFilter) reload(p *core.Profile) {
	bs := bodiesShown(p)
	if len(bs) < 2 {
		f.value = ""
		f.sel.Hide()
		return
	}
	opts := []string{lang.X("bodies.all", "All bodies")}
	f.ids = f.ids[:0]
	selected := opts[0]
	for _, b := range bs {
		opts = append(opts, b.Name)
		f.ids = append(f.ids, b.ID)
		if b.ID == f.value {
			selected = b.Name
		}
	}
	if selected == opts[0] {
		f.value = ""
	}
	f.sel.Options = opts
	cb := f.onChange
	f.onChange = nil // setting the shown text is not the user's choice
	f.sel.SetSelected(selected)
	f.onChange = cb
	f.sel.Show()
}

// matches reports whether a record of body passes the filter.
func (f *bodyFilter) matches(body string) bool {
	return f.value == "" || meetings.BodyOf(body) == f.value
}

// bodyPicker chooses the body of a new meeting or ballot among those the
// secretariat prepares; the form shows it only when there are several.
type bodyPicker struct {
	sel      *widget.Select
	bodies   []meetings.Body
	onChange func(body string)
}

func newBodyPicker(p *core.Profile, initial string, onChange func(string)) *bodyPicker {
	bp := &bodyPicker{bodies: bodiesPrepared(p)}
	var names []string
	for _, b := range bp.bodies {
		names = append(names, b.Name)
	}
	bp.sel = widget.NewSelect(names, func(string) {
		if bp.onChange != nil {
			bp.onChange(bp.value())
		}
	})
	bp.sel.PlaceHolder = lang.X("bodies.pick", "Choose a body")
	for _, b := range bp.bodies {
		if (initial != "" && b.ID == meetings.BodyOf(initial)) || len(bp.bodies) == 1 {
			bp.sel.SetSelected(b.Name)
		}
	}
	bp.onChange = onChange
	return bp
}

// value is the chosen body's ID, "" before one is chosen.
func (bp *bodyPicker) value() string {
	i := bp.sel.SelectedIndex()
	if i < 0 || i >= len(bp.bodies) {
		return ""
	}
	return bp.bodies[i].ID
}

// item is the picker's form row, nil when there is nothing to choose.
func (bp *bodyPicker) item() *widget.FormItem {
	if len(bp.bodies) < 2 {
		return nil
	}
	return &widget.FormItem{Text: lang.X("bodies.body", "Body"), Widget: bp.sel}
}

// errNoBody is the form's problem when several bodies exist and none was
// chosen.
func errNoBody() error {
	return problem(lang.X("bodies.pick_problem", "Choose the body this is for."))
}

// audienceField sets who a meeting is for: its participants (members of
// its body; none ticked means every voting member) and whether it is
// restricted (mật).
type audienceField struct {
	p          *core.Profile
	group      *widget.CheckGroup
	ids        map[string]string // option label → member ID
	restricted *widget.Check
	hint       *line
	root       fyne.CanvasObject
}

func newAudienceField(p *core.Profile, body string, participants []string, restricted bool) *audienceField {
	a := &audienceField{p: p, ids: map[string]string{}}
	a.group = widget.NewCheckGroup(nil, nil)
	a.restricted = widget.NewCheck(lang.X("audience.restricted", "Restricted (mật): only the participants and the secretariat receive it"), nil)
	a.restricted.SetChecked(restricted)
	a.hint = paragraph(lang.X("audience.hint", "Tick no one to invite every voting member of the body."), colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	scroll := container.NewVScroll(a.group)
	scroll.SetMinSize(fyne.NewSize(0, 140))
	a.root = container.NewBorder(nil, container.NewVBox(a.hint, a.restricted), nil, nil, scroll)
	a.setBody(body, participants)
	return a
}

// setBody lists the members of body, ticking those of selected that are
// among them.
func (a *audienceField) setBody(body string, selected []string) {
	a.ids = map[string]string{}
	var opts []string
	labelOf := map[string]string{}
	if body != "" {
		for _, m := range a.p.MembersOf(body) {
			label := m.Name
			if _, dup := a.ids[label]; dup {
				label = fmt.Sprintf("%s (%s)", m.Name, m.Title)
			}
			a.ids[label] = m.ID
			labelOf[m.ID] = label
			opts = append(opts, label)
		}
	}
	a.group.Options = opts
	var ticked []string
	for _, id := range selected {
		if l, ok := labelOf[id]; ok {
			ticked = append(ticked, l)
		}
	}
	a.group.SetSelected(ticked)
	a.group.Refresh()
}

// participants are the ticked members' IDs, in the body's order.
func (a *audienceField) participants() []string {
	on := map[string]bool{}
	for _, s := range a.group.Selected {
		on[s] = true
	}
	var out []string
	for _, o := range a.group.Options {
		if on[o] {
			out = append(out, a.ids[o])
		}
	}
	return out
}

func (a *audienceField) item() *widget.FormItem {
	return &widget.FormItem{Text: lang.X("audience.participants", "Participants"), Widget: a.root}
}

// membershipRows edit a member's memberships: one row per body, with the
// member's role there or "not a member".
type membershipRows struct {
	bodies []meetings.Body
	sels   []*widget.Select
	root   fyne.CanvasObject
}

func newMembershipRows(p *core.Profile, m meetings.Member) *membershipRows {
	mr := &membershipRows{bodies: p.Bodies()}
	none := lang.X("membership.none", "Not a member")
	opts := append([]string{none}, roleOptions()...)
	form := container.New(layout.NewFormLayout())
	for _, b := range mr.bodies {
		sel := widget.NewSelect(opts, nil)
		sel.SetSelected(none)
		if m.ID != "" || len(m.Bodies) > 0 {
			if r, ok := m.RoleIn(b.ID); ok {
				sel.SetSelected(roleText(r))
			}
		}
		mr.sels = append(mr.sels, sel)
		form.Add(widget.NewLabel(b.Name))
		form.Add(sel)
	}
	mr.root = form
	return mr
}

// memberships are the rows' choices; empty when the member is in no body.
func (mr *membershipRows) memberships() []meetings.Membership {
	var out []meetings.Membership
	for i, sel := range mr.sels {
		if sel.SelectedIndex() > 0 {
			out = append(out, meetings.Membership{Body: mr.bodies[i].ID, Role: roleByText(sel.Selected)})
		}
	}
	return out
}

// orgRoleOf is the organisation role a form gives a member with these
// memberships: the Government's (the main body's) secretary is the
// organisation's secretariat (core.orgRole says the same).
func orgRoleOf(bodies []meetings.Membership) meetings.Role {
	for _, ms := range bodies {
		if meetings.BodyOf(ms.Body) == meetings.MainBody && ms.Role == meetings.RoleSecretary {
			return meetings.RoleSecretary
		}
	}
	return meetings.RoleMember
}

// membershipText lists a member's bodies with their role in each, for the
// members list: "Chính phủ: Chủ tọa · Ban Chỉ đạo: Thành viên".
func membershipText(p *core.Profile, m meetings.Member) string {
	var parts []string
	for _, ms := range m.Memberships() {
		parts = append(parts, bodyName(p, ms.Body)+": "+roleText(ms.Role))
	}
	return strings.Join(parts, " · ")
}

// topRole is the highest of a member's roles in their bodies, for the
// members list's chip when there are several bodies.
func topRole(m meetings.Member) meetings.Role {
	rank := map[meetings.Role]int{meetings.RoleChair: 0, meetings.RoleMember: 1, meetings.RoleSecretary: 2, meetings.RoleGuest: 3}
	best := meetings.Role("")
	for _, ms := range m.Memberships() {
		if best == "" || rank[ms.Role] < rank[best] {
			best = ms.Role
		}
	}
	if m.Role == meetings.RoleSecretary && best != meetings.RoleChair {
		return meetings.RoleSecretary
	}
	if best == "" {
		return m.Role
	}
	return best
}

// votesAnywhere reports whether a member votes in some body.
func votesAnywhere(m meetings.Member) bool {
	for _, ms := range m.Memberships() {
		if ms.Role.Votes() {
			return true
		}
	}
	return false
}

// recordLabel is what a row adds to its own text to name its body and say
// that it is restricted: "Chính phủ · Mật".
func recordLabel(p *core.Profile, body string, restricted, several bool) string {
	var parts []string
	if several {
		if n := bodyName(p, body); n != "" {
			parts = append(parts, n)
		}
	}
	if restricted {
		parts = append(parts, lang.X("audience.restricted_short", "Restricted"))
	}
	return strings.Join(parts, " · ")
}
