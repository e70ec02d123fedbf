package app

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// sessionPapers is where a session's papers stand for this profile's
// member: how many there are, how many were never opened (new), replaced
// since last read (updated), and not yet wholly on this computer.
type sessionPapers struct {
	total, unread, updated, notHere int
}

// countSessionPapers folds a session's papers as core lists them.
func countSessionPapers(list []core.PaperView) sessionPapers {
	var sp sessionPapers
	for _, v := range list {
		if v.Recalled {
			continue // a recalled paper is no longer the session's
		}
		sp.total++
		switch v.Read {
		case papers.ReadUnread:
			sp.unread++
		case papers.ReadUpdated:
			sp.updated++
		}
		if v.Readable && !v.Offline {
			sp.notHere++
		}
	}
	return sp
}

// text is the home line, e.g. "3 tài liệu · 1 mới · 1 chưa tải về"; empty
// for a session without papers.
func (sp sessionPapers) text() string {
	if sp.total == 0 {
		return ""
	}
	parts := []string{lang.X("home.papers.total", "{{.N}} papers", map[string]any{"N": sp.total})}
	if sp.unread > 0 {
		parts = append(parts, lang.X("home.papers.new", "{{.N}} new", map[string]any{"N": sp.unread}))
	}
	if sp.updated > 0 {
		parts = append(parts, lang.X("home.papers.updated", "{{.N}} updated", map[string]any{"N": sp.updated}))
	}
	if sp.notHere > 0 {
		parts = append(parts, lang.X("home.papers.not_here", "{{.N}} not yet on this computer", map[string]any{"N": sp.notHere}))
	}
	return strings.Join(parts, " · ")
}

// loadSessionPapers reads the papers of every session not yet over (their
// read and download state is in the database). Not on the UI goroutine.
func loadSessionPapers(p *core.Profile) map[string]sessionPapers {
	out := map[string]sessionPapers{}
	for _, m := range p.Meetings() {
		if m.Status == meetings.StatusClosed {
			continue
		}
		list, err := p.Papers(core.PaperFilter{MeetingID: m.ID})
		if err != nil || len(list) == 0 {
			continue
		}
		out[m.ID] = countSessionPapers(list)
	}
	return out
}
