package app

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/ops"
)

// This file holds what sync tells a member about their own work: the state
// of an answer (saved here, received by the hub, counted, late), the
// secretariat's reminders, and the changes the hub refused.

// ballotExtras are what the ballot screens show beside the ballots
// themselves; they are read from the database, off the UI goroutine.
type ballotExtras struct {
	reminders map[string]core.Reminder
	results   map[string]core.ResultCheck
	// confirmed holds my answers as the hub confirmed them (position and
	// reception time), by ballot.
	confirmed map[string]ballots.Answer
	// givenHere tells, by answer ID, whether each answer in confirmed was
	// signed by this device (core's GivenHere reads the database).
	givenHere map[string]bool
	// superseded holds, by ballot, this device's answers replaced by a
	// later one given elsewhere in my name (see supersede.go).
	superseded map[string]core.Supersession
	// responses holds, for the secretariat, how many answers count on each
	// open ballot (see responseCache).
	responses map[string]int
	// late holds, for the secretariat, how many eligible members' answers
	// reached the hub only after the deadline (kept, not counted), on each
	// ballot past its deadline that has some (see responseCache.loadLate).
	late map[string]int
	// papers holds, by meeting, the state of the papers of each session
	// not yet over, for the home's "Next sessions" (home_papers.go).
	papers map[string]sessionPapers
	// paperNews are the papers new or updated for me, to announce once
	// (notifyPapers, home_papers.go).
	paperNews []paperNews
}

func newBallotExtras() ballotExtras {
	return ballotExtras{reminders: map[string]core.Reminder{}, results: map[string]core.ResultCheck{},
		confirmed: map[string]ballots.Answer{}, givenHere: map[string]bool{}, superseded: map[string]core.Supersession{},
		responses: map[string]int{}, late: map[string]int{}, papers: map[string]sessionPapers{}}
}

// confirmedCache remembers my answers the hub has confirmed, by answer ID:
// a confirmation never changes, so each is read from the database once.
type confirmedCache struct {
	mu sync.Mutex
	m  map[string]ballots.Answer
}

// confirmedAnswer is my answer a as the hub confirmed it, if it has.
// core's MyAnswer keeps the answer as it was saved here; the stored copy
// that Answers returns carries the hub's position and reception time. Not
// on the UI goroutine.
func (c *confirmedCache) confirmedAnswer(p *core.Profile, a ballots.Answer) (ballots.Answer, bool) {
	if confirmed(a) {
		return a, true
	}
	c.mu.Lock()
	got, ok := c.m[a.ID]
	c.mu.Unlock()
	if ok {
		return got, true
	}
	all, _ := p.Answers(a.BallotID)
	for _, x := range all {
		if x.ID == a.ID && confirmed(x) {
			c.mu.Lock()
			if c.m == nil {
				c.m = map[string]ballots.Answer{}
			}
			c.m[a.ID] = x
			c.mu.Unlock()
			return x, true
		}
	}
	return a, false
}

// loadExtras reads the reminders of open ballots, the signed results of
// closed ones and the hub's confirmation of my answers, with the device
// that gave each. Not on the UI goroutine.
func loadExtras(p *core.Profile, cache *confirmedCache) ballotExtras {
	ex := newBallotExtras()
	// One read of the papers serves the next sessions' lines and the
	// notifications (home_papers.go).
	all, _ := p.Papers(core.PaperFilter{})
	ex.papers = loadSessionPapers(p, all)
	ex.paperNews = loadPaperNews(p, all)
	for _, sup := range p.Supersessions() {
		ex.superseded[sup.BallotID] = sup
	}
	for _, b := range p.Ballots() {
		if a, ok := p.MyAnswer(b.ID); ok {
			if c, ok := cache.confirmedAnswer(p, a); ok {
				ex.confirmed[b.ID] = c
				ex.givenHere[c.ID] = p.GivenHere(c)
			}
		}
		switch b.Status {
		case ballots.StatusOpen:
			if r, ok := p.ReminderFor(b.ID); ok {
				ex.reminders[b.ID] = r
			}
		case ballots.StatusClosed:
			if rc, ok := p.BallotResult(b.ID); ok {
				ex.results[b.ID] = rc
			}
		}
	}
	return ex
}

// myAnswer is my answer to a ballot, with the hub's confirmation when
// known (UI goroutine).
func (s *shell) myAnswer(id string) (ballots.Answer, bool) {
	a, ok := s.p.MyAnswer(id)
	if c, known := s.extras.confirmed[id]; ok && known && c.ID == a.ID {
		return c, true
	}
	return a, ok
}

// answerState is where a member's own answer stands.
type answerState int

