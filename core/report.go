package core

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/report"
)

// The documents (report/): the core gathers what each says from the
// profile and hands report a plain value, as it hands the exporters theirs.
// The desktop app and the headless commands both write them through
// SaveReport, so the two give the same file.

// vietnam is the time the documents are dated in (UTC+7 all year; a fixed
// zone needs no time zone database, which Windows lacks), as the screens
// show times.
var vietnam = time.FixedZone("ICT", 7*60*60)

// reportCity is where the documents say they are issued.
const reportCity = "Hà Nội"

// errReportWrite is the translated refusal of an output that cannot be
// written (a full disk, a folder that is not writable).
func errReportWrite(path string, err error) error {
	return &meetings.Error{Code: "err.report.write", Field: "out", Args: map[string]any{"path": path, "err": err.Error()}}
}

// reportHeading is the heading of a document made now: the organisation
// (the hub's name, as every replica knows its system member), else the
// secretary's office.
func (p *Profile) reportHeading() report.Heading {
	p.modelMu.RLock()
	body := p.m.orgName()
	p.modelMu.RUnlock()
	if body == "" {
		body = p.Self().Title
	}
	if body == "" {
		body = "eCabinet"
	}
	return report.Heading{Body: body, City: reportCity, Date: p.now()}
}

func (p *Profile) reportSigner() report.Signer { return report.Signer{Name: p.Self().Name} }

// person is how a document names member id (its ID if unknown).
func (p *Profile) person(id string) report.Person {
	if m, err := p.Member(id); err == nil {
		return report.Person{Name: m.Name, Title: m.Title}
	}
	return report.Person{Name: id}
}

// committeeOrder lists ids in the order of body's members (its chair
// first, then by role and name), ids of others after them in their own
// order.
func (p *Profile) committeeOrder(body string, ids []string) []string {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	out := make([]string, 0, len(want))
	for _, m := range p.MembersOf(body) {
		if want[m.ID] {
			out = append(out, m.ID)
			delete(want, m.ID)
		}
	}
	for _, id := range ids {
		if want[id] {
			out = append(out, id)
			delete(want, id)
		}
	}
	return out
}

// invited is the member IDs a meeting invites: its participants, or every
// voter when it names none.
func (p *Profile) invited(m meetings.Meeting) []string {
	if len(m.Participants) > 0 {
		return p.committeeOrder(m.Body, m.Participants)
	}
	var out []string
	for _, v := range meetings.Voters(p.MembersOf(m.Body)) {
		out = append(out, v.ID)
	}
	return out
}

// InvitationReport gathers the invitation and agenda of a meeting.
func (p *Profile) InvitationReport(meetingID string, lang report.Lang) (report.Invitation, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return report.Invitation{}, err
	}
	in := report.Invitation{Lang: lang, Location: vietnam, Heading: p.reportHeading(), Made: p.now(),
		Title: m.Title, Start: m.Start, Place: m.Place, Signer: p.reportSigner()}
	for _, id := range p.invited(m) {
		in.Participants = append(in.Participants, p.person(id))
	}
	listed := p.invitationPapers(meetingID)
	for _, it := range m.Agenda {
		in.Agenda = append(in.Agenda, report.AgendaEntry{Title: it.Title, Presenter: it.Presenter, Minutes: it.Minutes, Papers: listed[it.ID]})
	}
	return in, nil
}

// invitationPapers are the papers the invitation lists under each agenda
// item (by item ID), from the model (papersOf: titles and lists, no
// file or read state): those this member may see that go to every
// participant (RuleOwner), not recalled. Every participant reads the
// invitation, and a paper sent only to named members is, for everyone
// else, as if it did not exist (as the hub answers them): its title is
// not printed, nor is a count that would tell of it.
func (p *Profile) invitationPapers(meetingID string) map[string][]report.AgendaPaper {
	out := map[string][]report.AgendaPaper{}
	for _, v := range p.papersOf(PaperFilter{MeetingID: meetingID}) {
		if v.Recalled || v.Distribution.Rule == papers.RuleNamed {
			continue
		}
		out[v.Owner.AgendaItemID] = append(out[v.Owner.AgendaItemID], report.AgendaPaper{Title: v.Title, Confidential: v.Marking == papers.MarkingConfidential})
	}
	return out
}

// SummaryReport gathers the summary of opinions of a ballot: one row per
// member who answered (the answer that counts, else their latest, shown
// late), the members with no answer, and the hub's signed result as this
// replica checked it. It tallies, so screens call it off the UI goroutine.
func (p *Profile) SummaryReport(ballotID string, lang report.Lang) (report.Summary, error) {
	b, err := p.Ballot(ballotID)
	if err != nil {
		return report.Summary{}, err
	}
	res, answers, err := p.Tally(ballotID)
	if err != nil && !errors.Is(err, ErrBadSignature) {
		return report.Summary{}, err
	}
	s := report.Summary{Lang: lang, Location: vietnam, Heading: p.reportHeading(), Made: p.now(),
		Ballot: b, Result: res, Signer: p.reportSigner()}
	counted := ballots.Counted(b, answers)
	latest := ballots.Effective(answers)
	for _, id := range p.committeeOrder(b.Body, b.Eligible) {
		a, ok := counted[id]
		if !ok {
			a, ok = latest[id]
		}
		if !ok {
			s.Missing = append(s.Missing, p.person(id))
			continue
		}
		_, isCounted := counted[id]
		s.Answers = append(s.Answers, report.AnswerRow{Member: p.person(id), Choice: a.Choice, Comment: a.Comment,
			SignedAt: a.At, ReceivedAt: a.ReceivedAt, Late: b.IsLate(a), Paper: a.Paper, Counted: isCounted})
	}
	if rc, ok := p.BallotResult(ballotID); ok {
		s.Verification = report.Verification{State: report.CheckVerified, Fingerprint: resultFingerprint(rc)}
		if !rc.Verified {
			s.Verification.State, s.Verification.Problem = report.CheckMismatch, rc.Problem
		}
	}
	return s, nil
}

