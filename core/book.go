package core

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/report"
)

// The member's meeting book (report.BuildBook). The papers come from a
// BookPapers source: the profile itself (Profile.BookPapers) answers with
// the papers of each agenda item that the member may see and a decrypting
// reader for each; NoBookPapers gives none (the book is then its cover,
// agenda and contents).

// BookPapers supplies the papers of a meeting that one member may see.
type BookPapers interface {
	// BookPapers returns, by agenda item ID, the papers of the meeting
	// that member may see, in the order they are bound, each with a
	// reader of its bytes (never a path: the book is made in memory).
	BookPapers(meetingID, memberID string) (map[string][]report.BookPaper, error)
}

// NoBookPapers is a BookPapers with no papers at all.
type NoBookPapers struct{}

// BookPapers returns nothing.
func (NoBookPapers) BookPapers(string, string) (map[string][]report.BookPaper, error) {
	return nil, nil
}

// BookOptions say how to make a book.
type BookOptions struct {
	Lang report.Lang
	// Papers is where the papers come from (nil: this profile's own,
	// Profile.BookPapers; NoBookPapers for none).
	Papers BookPapers
	// Repair re-saves a paper pdfcpu cannot read (pdfrender.Repair); nil
	// names such a paper in the error at once.
	Repair report.Repairer
	// Progress is called as the book is made, on the calling goroutine.
	Progress func(report.BookProgress)
	// Member is whose book it is: empty for the profile's own member. The
	// secretariat of the meeting's body may make another member's (to
	// print it for a minister who carries paper): that member's papers,
	// their name in the watermark; anyone else is refused.
	Member string
}

// BookReport gathers the profile's member's book of a meeting: the
// organisation, the meeting, the member and today's date, and the papers
// the source gives for this member.
func (p *Profile) BookReport(meetingID string, opt BookOptions) (report.Book, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return report.Book{}, err
	}
	src := opt.Papers
	if src == nil {
		src = p // the papers on this computer
	}
	who := p.Self()
	if opt.Member != "" && opt.Member != who.ID {
		if !p.IsSecretaryOf(m.Body) {
			return report.Book{}, ErrForbidden
		}
		if who, err = p.Member(opt.Member); err != nil {
			return report.Book{}, err
		}
	}
	papers, err := src.BookPapers(m.ID, who.ID)
	if err != nil {
		return report.Book{}, err
	}
	now := p.now()
	return report.Book{Lang: opt.Lang, Location: vietnam, Body: p.reportHeading().Body, Meeting: m,
		Member: report.Person{Name: who.Name, Title: who.Title}, Date: now, Made: now,
		Papers: papers, Repair: opt.Repair, Progress: opt.Progress}, nil
}

// WriteBook writes the profile's member's book of a meeting to w.
func (p *Profile) WriteBook(ctx context.Context, meetingID string, opt BookOptions, w io.Writer) error {
	b, err := p.BookReport(meetingID, opt)
	defer closePapers(b.Papers) // readers of the chunk store hold it open
	if err != nil {
		return err
	}
	return report.BuildBook(ctx, w, b)
}

// closePapers closes the papers' readers that can be closed.
func closePapers(byItem map[string][]report.BookPaper) {
	for _, ps := range byItem {
		for _, bp := range ps {
			if c, ok := bp.Data.(io.Closer); ok {
				c.Close()
			}
		}
	}
}

// BookPapers makes the profile a BookPapers: the papers of the meeting its
// member may see (PaperFilter, canSeePaper), each read through the chunk
// store's decrypting reader (PeekPaper: making the book is not reading a
// paper). A paper whose file has not yet reached this computer stops the
// book with ErrPaperNotOffline naming it: a book missing a paper without
// saying so would mislead the member who carries it into the room.
func (p *Profile) BookPapers(meetingID, memberID string) (map[string][]report.BookPaper, error) {
	other := memberID != p.Self().ID
	if other {
		// Another member's book: only the secretariat, whose devices hold
		// the keys of the papers it distributes, and only what that
		// member is on the list of.
		m, err := p.Meeting(meetingID)
		if err != nil {
			return nil, err
		}
		if !p.IsSecretaryOf(m.Body) {
			return nil, ErrForbidden
		}
	}
	views, err := p.Papers(PaperFilter{MeetingID: meetingID})
	if err != nil {
		return nil, err
	}
	out := map[string][]report.BookPaper{}
	for _, v := range views {
		if v.Recalled || (other && !p.MemberMaySee(memberID, v.ID)) {
			continue
		}
		r, ver, err := p.PeekPaper(v.ID, 0)
		if err != nil {
			closePapers(out)
			if errors.Is(err, ErrPaperNotOffline) {
				return nil, &meetings.Error{Code: "err.report.book_not_offline", Field: "papers", Args: map[string]any{"paper": v.Title}}
			}
			return nil, err
		}
		out[v.Owner.AgendaItemID] = append(out[v.Owner.AgendaItemID], report.BookPaper{
			Title: v.Title, Confidential: v.Marking == papers.MarkingConfidential, FileName: ver.FileName, MediaType: ver.MediaType, Data: r, Size: r.Size(),
		})
	}
	return out, nil
}

// SaveBook writes the book to path as SaveReport writes a document: made
// whole in memory, then to a temporary file renamed over path, so a
// failure (a paper that cannot be read, a cancelled build, a full disk)
// leaves no file. A paper whose export is off keeps the book from being
// saved (BookExportable). The book is the only thing written: the papers are read
// through their readers and never reach the disk in the clear.
func (p *Profile) SaveBook(ctx context.Context, meetingID string, opt BookOptions, path string) error {
	if opt.Papers == nil { // the papers on this computer: their export rule holds
		if err := p.BookExportable(meetingID); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := p.WriteBook(ctx, meetingID, opt, &buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
