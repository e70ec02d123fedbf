package core

import (
	"bytes"
	"context"
	"io"

	"github.com/ecabinet/ecabinet/report"
)

// The member's meeting book (report.BuildBook). The papers come from a
// BookPapers source: the paper store, once it exists, answers with the
// papers of each agenda item that the member may see and a decrypting
// reader for each; until then NoBookPapers gives none and the book is its
// cover, agenda and contents.

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
	// Papers is where the papers come from (nil: NoBookPapers).
	Papers BookPapers
	// Repair re-saves a paper pdfcpu cannot read (pdfrender.Repair); nil
	// names such a paper in the error at once.
	Repair report.Repairer
	// Progress is called as the book is made, on the calling goroutine.
	Progress func(report.BookProgress)
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
		src = NoBookPapers{}
	}
	self := p.Self()
	papers, err := src.BookPapers(m.ID, self.ID)
	if err != nil {
		return report.Book{}, err
	}
	now := p.now()
	return report.Book{Lang: opt.Lang, Location: vietnam, Body: p.reportHeading().Body, Meeting: m,
		Member: report.Person{Name: self.Name, Title: self.Title}, Date: now, Made: now,
		Papers: papers, Repair: opt.Repair, Progress: opt.Progress}, nil
}

// WriteBook writes the profile's member's book of a meeting to w.
func (p *Profile) WriteBook(ctx context.Context, meetingID string, opt BookOptions, w io.Writer) error {
	b, err := p.BookReport(meetingID, opt)
	if err != nil {
		return err
	}
	return report.BuildBook(ctx, w, b)
}

// SaveBook writes the book to path as SaveReport writes a document: made
// whole in memory, then to a temporary file renamed over path, so a
// failure (a paper that cannot be read, a cancelled build, a full disk)
// leaves no file. The book is the only thing written: the papers are read
// through their readers and never reach the disk in the clear.
func (p *Profile) SaveBook(ctx context.Context, meetingID string, opt BookOptions, path string) error {
	var buf bytes.Buffer
	if err := p.WriteBook(ctx, meetingID, opt, &buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
