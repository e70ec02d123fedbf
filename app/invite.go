package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// The invitation dialog: the secretariat picks a member and how long the
// invitation stays valid; the hub makes a one-time code; the dialog shows
// what to hand over — the hub's address, the code and the hub's
// fingerprint, as text to copy and as a QR code of the invitation's link —
// with its expiry. The member's join screen accepts the text, the link or
// the address and code typed from it.

// inviteTTLs are the validities offered, shortest first; the default is a
// day (an invitation handed over at a meeting, or sent the evening before).
var inviteTTLs = []time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

func ttlText(d time.Duration) string {
	switch d {
	case time.Hour:
		return lang.X("invite.ttl.hour", "1 hour")
	case 24 * time.Hour:
		return lang.X("invite.ttl.day", "1 day")
	}
	return lang.X("invite.ttl.week", "7 days")
}

// inviteDialog is the dialog while it is open (tests read it).
type inviteDialog struct {
	d      *dialog.CustomDialog
	who    *memberChooser
	ttl    *widget.Select
	create *keyButton
	errMsg *line
	busy   *widget.Activity
	body   *fyne.Container
	// shown once the hub answered
	inv  replica.Invitation
	qr   *canvas.Image
	copy *keyButton
}

// showInvite opens the invitation dialog, for member m when given.
func (s *shell) showInvite(m *meetings.Member) {
	if !s.p.IsSecretary() {
		return
	}
	// A member may be invited again (a second computer), but the list says
	// who already has a device in use, as the hub last said.
	inUse := map[string]int{}
	for _, d := range s.devices.rows {
		if !d.Revoked {
			inUse[d.Member]++
		}
	}
	var members []meetings.Member
	var names []string
	for _, x := range s.p.Members() {
		if !x.Removed && x.Role != meetings.RoleSystem {
			members = append(members, x)
			name := x.Name + " — " + roleText(x.Role)
			if n := inUse[x.ID]; n > 0 {
				name += " · " + lang.X("invite.has_devices", "{{.N}} device in use", map[string]any{"N": n})
			}
			names = append(names, name)
		}
	}
	id := &inviteDialog{errMsg: paragraph("", theme.ColorNameError, theme.SizeNameText, fyne.TextStyle{}), busy: widget.NewActivity()}
	id.errMsg.Hide()
	id.busy.Hide()
	id.who = newMemberChooser(names)
	for i, x := range members {
		if m != nil && x.ID == m.ID {
			id.who.SetSelectedIndex(i)
		}
	}
	ttls := make([]string, len(inviteTTLs))
	for i, d := range inviteTTLs {
		ttls[i] = ttlText(d)
	}
	id.ttl = widget.NewSelect(ttls, nil)
	id.ttl.SetSelectedIndex(1)
	intro := paragraph(lang.X("invite.intro", "The hub makes a one-time invitation for this member's computer. Hand it over in person or by an official channel: whoever has it can join as this member until it is used or expires."),
		colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	form := widget.NewForm(
		widget.NewFormItem(lang.X("invite.who", "Member"), id.who.view()),
		widget.NewFormItem(lang.X("invite.ttl", "Valid for"), id.ttl),
	)
	cancel := newKeyButton(lang.X("app.cancel", "Cancel"), theme.CancelIcon(), func() { id.d.Hide() })
	id.create = primaryKeyButton(lang.X("invite.create", "Create invitation"), theme.ConfirmIcon(), func() { s.createInvite(id, members) })
	id.body = container.NewStack(container.NewVBox(intro, form, id.errMsg, container.NewBorder(nil, nil, nil, container.NewHBox(id.busy, cancel, id.create))))
	id.d = dialog.NewCustomWithoutButtons(lang.X("invite.title", "Invite a member"), fixedWidth(560, id.body), s.u.win)
	id.d.Show()
	s.invite = id
}

// createInvite asks the hub for the invitation.
func (s *shell) createInvite(id *inviteDialog, members []meetings.Member) {
	i := id.who.SelectedIndex()
	if i < 0 {
		id.errMsg.setText(lang.X("invite.err.who", "Choose the member to invite."))
		id.errMsg.Show()
		return
	}
	m := members[i]
	ttl := inviteTTLs[max(id.ttl.SelectedIndex(), 0)]
	id.errMsg.Hide()
	id.create.Disable()
	id.busy.Show()
	id.busy.Start()
	var inv replica.Invitation
	s.officeCall(func(ctx context.Context, o hubOffice) error {
		var err error
		inv, err = o.Invite(ctx, m.ID, ttl)
		return err
	}, func(err error) {
		id.busy.Stop()
		id.busy.Hide()
		id.create.Enable()
		if err != nil {
			id.errMsg.setText(officeErrorText(err))
			id.errMsg.Show()
			return
		}
		if inv.Member == "" {
			inv.Member = m.Name
		}
		s.showInvitation(id, inv)
	})
}

// qrImage is the QR code of text, or nil when it cannot be made (a text
// too long for a QR code, which an invitation never is).
func qrImage(text string, size int) image.Image {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil
	}
	return q.Image(size)
}

