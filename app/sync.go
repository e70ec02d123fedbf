package app

import (
	"context"
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/replica"
)

// Background sync. Once a profile is open, startSync finds out (off the UI
// goroutine) whether it is enrolled with a hub; if so a replica.Service
// runs on its own goroutine until the profile is closed, and ONE goroutine
// reads its status changes and hands each to the UI goroutine, where the
// status bar shows it. The service belongs to the session (ui), not to the
// shell, so that rebuilding the shell in another language keeps it.

// syncState is what the status bar says about the connection.
type syncState struct {
	Known    bool // whether the profile has been asked yet
	Enrolled bool
	Online   bool
	Syncing  bool
	LastSync time.Time
	Pending  int // changes waiting to be sent (core's Profile.Pending)
	Done     int
	Total    int
	Err      error
}

func stateOf(st replica.Status) syncState {
	return syncState{Known: true, Enrolled: st.Enrolled, Online: st.Online, Syncing: st.Syncing,
		LastSync: st.LastSync, Pending: st.Pending, Done: st.Done, Total: st.Total, Err: st.Err}
}

// syncRunner is a running replica.Service.
type syncRunner struct {
	p           *core.Profile
	svc         *replica.Service
	cancel      context.CancelFunc
	served      chan struct{}
	unsubscribe func()
}

// startSync starts the replicator for p when p is enrolled. Enrollment is
// read from the database, so it is asked on a goroutine.
func (u *ui) startSync(p *core.Profile) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		enrolled := p.Enrolled()
		rejs, _ := p.UnresolvedRejections()
		if !enrolled || u.syncOff {
			pending := p.Pending()
			u.post(func() {
				u.markRejectionsSeen(rejs)
				u.setSync(syncState{Known: true, Enrolled: enrolled, Pending: pending})
			})
			return
		}
		svc := replica.NewService(p)
		ctx, cancel := context.WithCancel(context.Background())
		r := &syncRunner{p: p, svc: svc, cancel: cancel, served: make(chan struct{})}
		statuses, unsubscribe := svc.Subscribe()
		r.unsubscribe = unsubscribe
		u.mu.Lock()
		if u.closed || u.p != p || u.sync != nil {
			u.mu.Unlock()
			unsubscribe()
			cancel()
			return
		}
		u.sync = r
		u.mu.Unlock()
		first := stateOf(svc.Status())
		// The rejections known now are listed in Settings; only those the
		// hub gives from here on are announced.
		u.post(func() {
			u.markRejectionsSeen(rejs)
			u.setSync(first)
		})
		go func() {
			defer close(r.served)
			if err := svc.Serve(ctx); err != nil {
				fyne.LogError("sync", err)
			}
		}()
		// The one goroutine that applies status changes.
		go func() {
			for st := range statuses {
				s := stateOf(st)
				u.post(func() { u.setSync(s) })
			}
		}()
		u.watchDownloads(ctx, svc.Downloads()) // papers_read.go
	}()
}

// stopSync stops the replicator, if one runs, and waits for it (a few
// seconds at most) so that the profile can be closed after it.
func (u *ui) stopSync() {
	u.mu.Lock()
	r := u.sync
	u.sync = nil
	u.mu.Unlock()
	if r == nil {
		return
	}
	r.cancel()
	select {
	case <-r.served:
	case <-time.After(5 * time.Second):
	}
	r.unsubscribe()
}

// syncNow asks the replicator for a round now (Ctrl+S).
func (u *ui) syncNow() {
	u.mu.Lock()
	r := u.sync
	u.mu.Unlock()
	if r != nil {
		r.svc.SyncNow()
	}
}

// setSync records the latest state and shows it (UI goroutine).
func (u *ui) setSync(st syncState) {
	u.syncState = st
	if u.shell != nil {
		u.shell.status.setSync(st)
	}
}

// statusBar is the line along the bottom of the window: connection state
// and last sync, who is signed in, the changes waiting to be sent, the
// progress of a long sync and "Sync now" (Ctrl+S).
type statusBar struct {
	s        *shell
	conn     *widget.Icon
	state    *line
	stateTap *tappable // the state, a tap showing it whole
	who      *line
	pending  *line
	progress *widget.ProgressBar
	syncBtn  *widget.Button
	joinBtn  *widget.Button
	root     fyne.CanvasObject
}

func newStatusBar(s *shell) *statusBar {
	b := &statusBar{
		s:        s,
		conn:     widget.NewIcon(theme.NewColoredResource(iconOffline, colorNameSubtle)),
		state:    subtleLine(""),
		who:      subtleLine(""),
		pending:  subtleLine(""),
		progress: widget.NewProgressBar(),
	}
	b.syncBtn = widget.NewButtonWithIcon(lang.X("status.sync_now", "Sync now"), theme.ViewRefreshIcon(), s.u.syncNowAsked)
	b.syncBtn.Importance = widget.LowImportance
	b.joinBtn = widget.NewButtonWithIcon(lang.X("status.join", "Join a committee (connect to a hub)"), iconOnline, s.u.showJoinFromShell)
	b.joinBtn.Importance = widget.LowImportance
	b.who.seg.Style.Alignment = fyne.TextAlignCenter
	b.pending.Truncation = fyne.TextTruncateOff
	// The state is cut with an ellipsis when it does not fit (a long
	// error): a tap shows it whole.
	b.stateTap = newTappable(b.state, b.showWholeState)
	// The count of waiting changes opens "My changes".
	right := container.NewHBox(container.NewCenter(newTappable(b.pending, s.showMyChanges)), container.NewCenter(fixedWidth(140, b.progress)), b.syncBtn, b.joinBtn)
	row := container.New(&statusRow{state: b.state, who: b.who}, b.conn, b.stateTap, b.who, right)
	b.root = container.NewVBox(widget.NewSeparator(),
		flatSurface(colorNameRail, padded(0, 0, 12, 4, row)))
	b.setSync(s.u.syncState)
	b.refresh()
	return b
}