const (
	answerSaved    answerState = iota // saved on this computer only
	answerReceived                    // the hub accepted it, with a signed receipt
	answerCounted                     // the ballot closed and its signed result checks out here
	answerLate                        // it reached the hub after the deadline: not counted
)

// unconfirmedSeq: an answer whose Seq is at least this has no hub position
// yet.
const unconfirmedSeq = 1 << 48

func confirmed(a ballots.Answer) bool { return !a.ReceivedAt.IsZero() || a.Seq < unconfirmedSeq }

// stateOfAnswer says where my answer a to ballot b stands.
func stateOfAnswer(b ballots.Ballot, a ballots.Answer, ex ballotExtras) answerState {
	switch {
	case b.IsLate(a):
		return answerLate
	case !confirmed(a):
		return answerSaved
	case b.Status == ballots.StatusClosed && ex.results[b.ID].Verified:
		return answerCounted
	}
	return answerReceived
}

// chipText is the inbox's short word for a state.
func (s answerState) chip() (string, chipKind) {
	switch s {
	case answerReceived:
		return lang.X("answer.state.received", "Received by the hub"), chipSuccess
	case answerCounted:
		return lang.X("answer.state.counted", "Counted"), chipSuccess
	case answerLate:
		return lang.X("answer.state.late", "Late — not counted"), chipDanger
	}
	return lang.X("answer.state.saved", "Saved on this computer"), chipAccent
}

// reminderShown reports whether the reminder about b concerns me: the
// ballot is open, I am asked and have not answered.
func (s *shell) reminderShown(b ballots.Ballot, answered bool) (core.Reminder, bool) {
	r, ok := s.extras.reminders[b.ID]
	if !ok || !awaitsAnswer(b, s.p.Self().ID, answered) {
		return core.Reminder{}, false
	}
	return r, true
}

// reminderText is "The Office reminds you: …".
func reminderText(r core.Reminder) string {
	if strings.TrimSpace(r.Message) == "" {
		return lang.X("remind.banner.plain", "The Office reminds you to answer this ballot.")
	}
	return lang.X("remind.banner", "The Office reminds you: {{.Message}}", map[string]any{"Message": r.Message})
}

// reminderChip is the inbox's short form of a reminder.
func reminderChip(r core.Reminder) string {
	msg := []rune(strings.TrimSpace(r.Message))
	if len(msg) == 0 {
		return lang.X("remind.chip.plain", "The Office reminded you {{.When}}", map[string]any{"When": fmtShortDateTime(r.At)})
	}
	if len(msg) > 36 {
		msg = append(msg[:35], '…')
	}
	return lang.X("remind.chip", "The Office reminds you: {{.Message}}", map[string]any{"Message": string(msg)})
}

// prefNotified lists the reminders already announced on the desktop.
const prefNotified = "notifiedReminders"

// notifyReminders sends a desktop notification once per reminder that
// concerns me. It is never the only place a reminder shows: the inbox and
// the ballot carry it too.
func (s *shell) notifyReminders() {
	// Replaced answers are news of the same moments: after a sync.
	s.noteSupersessions()
	prefs := s.u.app.Preferences()
	done := prefs.StringList(prefNotified)
	changed := false
	for _, b := range s.p.Ballots() {
		if b.Status != ballots.StatusOpen {
			break // open ballots come first
		}
		_, answered := s.p.MyAnswer(b.ID)
		r, ok := s.reminderShown(b, answered)
		if !ok {
			continue
		}
		key := b.ID + "@" + fmt.Sprint(r.At.UnixNano())
		if slices.Contains(done, key) {
			continue
		}
		done = append(done, key)
		changed = true
		s.u.app.SendNotification(fyne.NewNotification(
			lang.X("remind.notify.title", "Reminder: {{.Title}}", map[string]any{"Title": b.Title}),
			reminderText(r)+" "+lang.X("ballot.deadline_short", "Deadline: {{.When}}", map[string]any{"When": fmtDateTime(b.Deadline)})))
	}
	if changed {
		if len(done) > 200 {
			done = done[len(done)-200:]
		}
		prefs.SetStringList(prefNotified, done)
	}
}

// markRejectionsSeen takes the refusals known when sync starts: listed in
// Settings, and announced if they never were (a refusal that a headless
// `ecabinet sync` received, say).
func (u *ui) markRejectionsSeen(rejs []core.OpState) {
	u.noteRejections(rejs)
}

// prefAnnouncedRejections lists the refusals already announced, as
// "<device>:<number>", so that each is announced once, whichever run of the
// app or the command line received it.
const prefAnnouncedRejections = "announcedRejections"

