package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// hubOffice is what the secretariat's screens ask of the hub: the
// invitations, the enrolled devices and their revocation (the hub's
// secretariat endpoint, replica/secretariat.go). replica.Client is the
// real one; tests use their own.
type hubOffice interface {
	Invite(ctx context.Context, member string, ttl time.Duration) (replica.Invitation, error)
	HubDevices(ctx context.Context) ([]replica.DeviceRow, error)
	RevokeDevice(ctx context.Context, device string) error
	Close()
}

// openOffice reaches the hub of profile p (off the UI goroutine); a
// profile that is not enrolled gets replica.ErrNotEnrolled. Tests replace
// it (setOpenOffice), under officeMu because a request started by one test
// may still be opening when the test ends and puts the real one back.
var (
	officeMu   sync.Mutex
	openOffice = func(p *core.Profile) (hubOffice, error) { return replica.NewClient(p) }
)

// setOpenOffice replaces openOffice and returns the one it replaced.
func setOpenOffice(f func(*core.Profile) (hubOffice, error)) (prev func(*core.Profile) (hubOffice, error)) {
	officeMu.Lock()
	defer officeMu.Unlock()
	prev, openOffice = openOffice, f
	return prev
}

// officeCall runs one request to the hub off the UI goroutine, bounded in
// time, and done with its error on the UI goroutine.
func (s *shell) officeCall(work func(ctx context.Context, o hubOffice) error, done func(error)) {
	p := s.p
	s.u.background(func() error {
		officeMu.Lock()
		open := openOffice
		officeMu.Unlock()
		o, err := open(p)
		if err != nil {
			return err
		}
		defer o.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return work(ctx, o)
	}, done)
}

// staleAfter is how long without a sync makes a device worth a look: the
// home's "devices that have not synced for a week".
const staleAfter = 7 * 24 * time.Hour

// devicesScreen lists, for the secretariat, every member with the devices
// enrolled at the hub: when each last synced and with which version of
// eCabinet, which were revoked; members with no device yet are offered an
// invitation, and a device can be revoked (after a confirmation that names
// the member and the device).
type devicesScreen struct {
	s      *shell
	hdr    *header
	list   *widget.List
	note   *listNote
	status *line
	rows   []deviceLine
	devs   []replica.DeviceRow
	loaded bool
	err    error
	busy   *widget.Activity
	invite *widget.Button
	reload *widget.Button
	root   fyne.CanvasObject
	// checked is when the list was last read from the hub.
	checked time.Time
}

// deviceLine is one row: a member's device, or a member with none (dev
// nil).
type deviceLine struct {
	m   meetings.Member
	dev *replica.DeviceRow
}

func newDevicesScreen(s *shell) *devicesScreen {
	ds := &devicesScreen{s: s, status: subtleLine(""), busy: widget.NewActivity(), note: newListNote()}
	ds.busy.Hide()
	ds.invite = primaryButton(lang.X("devices.invite", "Invite a member"), theme.MailSendIcon(), func() { ds.s.showInvite(nil) })
	ds.reload = widget.NewButtonWithIcon(lang.X("devices.reload", "Refresh"), theme.ViewRefreshIcon(), ds.load)
	ds.hdr = newHeader(lang.X("devices.title", "Devices"), "", ds.busy, ds.reload, ds.invite)
	ds.list = widget.NewList(func() int { return len(ds.rows) }, ds.createRow, ds.updateRow)
	ds.list.OnSelected = func(widget.ListItemID) { ds.list.UnselectAll() }
	ds.root = container.NewBorder(ds.hdr.root, padded(4, 8, 16, 16, ds.status), nil, nil,
		padded(4, 0, 8, 8, ds.note.over(ds.list)))
	ds.build()
	return ds
}

// shown reads the devices from the hub each time the screen is opened.
func (ds *devicesScreen) shown() { ds.load() }

func (ds *devicesScreen) view() fyne.CanvasObject { return ds.root }

// newItem (Ctrl+N) invites a member.
func (ds *devicesScreen) newItem() { ds.s.showInvite(nil) }

func (ds *devicesScreen) refresh(c changes) {
	if c.has(core.TopicMembers) {
		ds.build()
	}
}

