package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
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

// joinScreen enrolls this computer with a committee's hub using the
// one-time invite the Office gave: the hub's address, the invite code and a
// new passphrase. Enrollment creates a new profile; when the profile folder
// already holds one, a folder beside it is offered. On success the hub's
// fingerprint is shown, to be compared with the one on the Office's screen,
// then the new profile opens and syncs.
type joinScreen struct {
	u      *ui
	back   func() // to the screen the join was started from
	hub    *widget.Entry
	code   *widget.Entry
	folder *widget.Entry
	fields *passFields
	join   *widget.Button
	welcomeWork
	form fyne.CanvasObject
	body *fyne.Container
	root fyne.CanvasObject

	// the enrollment, once done
	result replica.EnrollResult
	dir    string
	finger *line
	// invited is the invitation pasted, when one was (invite.go).
	invited replica.Invitation
}

func newJoinScreen(u *ui, back func()) *joinScreen {
	j := &joinScreen{
		u:           u,
		back:        back,
		hub:         widget.NewEntry(),
		code:        widget.NewEntry(),
		folder:      widget.NewEntry(),
		fields:      newPassFields(),
		welcomeWork: newWelcomeWork(lang.X("join.joining", "Contacting the hub and enrolling this computer…")),
	}
	j.hub.PlaceHolder = "https://hub.example.gov.vn:8443"
	j.code.PlaceHolder = lang.X("join.code_hint", "The invite code, or paste the whole invitation the Office gave you")
	j.code.OnChanged = func(t string) { j.takeInvitation(t) }
	j.hub.OnChanged = func(t string) { j.takeInvitation(t) }
	j.join = primaryButton(lang.X("join.go", "Join"), iconGroup, j.run)
	j.fields.again.OnSubmitted = func(string) { j.run() }

	title := newLine(lang.X("join.title", "Join a committee"), theme.ColorNameForeground, theme.SizeNameHeadingText, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateOff
	intro := paragraph(lang.X("join.intro", "The Office of the committee gives you the address of its hub and a one-time invite code. This computer then receives the committee's meetings and ballots and sends your answers."),
		colorNameSubtle, theme.SizeNameText, fyne.TextStyle{})
	items := []*widget.FormItem{
		widget.NewFormItem(lang.X("join.hub", "Hub address"), j.hub),
		widget.NewFormItem(lang.X("join.code", "Invite code"), j.code),
	}
	var folderNote fyne.CanvasObject = fixedHeight(0)
	if core.Exists(u.dir) {
		j.folder.SetText(nextFreeDir(u.dir))
		items = append(items, widget.NewFormItem(lang.X("join.folder", "New profile folder"), j.folder))
		folderNote = paragraph(lang.X("join.folder_note", "The profile folder {{.Dir}} already holds a profile. Joining creates a new profile, in a new folder beside it; the existing profile is left as it is.",
			map[string]any{"Dir": u.dir}), chipWarning.fgName(), theme.SizeNameCaptionText, fyne.TextStyle{})
	}
	items = append(items,
		widget.NewFormItem(lang.X("firstrun.pass", "Passphrase"), j.fields.pass),
		widget.NewFormItem(lang.X("firstrun.pass_again", "Again"), j.fields.again),
		widget.NewFormItem("", j.fields.meter()),
	)
	backBtn := widget.NewButtonWithIcon(lang.X("join.back", "Back"), theme.NavigateBackIcon(), back)
	j.form = container.NewVBox(
		title, intro,
		widget.NewForm(items...),
		folderNote,
		j.errMsg,
		container.NewHBox(j.join, backBtn, j.busy, container.NewCenter(j.status)),
	)
	j.body = container.NewStack(j.form)
	langSwitch := newLanguageChoice(func(code string) {
		u.app.Preferences().SetString(prefLanguage, code)
		setLanguage(code)
		again := newJoinScreen(u, back)
		again.hub.SetText(j.hub.Text)
		again.code.SetText(j.code.Text)
		again.folder.SetText(j.folder.Text)
		again.fields.pass.SetText(j.fields.pass.Text)
		again.fields.again.SetText(j.fields.again.Text)
		u.win.SetContent(again.view())
	})
	j.root = welcomeFrame(langSwitch, j.body)
	u.join = j
	return j
}

func (j *joinScreen) view() fyne.CanvasObject { return j.root }

// nextFreeDir is a folder beside dir that holds no profile yet.
func nextFreeDir(dir string) string {
	base := strings.TrimRight(dir, string(filepath.Separator))
	for i := 2; ; i++ {
		d := fmt.Sprintf("%s-%d", base, i)
		if !core.Exists(d) {
			return d
		}
	}
}

// run checks the form and enrolls off the UI goroutine.
func (j *joinScreen) run() {
	if j.join.Disabled() {
		return
	}
	hub := strings.TrimRight(strings.TrimSpace(j.hub.Text), "/")
	code := strings.TrimSpace(j.code.Text)
	if u, err := url.Parse(hub); err != nil || u.Scheme != "https" || u.Host == "" {
		j.showErr(problem(lang.X("join.err.address", "Enter the hub's address as the Office gave it, like https://host:port.")))
		return
	}
	if code == "" {
		j.showErr(problem(lang.X("join.err.code", "Enter the invite code.")))
		return
	}
	dir := j.u.dir
	if core.Exists(dir) {
		dir = strings.TrimSpace(j.folder.Text)
		if dir == "" || core.Exists(dir) {
			j.showErr(problem(lang.X("join.err.exists", "The folder {{.Dir}} already holds a profile. Choose another folder.", map[string]any{"Dir": dir})))
			return
		}
	}
	pass, err := j.fields.check()
	if err != nil {
		j.showErr(err)
		return
	}
	j.setBusy(true)
	u := j.u
	var res replica.EnrollResult
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var err error
		res, err = replica.Enroll(ctx, hub, code, dir, pass)
		if err == nil {
			u.mu.Lock()
			if u.closed {
				u.mu.Unlock()
				_ = res.Profile.Close()
				return
			}
			u.joined = res.Profile
			u.mu.Unlock()
		}
		u.post(func() {
			j.setBusy(false)
			if err != nil {
				j.showErr(joinError(err))
				return
			}
			j.result, j.dir = res, dir
			j.showDone()
		})
	}()
}