// showInvitation replaces the dialog's form with what to hand over.
func (s *shell) showInvitation(id *inviteDialog, inv replica.Invitation) {
	id.inv = inv
	head := newLine(lang.X("invite.for", "Invitation for {{.Name}}", map[string]any{"Name": inv.Member}), theme.ColorNameForeground, theme.SizeNameSubHeadingText, fyne.TextStyle{Bold: true})
	head.Truncation = fyne.TextTruncateOff
	mono := func(text string) *line {
		l := newLine(text, theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Monospace: true, Bold: true})
		l.Truncation = fyne.TextTruncateOff
		l.Wrapping = fyne.TextWrapBreak
		return l
	}
	field := func(label string, value fyne.CanvasObject) fyne.CanvasObject {
		return container.NewVBox(subtleLine(label), value)
	}
	expires := newLine(lang.X("invite.expires", "Valid until {{.When}}, once only", map[string]any{"When": fmtDateTime(inv.Expires)}), chipWarning.fgName(), theme.SizeNameText, fyne.TextStyle{Bold: true})
	expires.Truncation = fyne.TextTruncateOff
	info := container.NewVBox(
		field(lang.X("invite.hub", "Hub address"), mono(inv.Hub)),
		field(lang.X("invite.code", "Invite code"), mono(inv.Code)),
		field(lang.X("invite.fingerprint", "Hub fingerprint (to compare after joining)"), mono(inv.Fingerprint)),
		expires,
	)
	var qr fyne.CanvasObject = fixedHeight(0)
	if img := qrImage(inv.Link(), 512); img != nil {
		id.qr = canvas.NewImageFromImage(img)
		id.qr.FillMode = canvas.ImageFillContain
		id.qr.ScaleMode = canvas.ImageScalePixels
		id.qr.SetMinSize(fyne.NewSize(196, 196))
		qr = container.NewVBox(newSurface(theme.ColorNameBackground, id.qr),
			fixedWidth(196, paragraph(lang.X("invite.qr_hint", "The QR code holds the same invitation, to print with the letter."), colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})))
	}
	how := paragraph(lang.X("invite.how", "On their computer, the member chooses “Join a committee” and pastes this text (or types the address and the code), then compares the fingerprint with this one."),
		colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})
	id.copy = primaryKeyButton(lang.X("invite.copy", "Copy the text"), theme.ContentCopyIcon(), func() {
		s.u.app.Clipboard().SetContent(inv.Text())
		s.status.note(lang.X("invite.copied", "The invitation is copied: paste it into a message for {{.Name}}.", map[string]any{"Name": inv.Member}))
	})
	done := newKeyButton(lang.X("app.close", "Close"), theme.CancelIcon(), func() { id.d.Hide() })
	id.body.Objects = []fyne.CanvasObject{container.NewVBox(
		head,
		container.NewBorder(nil, nil, qr, nil, padded(0, 0, 12, 0, info)),
		how,
		container.NewBorder(nil, nil, nil, container.NewHBox(done, id.copy)),
	)}
	id.body.Refresh()
	id.d.Resize(id.d.MinSize())
	if ds, ok := s.screens[scrDevices].(*devicesScreen); ok {
		ds.load()
	}
}

// officeErrorText says why the hub could not do the secretariat's request.
func officeErrorText(err error) string {
	if errors.Is(err, replica.ErrNotEnrolled) {
		return lang.X("devices.not_enrolled_short", "This profile is not connected to a hub: invitations are made on the hub's computer (“ecabinet hub invite”).")
	}
	return syncErrorText(err)
}

// takeInvitation fills the hub's address and the code from an
// invitation's text, link or QR content pasted into either field; other
// text is left as typed.
func (j *joinScreen) takeInvitation(text string) {
	if !strings.Contains(text, "ecabinet:join?") && !strings.ContainsAny(text, "\n ") {
		return
	}
	inv, err := replica.ParseInvitation(text)
	if err != nil {
		return
	}
	if j.hub.Text != inv.Hub {
		j.hub.SetText(inv.Hub)
	}
	if j.code.Text != inv.Code {
		j.code.SetText(inv.Code)
	}
	j.invited = inv
}

// memberChooser is the invitation's list of members: a list of a fixed
// height inside the dialog, which scrolls (a drop-down's pop-up of a whole
// committee ran past the bottom of a 768-px window). A list is one stop
// for Tab, with the arrow keys and Space inside it, as the drop-down was.
type memberChooser struct {
	Options  []string
	selected int
	list     *widget.List
}

// memberListHeight is the chooser's height: about five names, the rest
// scroll.
const memberListHeight = 190

func newMemberChooser(names []string) *memberChooser {
	c := &memberChooser{Options: names, selected: -1}
	c.list = widget.NewList(func() int { return len(c.Options) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(c.Options[i]) })
	c.list.OnSelected = func(i widget.ListItemID) { c.selected = i }
	c.list.OnUnselected = func(widget.ListItemID) { c.selected = -1 }
	return c
}

// view is the list with its height fixed, in a frame.
func (c *memberChooser) view() fyne.CanvasObject {
	frame := canvas.NewRectangle(color.Transparent)
	frame.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	frame.StrokeWidth = 1
	frame.CornerRadius = theme.InputRadiusSize()
	frame.SetMinSize(fyne.NewSize(0, memberListHeight))
	return container.NewStack(frame, c.list)
}

// SetSelectedIndex chooses the i-th member.
func (c *memberChooser) SetSelectedIndex(i int) {
	if i >= 0 && i < len(c.Options) {
		c.list.Select(i)
	}
}

// SelectedIndex is the chosen member's index, -1 when none is.
func (c *memberChooser) SelectedIndex() int { return c.selected }