// load reads the devices from the hub.
func (ds *devicesScreen) load() {
	if !ds.s.p.IsSecretary() || ds.reload.Disabled() {
		return
	}
	ds.reload.Disable()
	ds.busy.Show()
	ds.busy.Start()
	var devs []replica.DeviceRow
	ds.s.officeCall(func(ctx context.Context, o hubOffice) error {
		var err error
		devs, err = o.HubDevices(ctx)
		return err
	}, func(err error) {
		ds.busy.Stop()
		ds.busy.Hide()
		ds.reload.Enable()
		ds.err = err
		if err == nil {
			ds.devs, ds.loaded, ds.checked = devs, true, ds.s.u.now()
		}
		ds.build()
		ds.s.setHubDevices(devs, err) // the home's devices not synced for a week
	})
}

// build lays the rows out from the members and the devices last read.
func (ds *devicesScreen) build() {
	byMember := map[string][]replica.DeviceRow{}
	for _, d := range ds.devs {
		byMember[d.Member] = append(byMember[d.Member], d)
	}
	ds.rows = ds.rows[:0]
	// Members with devices first, in the committee's order; then those
	// still to invite.
	var none []deviceLine
	active, revoked := 0, 0
	for _, m := range ds.s.p.Members() {
		if m.Removed {
			continue
		}
		devs := byMember[m.ID]
		if len(devs) == 0 {
			none = append(none, deviceLine{m: m})
			continue
		}
		for i := range devs {
			d := devs[i]
			if d.Revoked {
				revoked++
			} else {
				active++
			}
			ds.rows = append(ds.rows, deviceLine{m: m, dev: &d})
		}
	}
	ds.rows = append(ds.rows, none...)
	ds.hdr.subtitle.setText(lang.X("devices.count", "{{.Active}} devices in use · {{.Revoked}} revoked",
		map[string]any{"Active": active, "Revoked": revoked}))
	switch {
	case errors.Is(ds.err, replica.ErrNotEnrolled):
		ds.rows = ds.rows[:0]
		ds.note.show(0, lang.X("devices.not_enrolled", "This profile is not connected to a hub, so there are no devices to manage. On the hub's computer, use “ecabinet hub devices”."))
		ds.status.setText("")
		ds.invite.Disable()
	case ds.err != nil:
		ds.status.setText(lang.X("devices.err", "The hub could not be asked: {{.Why}}", map[string]any{"Why": syncErrorText(ds.err)}))
		ds.note.show(len(ds.rows), lang.X("devices.none", "No member yet."))
	case !ds.loaded:
		ds.status.setText(lang.X("devices.loading", "Asking the hub…"))
		ds.note.show(len(ds.rows), lang.X("devices.none", "No member yet."))
	default:
		ds.invite.Enable()
		ds.status.setText(lang.X("devices.checked", "Read from the hub at {{.When}}. A device is listed once it has joined with its invitation.",
			map[string]any{"When": fmtSyncTime(ds.checked, ds.s.u.now())}))
		ds.note.show(len(ds.rows), lang.X("devices.none", "No member yet."))
	}
	ds.list.Refresh()
}

// deviceItem is one row of the list.
type deviceItem struct {
	widget.BaseWidget
	av     *avatar
	name   *line
	detail *line
	state  *chip
	revoke *widget.Button
	invite *widget.Button
	root   fyne.CanvasObject
}

func (r *deviceItem) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.root) }

func (ds *devicesScreen) createRow() fyne.CanvasObject {
	r := &deviceItem{av: newAvatar(), name: titleLine(""), detail: subtleLine(""), state: newChip("—", chipNeutral)}
	r.revoke = widget.NewButtonWithIcon(lang.X("devices.revoke", "Revoke"), theme.CancelIcon(), nil)
	r.invite = widget.NewButtonWithIcon(lang.X("devices.invite_short", "Invite"), theme.MailSendIcon(), nil)
	right := container.NewHBox(container.NewCenter(fixedWidth(170, container.NewCenter(r.state))), fixedWidth(120, container.NewStack(r.revoke, r.invite)))
	r.root = padded(4, 4, 8, 8, container.NewBorder(nil, nil, container.NewCenter(r.av), container.NewCenter(right), lines(r.name, r.detail)))
	r.ExtendBaseWidget(r)
	return r
}