// resultFingerprint identifies the result the hub signed: SHA-256 over its
// body as encoded (which carries the hash of the answers counted), the
// first 16 bytes in groups of four hex digits, for reading aloud.
func resultFingerprint(rc ResultCheck) string {
	raw, err := codec.Marshal(rc.Result)
	if err != nil {
		return ""
	}
	h := sha256.Sum256(raw)
	hex := strings.ToUpper(fmt.Sprintf("%x", h[:16]))
	var parts []string
	for i := 0; i < len(hex); i += 4 {
		parts = append(parts, hex[i:i+4])
	}
	return strings.Join(parts, " ")
}

// MinutesReport gathers the minutes of a meeting: attendance against the
// quorum, and per agenda item whether it was adopted in the consent block,
// the named votes taken on it (ballots tied to the item) and its
// conclusion; minutes not finalised are marked as a draft.
func (p *Profile) MinutesReport(meetingID string, lang report.Lang) (report.Minutes, error) {
	m, err := p.Meeting(meetingID)
	if err != nil {
		return report.Minutes{}, err
	}
	members := p.MembersOf(m.Body)
	out := report.Minutes{Lang: lang, Location: vietnam, Heading: p.reportHeading(), Made: p.now(),
		Title: m.Title, Start: m.Start, Place: m.Place, Status: m.Status,
		Quorum: meetings.Quorum(m, members, meetings.DefaultQuorum), Signer: p.reportSigner()}
	out.Heading.Date = m.Start
	out.Finalised = m.Finalised
	if c, ok := meetings.Chair(members); ok && m.IsPresent(c.ID) {
		chair := p.person(c.ID)
		out.Chair = &chair
	}
	invited := p.invited(m)
	for _, id := range invited {
		if m.IsPresent(id) {
			out.Present = append(out.Present, p.person(id))
		} else {
			out.Absent = append(out.Absent, p.person(id))
		}
	}
	for _, id := range p.committeeOrder(m.Body, m.Present) {
		if !slices.Contains(invited, id) {
			out.Others = append(out.Others, p.person(id))
		}
	}
	all := p.Ballots()
	for _, it := range m.Agenda {
		item := report.MinutesItem{Title: it.Title, Presenter: it.Presenter, Adopted: it.Adopted, Conclusion: it.Conclusion}
		for _, b := range all {
			if b.MeetingID != m.ID || b.AgendaItemID != it.ID {
				continue
			}
			v, err := p.vote(b)
			if err != nil {
				return report.Minutes{}, err
			}
			item.Votes = append(item.Votes, v)
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// vote is a ballot taken on an agenda item with who answered what.
func (p *Profile) vote(b ballots.Ballot) (report.Vote, error) {
	res, answers, err := p.Tally(b.ID)
	if err != nil && !errors.Is(err, ErrBadSignature) {
		return report.Vote{}, err
	}
	v := report.Vote{Question: b.Question, Ballot: b, Result: res}
	counted := ballots.Counted(b, answers)
	for _, id := range p.committeeOrder(b.Body, b.Eligible) {
		if a, ok := counted[id]; ok {
			v.Named = append(v.Named, report.NamedAnswer{Member: p.person(id), Choice: a.Choice})
		} else {
			v.NotVoted = append(v.NotVoted, p.person(id))
		}
	}
	return v, nil
}

// WriteReport writes a document of the given kind about a meeting
// (invitation, minutes) or a ballot (summary) to w.
func (p *Profile) WriteReport(kind report.Kind, id string, lang report.Lang, w io.Writer) error {
	switch kind {
	case report.KindInvitation:
		in, err := p.InvitationReport(id, lang)
		if err != nil {
			return err
		}
		return report.WriteInvitation(w, in)
	case report.KindSummary:
		in, err := p.SummaryReport(id, lang)
		if err != nil {
			return err
		}
		return report.WriteSummary(w, in)
	case report.KindMinutes:
		in, err := p.MinutesReport(id, lang)
		if err != nil {
			return err
		}
		return report.WriteMinutes(w, in)
	}
	return fmt.Errorf("report: unknown kind %q", kind)
}

// SaveReport writes a document to path. The whole document is made first,
// then written to a temporary file beside path and renamed over it, so a
// failure (bad input, a full disk, a folder that is not writable) leaves
// no partial file, and an existing file at path is replaced only by a
// complete one.
func (p *Profile) SaveReport(kind report.Kind, id string, lang report.Lang, path string) error {
	var buf bytes.Buffer
	if err := p.WriteReport(kind, id, lang, &buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes data to a temporary file in path's directory,
// syncs it and renames it to path.
func writeFileAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return errReportWrite(path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = errReportWrite(path, err)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReportFileName is the name a document is offered under, in the
// document's language: "giay-moi-phien-hop-thu-nam-2023-07-19.pdf" (the
// meeting's date), "tong-hop-y-kien-…-<today>.pdf".
func (p *Profile) ReportFileName(kind report.Kind, id string, lang report.Lang) string {
	if kind == report.KindSummary {
		b, _ := p.Ballot(id)
		return report.FileName(kind, lang, b.Title, p.now().In(vietnam))
	}
	m, _ := p.Meeting(id)
	return report.FileName(kind, lang, m.Title, m.Start.In(vietnam))
}
