package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
)

// Read receipts, for the secretariat (core/receipts.go): the "Read" panel
// of a paper lists every member on its list with what they have opened of
// it, the current version first in mind: read, read an older version only,
// or not opened at all. It is a dialog opened from the paper's menu in a
// meeting's or ballot's Papers tab, read off the UI goroutine.

// showPaperReads opens the Read panel of a paper.
func showPaperReads(s *shell, pp papers.Paper) {
	var reads []core.MemberReads
	s.u.background(func() error {
		var err error
		reads, err = s.p.PaperReads(pp.ID)
		return err
	}, func(err error) {
		if err != nil {
			showError(err, s.u.win)
			return
		}
		cur := 0
		if v, ok := pp.CurrentVersion(); ok {
			cur = v.Number
		}
		dialog.NewCustom(lang.X("papers.reads.title", "Read: {{.Title}}", map[string]any{"Title": pp.Title}),
			lang.X("app.close", "Close"), fixedWidth(520, readsView(reads, cur)), s.u.win).Show()
	})
}

// readsView is the panel's content: a summary line, then one row a member
// with their name and a chip saying what they have read.
func readsView(reads []core.MemberReads, current int) fyne.CanvasObject {
	read := 0
	rows := container.NewVBox()
	for _, r := range reads {
		if r.Latest() >= current && current > 0 {
			read++
		}
		text, kind := readStatus(r, current)
		name := titleLine(r.Member.Name)
		detail := subtleLine(readDetail(r))
		rows.Add(padded(4, 4, 0, 16, container.NewBorder(nil, nil, nil, container.NewCenter(newChip(text, kind)), lines(name, detail))))
	}
	summary := lines(
		subtleLine(lang.X("papers.reads.summary", "{{.Read}} of {{.Of}} members on the list have read version {{.Version}}.",
			map[string]any{"Read": read, "Of": len(reads), "Version": current})),
		subtleLine(lang.X("papers.reads.first_only", "Only the first opening of each version is recorded.")))
	if len(reads) == 0 {
		return lines(widget.NewLabel(lang.X("papers.reads.nobody", "Nobody is on this paper's list.")))
	}
	// As tall as the rows, up to about eight of them, then scrolling.
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(0, min(rows.MinSize().Height, 440)))
	return container.NewBorder(padded(0, 8, 0, 0, summary), nil, nil, nil, scroll)
}

// readStatus is a member's chip: read the current version, read an
// earlier one only, or not opened.
func readStatus(r core.MemberReads, current int) (string, chipKind) {
	switch last := r.Latest(); {
	case last == 0:
		return lang.X("papers.reads.not_opened", "Not opened"), chipNeutral
	case last >= current:
		return lang.X("papers.reads.read", "Read"), chipSuccess
	default:
		return lang.X("papers.reads.older", "Read version {{.N}} only", map[string]any{"N": last}), chipWarning
	}
}

// readDetail says when each version was first opened.
func readDetail(r core.MemberReads) string {
	if len(r.Versions) == 0 {
		return lang.X("papers.reads.never", "Has not opened any version")
	}
	out := ""
	for i, v := range r.Versions {
		if i > 0 {
			out += " · "
		}
		out += lang.X("papers.reads.version_at", "Version {{.N}}: {{.When}}", map[string]any{"N": v.Version, "When": fmtShortDateTime(v.At.Local())})
	}
	return out
}
