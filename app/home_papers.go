package app

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// sessionPapers is where a session's papers stand for this profile's
// member: how many there are, how many were never opened (new), replaced
// since last read (updated), and not yet wholly on this computer. For the
// secretariat of the session's body (tracked) it says instead how many
// members on the papers' lists have not yet opened the current version of
// one of them (from the read receipts): the secretariat's own reading of
// papers it attached means nothing, its members' before the session does.
type sessionPapers struct {
	total, unread, updated, notHere int
	tracked                         bool
	notRead                         int // members; tracked only
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
	switch {
	case sp.tracked && sp.notRead > 0:
		parts = append(parts, lang.X("home.papers.not_read", "{{.N}} members have not read them all", map[string]any{"N": sp.notRead}))
	case sp.tracked:
		parts = append(parts, lang.X("home.papers.all_read", "read by every member"))
	case sp.unread > 0:
		parts = append(parts, lang.X("home.papers.new", "{{.N}} new", map[string]any{"N": sp.unread}))
	}
	if sp.updated > 0 && !sp.tracked {
		parts = append(parts, lang.X("home.papers.updated", "{{.N}} updated", map[string]any{"N": sp.updated}))
	}
	if sp.notHere > 0 {
		parts = append(parts, lang.X("home.papers.not_here", "{{.N}} not yet on this computer", map[string]any{"N": sp.notHere}))
	}
	return strings.Join(parts, " · ")
}

// loadSessionPapers folds the papers of every session not yet over, from
// all the papers on this computer (read once for the home, by loadExtras).
// Not on the UI goroutine: the secretariat's counts read receipts.
func loadSessionPapers(p *core.Profile, all []core.PaperView) map[string]sessionPapers {
	byMeeting := map[string][]core.PaperView{}
	for _, v := range all {
		if v.Owner.MeetingID != "" {
			byMeeting[v.Owner.MeetingID] = append(byMeeting[v.Owner.MeetingID], v)
		}
	}
	out := map[string]sessionPapers{}
	for _, m := range p.Meetings() {
		list := byMeeting[m.ID]
		if m.Status == meetings.StatusClosed || len(list) == 0 {
			continue
		}
		sp := countSessionPapers(list)
		if p.IsSecretaryOf(m.Body) {
			sp.tracked, sp.notRead = true, membersNotRead(p, list)
		}
		out[m.ID] = sp
	}
	return out
}

// membersNotRead counts the members on the lists of a session's papers
// who have not opened the current version of at least one of them.
func membersNotRead(p *core.Profile, list []core.PaperView) int {
	behind := map[string]bool{}
	for _, v := range list {
		if v.Recalled {
			continue
		}
		cur, _ := v.CurrentVersion()
		reads, err := p.PaperReads(v.ID)
		if err != nil {
			continue // not this body's secretariat after all: nothing to say
		}
		for _, r := range reads {
			if r.Latest() < cur.Number {
				behind[r.Member.ID] = true
			}
		}
	}
	return len(behind)
}

// paperNews is a paper new or updated for this profile's member: a version
// someone else added that they have not opened.
type paperNews struct {
	id, title string
	version   int
	updated   bool
}

// key names the announcement of one version, so that each is made once.
func (n paperNews) key() string { return "paper:" + n.id + ":" + strconv.Itoa(n.version) }

// loadPaperNews lists, of all the papers on this computer, those to
// announce.
func loadPaperNews(p *core.Profile, all []core.PaperView) []paperNews {
	self := p.Self().ID
	var out []paperNews
	for _, v := range all {
		cur, ok := v.CurrentVersion()
		if v.Recalled || !ok || cur.AddedBy == self || (v.Read != papers.ReadUnread && v.Read != papers.ReadUpdated) {
			continue // what I attached myself is no news to me
		}
		out = append(out, paperNews{id: v.ID, title: v.Title, version: cur.Number, updated: v.Read == papers.ReadUpdated})
	}
	return out
}

// prefNotifiedPapers keeps the paper versions already announced.
const prefNotifiedPapers = "notifiedPapers"

// notifyPapers sends a desktop notification for each paper version new or
// updated for me, once; never the only place: the Papers screen and the
// home's next sessions show the same badges.
func (s *shell) notifyPapers() {
	body := lang.X("papers.notify.body", "On the Papers screen (Ctrl+4).")
	news := make([]announcement, 0, len(s.extras.paperNews))
	for _, n := range s.extras.paperNews {
		title := lang.X("papers.notify.new", "New paper: {{.Title}}", map[string]any{"Title": n.title})
		if n.updated {
			title = lang.X("papers.notify.updated", "Paper updated: {{.Title}}", map[string]any{"Title": n.title})
		}
		news = append(news, announcement{n.key(), fyne.NewNotification(title, body)})
	}
	s.announce(prefNotifiedPapers, news, func(n int) string { // home.go
		return lang.X("papers.notify.many", "{{.N}} papers are new or updated: see the Papers screen.", map[string]any{"N": n})
	})
}
