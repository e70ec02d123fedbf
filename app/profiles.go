package app

import (
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
)

// Profiles on this computer. A profile belongs to one person; a computer
// shared by a minister and an assistant, or a secretary who also sits on a
// committee, holds several. The unlock and welcome screens let the person
// choose theirs, and Settings switches. Preferences keep each profile's
// folder and the words shown for it (the member's name and organisation,
// written when it was last opened): never a key or a passphrase.

// prefProfiles lists the profiles opened on this computer, most recent
// first, each as "folder\tlabel".
const prefProfiles = "profiles"

// maxProfiles bounds the list: a shared computer holds a handful.
const maxProfiles = 12

// knownProfile is one remembered profile.
type knownProfile struct{ Dir, Label string }

// knownProfiles lists the remembered profiles that still exist, most
// recent first.
func knownProfiles(prefs fyne.Preferences) []knownProfile {
	var out []knownProfile
	for _, row := range prefs.StringList(prefProfiles) {
		dir, label, _ := strings.Cut(row, "\t")
		if dir != "" && core.Exists(dir) {
			out = append(out, knownProfile{Dir: dir, Label: label})
		}
	}
	return out
}

// rememberProfile puts dir first in the list (and makes it the profile
// opened next time), with label, keeping the list bounded.
func rememberProfile(prefs fyne.Preferences, dir, label string) {
	rows := []string{dir + "\t" + strings.ReplaceAll(label, "\t", " ")}
	for _, row := range prefs.StringList(prefProfiles) {
		if d, _, _ := strings.Cut(row, "\t"); d != dir && len(rows) < maxProfiles {
			rows = append(rows, row)
		}
	}
	prefs.SetStringList(prefProfiles, rows)
	prefs.SetString(prefProfileDir, dir)
}

// profileLabel is how a profile is named in the chooser: its member and
// organisation.
func profileLabel(p *core.Profile) string {
	self := p.Self()
	if org := p.OrgName(); org != "" {
		return self.Name + " — " + org
	}
	return self.Name
}

// chooserText is a profile's line in the chooser; a profile never opened
// since it was remembered shows its folder's name.
func (k knownProfile) chooserText() string {
	if k.Label != "" {
		return k.Label + "  (" + filepath.Base(k.Dir) + ")"
	}
	return filepath.Base(k.Dir)
}

// profileChooser is the part of the unlock and welcome screens that lets
// a person pick another profile of this computer, or start a new one; nil
// when there is nothing to choose (the only profile is the one shown and
// newProfile is false).
func (u *ui) profileChooser(newProfile bool) fyne.CanvasObject {
	known := knownProfiles(u.app.Preferences())
	others := 0
	for _, k := range known {
		if k.Dir != u.dir {
			others++
		}
	}
	if others == 0 && !newProfile {
		return nil
	}
	var rows []fyne.CanvasObject
	if others > 0 || (len(known) > 0 && !core.Exists(u.dir)) {
		texts := make([]string, len(known))
		selected := ""
		for i, k := range known {
			texts[i] = k.chooserText()
			if k.Dir == u.dir {
				selected = texts[i]
			}
		}
		pick := widget.NewSelect(texts, nil)
		pick.PlaceHolder = lang.X("profiles.pick", "Choose a profile")
		if selected != "" {
			pick.SetSelected(selected)
		}
		pick.OnChanged = func(string) {
			if i := pick.SelectedIndex(); i >= 0 && known[i].Dir != u.dir {
				u.dir = known[i].Dir
				u.start()
			}
		}
		rows = append(rows, paragraph(lang.X("profiles.on_computer", "Profiles on this computer"),
			theme.ColorNameForeground, theme.SizeNameText, fyne.TextStyle{Bold: true}), pick)
	}
	if newProfile {
		rows = append(rows, widget.NewButtonWithIcon(lang.X("profiles.new", "Another person's profile on this computer…"), theme.ContentAddIcon(), func() {
			u.dir = nextFreeDir(u.dir)
			u.start()
		}))
	}
	return padded(12, 0, 0, 0, container.NewVBox(rows...))
}

// switchProfile closes the open profile (after its replicator stops, off
// the UI goroutine) and shows the unlock screen, where another profile of
// this computer can be chosen.
func (u *ui) switchProfile() {
	if old := u.shell; old != nil {
		old.stop()
		u.shell = nil
	}
	u.background(func() error {
		u.stopSync()
		u.mu.Lock()
		p := u.p
		u.p = nil
		u.mu.Unlock()
		if p != nil {
			return p.Close()
		}
		return nil
	}, func(err error) {
		if err != nil {
			fyne.LogError("close the profile", err)
		}
		u.start()
	})
}
