package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// membersScreen lists the committee, chair first, with role chips. The
// secretariat adds, edits and removes members here.
type membersScreen struct {
	s       *shell
	all     []meetings.Member
	shown   []meetings.Member
	folded  []string
	query   string
	hdr     *header
	search  *searchEntry
	note    *listNote // what the list says when it shows nothing
	list    *widget.List
	newBtn  *widget.Button
	root    fyne.CanvasObject
	selfID  string
	canEdit bool
	several bool // rows name each member's bodies (bodies.go)
	// contact are the open form's e-mail and phone entries (tests type
	// into them).
	contact [2]*keyEntry
}

// memberSubtitle is a member row's second line: the position, with the
// contact details when known.
func memberSubtitle(m meetings.Member) string {
	parts := []string{}
	if m.Title != "" {
		parts = append(parts, m.Title)
	}
	if m.Email != "" {
		parts = append(parts, m.Email)
	}
	if m.Phone != "" {
		parts = append(parts, m.Phone)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " · ")
}

func newMembersScreen(s *shell) *membersScreen {
	ms := &membersScreen{s: s}
	ms.search = newSearchEntry(s, lang.X("members.search", "Search members (Ctrl+F)"), func(q string) {
		ms.query = fold(q)
		ms.filter()
	})
	ms.list = widget.NewList(func() int { return len(ms.shown) }, ms.createRow, ms.updateRow)
	ms.note = newListNote()
	ms.list.OnSelected = func(widget.ListItemID) { ms.list.UnselectAll() }
	ms.newBtn = primaryButton(lang.X("members.new", "Add member"), theme.ContentAddIcon(), ms.newItem)
	ms.hdr = newHeader(lang.X("members.title", "Members"), "", ms.newBtn)
	body := container.NewBorder(padded(10, 6, 12, 12, fixedWidth(360, ms.search)), nil, nil, nil, padded(0, 0, 8, 8, ms.note.over(ms.list)))
	ms.root = container.NewBorder(ms.hdr.root, nil, nil, nil, body)
	ms.refresh(allChanged())
	return ms
}

func (ms *membersScreen) view() fyne.CanvasObject { return ms.root }

func (ms *membersScreen) focusSearch() { ms.s.u.win.Canvas().Focus(ms.search) }

func (ms *membersScreen) refresh(c changes) {
	if !c.has(core.TopicMembers) && !c.has(core.TopicBodies) {
		return
	}
	ms.several = severalBodies(ms.s.p)
	ms.all = ms.s.p.Members()
	ms.folded = make([]string, len(ms.all))
	for i, m := range ms.all {
		ms.folded[i] = fold(m.Name + " " + m.Title + " " + roleText(m.Role))
	}
	ms.selfID = ms.s.p.Self().ID
	ms.canEdit = ms.s.p.IsOrgSecretary() // the organisation keeps its members
	if ms.canEdit {
		ms.newBtn.Show()
	} else {
		ms.newBtn.Hide()
	}
	ms.filter()
}

func (ms *membersScreen) filter() {
	ms.shown = ms.shown[:0]
	for i, m := range ms.all {
		if matches(ms.folded[i], ms.query) {
			ms.shown = append(ms.shown, m)
		}
	}
	voters := 0
	for _, m := range ms.all {
		if votesAnywhere(m) {
			voters++
		}
	}
	ms.hdr.subtitle.setText(lang.X("members.count", "{{.N}} members · {{.Voters}} with a vote",
		map[string]any{"N": len(ms.all), "Voters": voters}))
	ms.note.show(len(ms.shown), emptyText(ms.search.Text, lang.X("members.none", "No member yet.")))
	ms.list.Refresh()
}

// memberItem is one row of the members list.
type memberItem struct {
	widget.BaseWidget
	av      *avatar
	name    *line
	title   *line
	role    *chip
	buttons *fyne.Container
	edit    *widget.Button
	del     *widget.Button
	invite  *widget.Button // the secretariat invites the member's computer (invite.go)
	root    fyne.CanvasObject
}