// joinError explains why enrollment failed.
func joinError(err error) error {
	var he *replica.Error
	var ne net.Error
	var oe *net.OpError
	msg := err.Error()
	switch {
	case errors.As(err, &he):
		return problem(syncErrorText(err))
	case strings.Contains(msg, "does not match the invite"):
		return problem(lang.X("join.err.certificate", "The hub's certificate does not match the invite: this is not the hub that issued it. Check the address with the Office; do not go on."))
	case strings.Contains(msg, "already holds a profile"):
		return problem(lang.X("join.err.exists_plain", "That folder already holds a profile. Choose another folder."))
	case errors.As(err, &oe), errors.As(err, &ne), errors.Is(err, context.DeadlineExceeded):
		return problem(lang.X("join.err.unreachable", "The hub cannot be reached. Check the address and this computer's network connection, then try again."))
	}
	return err
}

// syncErrorText says in words what the hub answered, or that it cannot be
// reached.
func syncErrorText(err error) string {
	var ue *replica.UploadHeldError
	if errors.As(err, &ue) { // which paper waits, not only the hub's words
		return errorText(ue.Domain())
	}
	var he *replica.Error
	if errors.As(err, &he) {
		if he.Code == replica.CodeVersion {
			return he.Message
		}
		return lang.X(he.Code, he.Message)
	}
	if err != nil && errors.Is(err, core.ErrStale) {
		return errorText(err)
	}
	var de *meetings.Error
	if errors.As(err, &de) {
		return errorText(err)
	}
	return lang.X("join.err.unreachable", "The hub cannot be reached. Check the address and this computer's network connection, then try again.")
}

func (j *joinScreen) showErr(err error) { j.welcomeWork.showErr(err, j.root) }

func (j *joinScreen) setBusy(b bool) {
	j.welcomeWork.setBusy(b, j.root, j.join, j.hub, j.code, j.folder, j.fields.pass, j.fields.again)
}

