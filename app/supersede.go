package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

// A member who answered on two devices while offline has both answers
// kept, and the one later in the hub's order counts. The device whose
// answer lost tells its member: once with a banner and a desktop
// notification, and for as long as it holds on the ballot's answer form,
// so the member never believes the opinion given here is the one counted.

// supersedeText says which answer replaced which: the head names the
// other device (or the paper the Office recorded), when it was given and the
// change of opinion; the body says which answer counts.
func supersedeText(b ballots.Ballot, s core.Supersession) (head, body string) {
	args := map[string]any{
		"When": lang.X("supersede.when", "{{.Clock}} on {{.Date}}",
			map[string]any{"Clock": fmtClock(s.By.At), "Date": inVN(s.By.At).Format("02/01")}),
		"Mine": optionLabel(b, s.Mine.Choice),
		"By":   optionLabel(b, s.By.Choice),
	}
	if s.By.Paper {
		head = lang.X("supersede.head.paper", "The Office recorded an opinion you gave on paper ({{.When}}); it replaced the answer on this computer ({{.Mine}} → {{.By}}).", args)
	} else {
		head = lang.X("supersede.head", "An answer from your other device ({{.When}}) replaced the answer on this computer ({{.Mine}} → {{.By}}).", args)
	}
	counted := lang.X("supersede.counted", "The answer that counts: {{.By}}.", args)
	if s.By.Comment != "" {
		counted = lang.X("supersede.counted_comment", "The answer that counts: {{.By}} — “{{.Comment}}”",
			map[string]any{"By": args["By"], "Comment": s.By.Comment})
	}
	body = counted + " " + lang.X("supersede.why", "Both answers are kept; the one the hub received later counts. To change it, answer again.")
	return head, body
}

// supersededNow is the supersession to show for a ballot, if it still
// holds for the answer the member sees (UI goroutine).
func (s *shell) supersededNow(ballotID string) (core.Supersession, bool) {
	sup, ok := s.extras.superseded[ballotID]
	if !ok {
		return core.Supersession{}, false
	}
	if a, mine := s.p.MyAnswer(ballotID); !mine || a.ID != sup.By.ID {
		return core.Supersession{}, false // answered again since
	}
	return sup, true
}

// prefSuperseded lists the supersessions already announced, by the ID of
// the answer that counts.
const prefSuperseded = "notifiedSupersessions"

// noteSupersessions announces, once each, answers of this device that were
// replaced: a banner at the top of the window and a desktop notification.
// The ballot's answer form keeps saying it afterwards.
func (s *shell) noteSupersessions() {
	if len(s.extras.superseded) == 0 {
		return
	}
	prefs := s.u.app.Preferences()
	done := prefs.StringList(prefSuperseded)
	ids := make([]string, 0, len(s.extras.superseded))
	for id := range s.extras.superseded {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a stable order of banners
	changed := false
	for _, id := range ids {
		sup, ok := s.supersededNow(id)
		if !ok || slices.Contains(done, sup.By.ID) {
			continue
		}
		b, err := s.p.Ballot(id)
		if err != nil {
			continue
		}
		done = append(done, sup.By.ID)
		changed = true
		head, body := supersedeText(b, sup)
		s.addNotice(chipWarning, theme.WarningIcon(), head, b.Title+" — "+body, id)
		s.u.app.SendNotification(fyne.NewNotification(
			lang.X("supersede.notify.title", "Your answer was replaced: {{.Title}}", map[string]any{"Title": b.Title}), head))
	}
	if changed {
		if len(done) > 200 {
			done = done[len(done)-200:]
		}
		prefs.SetStringList(prefSuperseded, done)
	}
}

// showSuperseded fills the answer form's notice for the ballot shown.
func (f *answerForm) showSuperseded() {
	sup, ok := f.d.s.supersededNow(f.d.b.ID)
	if !ok {
		f.superseded.Hide()
		return
	}
	head, body := supersedeText(f.d.b, sup)
	f.superseded.set(chipWarning, theme.WarningIcon(), head, body)
	if f.supShown != sup.By.ID {
		// The form still holds the opinion chosen here; show the one that
		// counts, once, so that "Change my opinion" starts from it.
		f.supShown = sup.By.ID
		f.options.Selected = optionLabel(f.d.b, sup.By.Choice)
		f.options.Refresh()
		f.comment.SetText(sup.By.Comment)
	}
}