func (r *memberItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (ms *membersScreen) createRow() fyne.CanvasObject {
	r := &memberItem{av: newAvatar(), name: titleLine(""), title: subtleLine(""), role: newChip("—", chipNeutral)}
	r.edit = iconButton(theme.DocumentCreateIcon(), nil)
	r.del = iconButton(theme.DeleteIcon(), nil)
	r.invite = iconButton(theme.MailSendIcon(), nil)
	r.buttons = container.NewHBox(r.invite, r.edit, r.del)
	right := container.NewHBox(container.NewCenter(fixedWidth(110, container.NewCenter(r.role))), r.buttons)
	r.root = padded(4, 4, 8, 8, container.NewBorder(nil, nil, container.NewCenter(r.av), container.NewCenter(right),
		lines(r.name, r.title)))
	r.ExtendBaseWidget(r)
	return r
}

func (ms *membersScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(ms.shown) {
		return
	}
	m := ms.shown[id]
	r := o.(*memberItem)
	defer r.Refresh()
	r.av.set(m.Name, roleKind(m.Role))
	name := m.Name
	if m.ID == ms.selfID {
		name += " " + lang.X("members.you", "(you)")
	}
	r.name.setText(name)
	title := memberSubtitle(m)
	role := m.Role
	if ms.several {
		title += " · " + membershipText(ms.s.p, m)
		role = topRole(m)
	}
	r.title.setText(title)
	r.role.set(roleText(role), roleKind(role))
	if !ms.canEdit {
		r.buttons.Hide()
		return
	}
	r.buttons.Show()
	member := m
	r.edit.OnTapped = func() { ms.edit(member) }
	r.invite.OnTapped = func() { ms.s.showInvite(&member) }
	r.del.OnTapped = func() { ms.remove(member) }
	if m.ID == ms.selfID {
		r.del.Disable()
	} else {
		r.del.Enable()
	}
}

func (ms *membersScreen) newItem() {
	if !ms.s.p.IsOrgSecretary() {
		return
	}
	ms.form(lang.X("members.add.title", "Add a member"), lang.X("members.new", "Add member"),
		meetings.Member{Role: meetings.RoleMember}, func(m meetings.Member) error {
			_, err := ms.s.p.AddMember(m)
			return err
		})
}

func (ms *membersScreen) edit(m meetings.Member) {
	ms.form(lang.X("members.edit.title", "Edit member"), lang.X("app.save", "Save"), m,
		func(changed meetings.Member) error { return ms.s.p.UpdateMember(changed) })
}

func (ms *membersScreen) remove(m meetings.Member) {
	ms.s.u.confirm(lang.X("members.remove.title", "Remove this member?"),
		lang.X("members.remove.body", "{{.Name}} will no longer be asked for opinions or counted for quorum. Their past answers stay in the record.",
			map[string]any{"Name": m.Name}),
		lang.X("members.remove", "Remove"), true,
		func() {
			ms.s.u.background(func() error { return ms.s.p.RemoveMember(m.ID) },
				func(err error) { showError(err, ms.s.u.win) })
		})
}

// form asks for a member's name, title and role.
func (ms *membersScreen) form(title, saveLabel string, m meetings.Member, save func(meetings.Member) error) {
	name := newEntry()
	name.SetText(m.Name)
	name.PlaceHolder = lang.X("member.form.name_hint", "Full name")
	job := newEntry()
	job.SetText(m.Title)
	job.PlaceHolder = lang.X("member.form.title_hint", "e.g. Minister of Home Affairs")
	role := widget.NewSelect(roleOptions(), nil)
	role.SetSelected(roleText(m.Role))
	email := newEntry()
	email.SetText(m.Email)
	email.PlaceHolder = lang.X("member.form.email_hint", "e.g. name@chinhphu.vn")
	phone := newEntry()
	phone.SetText(m.Phone)
	phone.PlaceHolder = lang.X("member.form.phone_hint", "e.g. 024 3845 8080")
	items := []*widget.FormItem{
		{Text: lang.X("member.form.name", "Name"), Widget: name},
		{Text: lang.X("member.form.title", "Position"), Widget: job},
	}
	// With several bodies, a role per body (bodies.go); with one, the role.
	var rows *membershipRows
	if len(ms.s.p.Bodies()) > 1 {
		rows = newMembershipRows(ms.s.p, m)
		items = append(items, &widget.FormItem{Text: lang.X("member.form.bodies", "Bodies"), Widget: rows.root,
			HintText: lang.X("member.form.bodies_hint", "A role in each body: the chair and members vote there; the Government's secretary keeps the members.")})
	} else {
		items = append(items, &widget.FormItem{Text: lang.X("member.form.role", "Role"), Widget: role, HintText: lang.X("member.form.role_hint", "The chair and members vote; secretaries and guests do not.")})
	}
	items = append(items,
		&widget.FormItem{Text: lang.X("member.form.email", "E-mail"), Widget: email, HintText: lang.X("member.form.contact_hint", "Optional. Seen by the committee; for what is sent outside the app.")},
		&widget.FormItem{Text: lang.X("member.form.phone", "Phone"), Widget: phone},
	)
	ms.contact = [2]*keyEntry{email, phone}
	ms.s.u.showForm(title, saveLabel, items, func() (func() error, error) {
		changed := m
		changed.Name = strings.TrimSpace(name.Text)
		changed.Title = strings.TrimSpace(job.Text)
		changed.Role = roleByText(role.Selected)
		if rows != nil {
			if changed.Bodies = rows.memberships(); len(changed.Bodies) == 0 {
				return nil, problem(lang.X("member.form.no_body", "Choose a role in at least one body."))
			}
			changed.Role = orgRoleOf(changed.Bodies)
		}
		changed.Email = strings.TrimSpace(email.Text)
		changed.Phone = strings.TrimSpace(phone.Text)
		if err := changed.Validate(); err != nil {
			return nil, err
		}
		return func() error { return save(changed) }, nil
	}, nil)
}
