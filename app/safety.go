package app

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/meetings"
)

// askFirst asks before a lifecycle step that is probably a slip:
// publishing a meeting with nothing on its agenda, or starting a session
// before its day. It reports whether it asked; a yes then makes the step.
func (d *meetingDetail) askFirst(to meetings.Status) bool {
	m := d.m
	switch {
	case to == meetings.StatusPublished && len(m.Agenda) == 0:
		d.s.u.confirm(lang.X("meeting.publish_empty.title", "Publish with an empty agenda?"),
			lang.X("meeting.publish_empty.body", "“{{.Title}}” has no agenda item yet. Members will receive a session with nothing on its agenda.", map[string]any{"Title": m.Title}),
			lang.X("meeting.publish_empty.yes", "Publish anyway"), false,
			func() { d.moveTo(to) })
		return true
	case to == meetings.StatusInSession && beforeDay(d.s.u.now(), m.Start):
		d.s.u.confirm(lang.X("meeting.start_early.title", "Start the session before its day?"),
			lang.X("meeting.start_early.body", "“{{.Title}}” is planned for {{.When}}. Starting it now opens attendance and votes today.", map[string]any{"Title": m.Title, "When": fmtDateTime(m.Start)}),
			lang.X("meeting.start_early.yes", "Start now"), false,
			func() { d.moveTo(to) })
		return true
	}
	return false
}

// beforeDay reports whether now falls on a day (Vietnam time) before t's.
func beforeDay(now, t time.Time) bool {
	y, m, d := now.In(vnTime).Date()
	ty, tm, td := t.In(vnTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Before(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC))
}