// noteRejections announces the refusals not announced yet, and lists them
// all in Settings.
func (u *ui) noteRejections(rejs []core.OpState) {
	u.rejections = rejs
	if u.shell == nil {
		return
	}
	prefs := u.app.Preferences()
	done := prefs.StringList(prefAnnouncedRejections)
	dev := u.shell.p.DeviceID()
	changed := false
	for i := len(rejs) - 1; i >= 0; i-- { // oldest first
		r := rejs[i]
		key := fmt.Sprintf("%s:%d", dev, r.DevSeq)
		if u.seenRej[r.DevSeq] || slices.Contains(done, key) {
			u.seenRej[r.DevSeq] = true
			continue
		}
		u.seenRej[r.DevSeq] = true
		done = append(done, key)
		changed = true
		u.shell.showRejection(r)
	}
	if changed {
		if len(done) > 500 {
			done = done[len(done)-500:]
		}
		prefs.SetStringList(prefAnnouncedRejections, done)
	}
	u.shell.screens[scrSettings].(*settingsScreen).showRejections()
}

// rejectionText says in words why the hub refused one of this device's
// changes.
func (s *shell) rejectionText(r core.OpState) (head, body string) {
	switch {
	case r.Kind == ops.KindBallotAnswer && (r.Code == "err.ballot.not_open" || r.Code == "err.ballot.late"):
		head = lang.X("sync.rejected.answer_closed", "This ballot closed before your answer arrived; it was not counted.")
		if b, err := s.p.Ballot(r.Subject); err == nil {
			body = b.Title
		}
	case r.Code == "err.stale":
		head = lang.X("sync.rejected.stale", "Someone else changed this record before your change arrived. The current version is now shown.")
		body = lang.X("sync.rejected.stale_body", "Your change ({{.What}}) was not applied. Open the record, check the current version and make your change again if it is still needed.",
			map[string]any{"What": opKindText(r.Kind)})
	default:
		why := r.Reason
		if r.Code != "" {
			why = lang.X(r.Code, r.Reason)
		}
		head = lang.X("sync.rejected.other", "The hub refused a change made on this computer ({{.What}}).", map[string]any{"What": opKindText(r.Kind)})
		body = why
	}
	return head, body
}

// opKindText names a kind of change: its description in the table of kinds
// (the command line's words), or the kind itself for one this version does
// not know.
func opKindText(k ops.Kind) string {
	key := ops.TextKey(k)
	if key == "" {
		return string(k)
	}
	return lang.X(key, string(k))
}

// opKindTitle is opKindText starting a row or a title: the command line's
// words are lower case, to sit inside a sentence.
func opKindTitle(k ops.Kind) string {
	s := opKindText(k)
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// showRejection puts a banner about a refusal at the top of the window
// (the newest three are kept); it does not stop the person's work.
func (s *shell) showRejection(r core.OpState) {
	if core.Mergeable(r) {
		s.showStaleRejection(r) // with Merge and Keep (merge.go)
		return
	}
	head, body := s.rejectionText(r)
	kind, ballot := chipWarning, ""
	if r.Kind == ops.KindBallotAnswer {
		kind, ballot = chipDanger, r.Subject
	}
	s.addNotice(kind, theme.WarningIcon(), head, body, ballot)
}

// addNotice puts a banner at the top of the window (the newest three are
// kept), with a way to open the ballot it is about when ballotID is set; it
// does not stop the person's work.
func (s *shell) addNotice(kind chipKind, icon fyne.Resource, head, body, ballotID string) {
	bn := newBanner()
	bn.set(kind, icon, head, body)
	var row fyne.CanvasObject
	dismiss := widget.NewButtonWithIcon(lang.X("app.close", "Close"), theme.CancelIcon(), func() {
		s.notices.Remove(row)
		s.root.Refresh()
	})
	dismiss.Importance = widget.LowImportance
	actions := container.NewHBox(dismiss)
	if ballotID != "" {
		id := ballotID
		open := widget.NewButton(lang.X("sync.rejected.open_ballot", "Open the ballot"), func() {
			s.show(scrBallots)
			bs := s.screens[scrBallots].(*ballotsScreen)
			bs.open(id)
			bs.syncSelection()
		})
		open.Importance = widget.LowImportance
		actions.Objects = append([]fyne.CanvasObject{open}, actions.Objects...)
	}
	row = padded(6, 0, 12, 12, container.NewBorder(nil, nil, nil, container.NewCenter(actions), bn))
	s.notices.Add(row)
	for len(s.notices.Objects) > 3 {
		s.notices.Remove(s.notices.Objects[0])
	}
	s.root.Refresh()
}