// showDone shows the hub's fingerprint, big, and who this computer now
// speaks for.
func (j *joinScreen) showDone() {
	res := j.result
	title := newLine(lang.X("join.done.title", "This computer has joined"), theme.ColorNameForeground, theme.SizeNameHeadingText, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateOff
	who := paragraph(lang.X("join.done.who", "{{.Org}} — you are enrolled as {{.Name}} ({{.Role}}).",
		map[string]any{"Org": res.Org, "Name": res.Member, "Role": roleText(meetings.Role(res.Role))}),
		theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{})
	compare := paragraph(lang.X("join.done.compare", "Compare this fingerprint with the fingerprint on the Office's screen"),
		theme.ColorNameForeground, theme.SizeNameSubHeadingText, fyne.TextStyle{Bold: true})
	// Big, on one line: the Office reads it group by group.
	j.finger = newLine(res.Fingerprint, chipAccent.fgName(), theme.SizeNameSubHeadingText, fyne.TextStyle{Monospace: true, Bold: true})
	j.finger.Truncation = fyne.TextTruncateOff
	j.finger.seg.Style.Alignment = fyne.TextAlignCenter
	finger := newSurface(chipAccent.bgName(), j.finger)
	mismatch := paragraph(lang.X("join.done.mismatch", "If they differ, do not use this profile: close eCabinet and tell the Office at once."),
		chipDanger.fgName(), theme.SizeNameCaptionText, fyne.TextStyle{})
	if inv := j.invited; inv.Fingerprint != "" {
		// The invitation was pasted: it carries the fingerprint to compare.
		if inv.Fingerprint == res.Fingerprint {
			mismatch = paragraph(lang.X("join.done.invite_match", "It matches the fingerprint in the invitation you pasted."), chipSuccess.fgName(), theme.SizeNameCaptionText, fyne.TextStyle{Bold: true})
		} else {
			mismatch = paragraph(lang.X("join.done.invite_mismatch", "It differs from the fingerprint in the invitation ({{.Invited}}): do not use this profile; close eCabinet and tell the Office at once.", map[string]any{"Invited": inv.Fingerprint}),
				chipDanger.fgName(), theme.SizeNameText, fyne.TextStyle{Bold: true})
		}
	}
	// The folder is for whoever supports the computer, not for the member
	// joining: it stays folded under "Details".
	where := widget.NewAccordion(widget.NewAccordionItem(lang.X("join.done.details", "Details"),
		paragraph(lang.X("join.done.folder", "Profile folder: {{.Dir}}", map[string]any{"Dir": j.dir}),
			colorNameSubtle, theme.SizeNameCaptionText, fyne.TextStyle{})))
	open := primaryButton(lang.X("join.done.open", "They match — open and synchronise"), theme.ConfirmIcon(), j.open)
	j.body.Objects = []fyne.CanvasObject{container.NewVBox(title, who, padded(12, 4, 0, 0, compare), finger, mismatch, where, padded(8, 0, 0, 0, container.NewHBox(open)))}
	j.body.Refresh()
	j.root.Refresh()
}

// open makes the enrolled profile the session's: the profile open before,
// if any, is closed (off the UI goroutine, after its replicator stops), and
// the new one is shown and synced.
func (j *joinScreen) open() {
	u := j.u
	p, dir := j.result.Profile, j.dir
	if old := u.shell; old != nil {
		old.stop()
		u.shell = nil
	}
	u.background(func() error {
		u.stopSync()
		u.mu.Lock()
		old := u.p
		u.p, u.joined = p, nil
		u.mu.Unlock()
		if old != nil && old != p {
			return old.Close()
		}
		return nil
	}, func(err error) {
		if err != nil {
			fyne.LogError("close the previous profile", err)
		}
		u.dir = dir
		u.showShell(p) // which remembers dir as the profile to open next
	})
}

// prefProfileDir is the profile folder to open next time when none is
// given: the one joined last.
const prefProfileDir = "profileDir"

// showJoinFromShell opens the join screen from the status bar of a profile
// that is not enrolled; Back returns to the shell.
func (u *ui) showJoinFromShell() {
	if u.shell == nil {
		return
	}
	// Back rebuilds the shell: the language may have been switched here.
	j := newJoinScreen(u, u.rebuild)
	u.win.SetContent(j.view())
}