func (ds *devicesScreen) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id >= len(ds.rows) {
		return
	}
	row := ds.rows[id]
	r := o.(*deviceItem)
	defer r.Refresh()
	r.av.set(row.m.Name, roleKind(row.m.Role))
	r.name.setText(row.m.Name + " · " + roleText(row.m.Role))
	m := row.m
	if row.dev == nil {
		r.detail.setText(lang.X("devices.no_device", "No device has joined yet."))
		r.state.set(lang.X("devices.state.none", "No device"), chipNeutral)
		r.revoke.Hide()
		r.invite.Show()
		r.invite.OnTapped = func() { ds.s.showInvite(&m) }
		if ds.err != nil || !ds.loaded {
			r.invite.Disable()
		} else {
			r.invite.Enable()
		}
		return
	}
	d := *row.dev
	now := ds.s.u.now()
	r.detail.setText(deviceDetail(d, now))
	r.state.set(deviceState(d, now))
	r.invite.Hide()
	r.revoke.Show()
	if d.Revoked || d.ID == ds.s.p.DeviceID() {
		r.revoke.Disable()
	} else {
		r.revoke.Enable()
	}
	r.revoke.OnTapped = func() { ds.confirmRevoke(m, d) }
}

// shortDevice is a device's ID as people read it: its first eight
// characters in two groups.
func shortDevice(id string) string {
	s := strings.ToUpper(id)
	if len(s) > 8 {
		s = s[:8]
	}
	if len(s) > 4 {
		s = s[:4] + "-" + s[4:]
	}
	return s
}

// deviceDetail is the row's second line: the device, its last sync, its
// version of eCabinet.
func deviceDetail(d replica.DeviceRow, now time.Time) string {
	parts := []string{lang.X("devices.device", "Device {{.ID}}", map[string]any{"ID": shortDevice(d.ID)})}
	if d.LastSync.IsZero() {
		parts = append(parts, lang.X("devices.never_synced", "not synced yet"))
	} else {
		parts = append(parts, lang.X("devices.last_sync", "last synced {{.When}}", map[string]any{"When": fmtSyncTime(d.LastSync, now)}))
	}
	if d.App != "" {
		parts = append(parts, "eCabinet "+d.App)
	}
	return strings.Join(parts, " · ")
}

// deviceState is the row's chip.
func deviceState(d replica.DeviceRow, now time.Time) (string, chipKind) {
	switch {
	case d.Revoked:
		return lang.X("devices.state.revoked", "Revoked"), chipDanger
	case d.LastSync.IsZero():
		return lang.X("devices.state.never", "Not synced yet"), chipWarning
	case now.Sub(d.LastSync) > staleAfter:
		return lang.X("devices.state.stale", "Not synced for {{.Days}} days", map[string]any{"Days": int(now.Sub(d.LastSync) / (24 * time.Hour))}), chipWarning
	}
	return lang.X("devices.state.active", "In use"), chipSuccess
}

// confirmRevoke asks, naming the member and the device, then revokes it
// at the hub.
func (ds *devicesScreen) confirmRevoke(m meetings.Member, d replica.DeviceRow) {
	last := lang.X("devices.never_synced", "not synced yet")
	if !d.LastSync.IsZero() {
		last = lang.X("devices.last_sync", "last synced {{.When}}", map[string]any{"When": fmtSyncTime(d.LastSync, ds.s.u.now())})
	}
	what := paragraph(lang.X("devices.revoke.what", "{{.Name}} — device {{.Device}} ({{.Last}})", map[string]any{"Name": m.Name, "Device": shortDevice(d.ID), "Last": last}),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true})
	body := paragraph(lang.X("devices.revoke.body", "It is shut out of the hub from its next connection; its unsent changes stay on it. The member's other devices go on working, and the member can be invited again."),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	ds.s.u.confirmWith(lang.X("devices.revoke.title", "Revoke this device?"), container.NewVBox(what, body),
		lang.X("devices.revoke", "Revoke"), true,
		func() {
			id := d.ID
			ds.s.officeCall(func(ctx context.Context, o hubOffice) error { return o.RevokeDevice(ctx, id) },
				func(err error) {
					if err != nil {
						showError(problem(syncErrorText(err)), ds.s.u.win)
						return
					}
					ds.s.status.note(lang.X("devices.revoked", "{{.Name}}'s device {{.Device}} was revoked.", map[string]any{"Name": m.Name, "Device": shortDevice(id)}))
					ds.load()
				})
		})
}

// String is for test failures.
func (l deviceLine) String() string {
	if l.dev == nil {
		return l.m.Name + ": none"
	}
	return fmt.Sprintf("%s: %s", l.m.Name, l.dev.ID)
}