func (b *statusBar) view() fyne.CanvasObject { return b.root }

// showWholeState shows the state line whole when it is an error: the bar
// may have cut it.
func (b *statusBar) showWholeState() {
	if st := b.s.u.syncState; st.Err != nil && b.state.seg.Text != "" {
		showError(problem(b.state.seg.Text), b.s.u.win)
	}
}

// statusRow lays out the status bar: the connection icon and the state on
// the left, the controls on the right at their own width, and who is
// signed in centred between them. The state keeps its whole width while it
// fits beside the others; a longer one (an error) gets the room up to the
// controls, who is signed in giving way, and is cut there. The bar then
// never asks for more width than the window has (a Fyne window grows to
// its content's minimum).
type statusRow struct {
	state, who *line // their texts, to measure them whole
}

// Objects: icon, state, who, controls.
func (l *statusRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	h := float32(0)
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(objs[0].MinSize().Width+statusStateMin+objs[3].MinSize().Width+2*theme.Padding(), h)
}

// statusStateMin is the least width the state is given.
const statusStateMin = 120

func (l *statusRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	icon, state, who, right := objs[0], objs[1], objs[2], objs[3]
	pad := theme.Padding()
	// The icon, who is signed in and the controls take the bar's height
	// (each draws itself within it); the state is centred in it.
	full := func(o fyne.CanvasObject, x, w float32) {
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(max(w, 0), size.Height))
	}
	centred := func(o fyne.CanvasObject, x, w float32) {
		h := min(o.MinSize().Height, size.Height)
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(max(w, 0), h))
	}
	iw, rw := icon.MinSize().Width, right.MinSize().Width
	full(icon, 0, iw)
	full(right, size.Width-rw, rw)
	x0, x1 := iw+pad, size.Width-rw-pad // the room between icon and controls
	sw, ww := naturalWidth(l.state), naturalWidth(l.who)
	if sw+pad+ww <= x1-x0 {
		// A pad more than its measure: a line cut to exactly its width
		// may still show an ellipsis (rounding).
		centred(state, x0, sw+pad)
		// The rest of the room, who is signed in centred in it.
		who.Show()
		full(who, x0+sw+pad, x1-x0-sw-pad)
		return
	}
	who.Hide()
	centred(state, x0, x1-x0)
}

// naturalWidth is the width l's text takes uncut.
func naturalWidth(l *line) float32 {
	st := l.seg.Style
	m := newLine(l.seg.Text, st.ColorName, st.SizeName, st.TextStyle)
	m.Truncation = fyne.TextTruncateOff
	return m.MinSize().Width
}

// setSync shows the connection state.
func (b *statusBar) setSync(st syncState) {
	b.progress.Hide()
	b.syncBtn.Hide()
	b.joinBtn.Hide()
	icon, color := iconOffline, colorNameSubtle
	switch {
	case !st.Known:
		b.state.setText("")
		b.pending.setText("")
	case !st.Enrolled:
		b.state.setText(lang.X("status.local", "Works on this computer only"))
		b.pending.setText("")
		b.joinBtn.Show()
	default:
		b.syncBtn.Show()
		switch {
		case st.Syncing:
			icon = iconOnline
			b.state.setText(lang.X("status.syncing", "Synchronising…"))
			if st.Total > 0 {
				b.progress.Max = float64(st.Total)
				b.progress.SetValue(float64(min(st.Done, st.Total)))
				b.progress.Show()
			}
		case st.Online && st.Err != nil:
			icon, color = iconOnline, theme.ColorNameError
			var held *replica.UploadHeldError
			if errors.As(st.Err, &held) { // not a refusal: the hub cannot store papers now
				b.state.setText(syncErrorText(st.Err))
			} else {
				b.state.setText(lang.X("status.refused", "The hub refused: {{.Why}}", map[string]any{"Why": syncErrorText(st.Err)}))
			}
		case st.Online:
			icon = iconOnline
			b.state.setText(lang.X("status.online", "Online — synchronised at {{.When}}",
				map[string]any{"When": fmtSyncTime(st.LastSync, b.s.u.now())}))
		default:
			b.state.setText(lang.X("status.offline", "Offline — saved on this computer"))
		}
		b.setPending(st.Pending)
	}
	b.conn.SetResource(theme.NewColoredResource(icon, color))
	if b.root != nil {
		b.root.Refresh()
	}
}

// note says something about sync in the status bar until its state
// changes again ("Sync now" while offline).
func (b *statusBar) note(msg string) {
	b.state.setText(msg)
	if b.root != nil {
		b.root.Refresh()
	}
}

// fmtSyncTime is the time of the last sync: the clock when it was today,
// else the date too.
func fmtSyncTime(t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if inVN(t).Format("20060102") == inVN(now).Format("20060102") {
		return fmtClock(t)
	}
	return fmtShortDateTime(t)
}

// setPending shows how many changes wait to be sent to the hub.
func (b *statusBar) setPending(n int) {
	if !b.s.u.syncState.Enrolled {
		return
	}
	b.pending.setText(lang.X("status.pending", "Changes waiting to be sent: {{.N}}", map[string]any{"N": n}))
}

// refresh shows who is signed in.
func (b *statusBar) refresh() {
	self := b.s.p.Self()
	b.who.setText(self.Name + " · " + roleText(self.Role))
}
