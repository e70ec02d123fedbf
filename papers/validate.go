package papers

import (
	"mime"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ecabinet/ecabinet/meetings"
)

// Bounds of paper fields, in bytes.
const (
	MaxTitleLen     = 300
	MaxFileNameLen  = 255
	MaxMediaTypeLen = 100
	// MaxPages bounds a PDF's page count (a bound book of a session is a
	// few thousand pages).
	MaxPages = 100_000
	// MaxNamed bounds a named distribution list.
	MaxNamed = 1000
)

// MediaTypePDF is the media type of PDF papers, the only ones with a page
// count and the only ones the built-in viewer opens.
const MediaTypePDF = "application/pdf"

// Validate checks a paper before it is created or accepted from the
// network, so that every replica holds the same well-formed paper. It
// returns the first problem as a *meetings.Error whose Code is a translation
// key.
//
// Rules: an ID; a title (trimmed, ≤ MaxTitleLen); an owner that is exactly
// one of a meeting's agenda item (both IDs) or a ballot; a known marking; a
// valid distribution; a lineage key; at least one version, numbered 1, 2, …
// in order, each valid; a recall time if and only if recalled.
func (p Paper) Validate() error {
	title := strings.TrimSpace(p.Title)
	switch {
	case strings.TrimSpace(p.ID) == "":
		return meetings.NewError("err.paper.id_required", "id")
	case title == "":
		return meetings.NewError("err.paper.title_required", "title")
	case len(title) > MaxTitleLen:
		e := meetings.NewError("err.paper.title_too_long", "title")
		e.Args = map[string]any{"max": MaxTitleLen}
		return e
	}
	if err := p.Owner.Validate(); err != nil {
		return err
	}
	if !p.Marking.Valid() {
		return meetings.NewError("err.paper.marking_invalid", "marking")
	}
	if err := p.Distribution.Validate(); err != nil {
		return err
	}
	if p.Lineage.IsZero() {
		return meetings.NewError("err.paper.lineage_required", "lineage")
	}
	if len(p.Versions) == 0 {
		return meetings.NewError("err.paper.versions_required", "versions")
	}
	for i, v := range p.Versions {
		if v.Number != i+1 {
			e := meetings.NewError("err.paper.version_number", "versions")
			e.Args = map[string]any{"index": i}
			return e
		}
		if err := v.Validate(); err != nil {
			return err
		}
	}
	if p.Recalled == p.RecalledAt.IsZero() {
		return meetings.NewError("err.paper.recalled_at_invalid", "recalled_at")
	}
	return nil
}

// Validate checks that exactly one owner is named: a meeting with one of its
// agenda items, or a ballot.
func (o Owner) Validate() error {
	meeting := strings.TrimSpace(o.MeetingID) != ""
	item := strings.TrimSpace(o.AgendaItemID) != ""
	ballot := strings.TrimSpace(o.BallotID) != ""
	switch {
	case ballot && (meeting || item):
		return meetings.NewError("err.paper.owner_ambiguous", "owner")
	case ballot:
		return nil
	case meeting && item:
		return nil
	case meeting:
		return meetings.NewError("err.paper.agenda_item_required", "owner")
	}
	return meetings.NewError("err.paper.owner_required", "owner")
}

// Validate checks the rule and, under RuleNamed, the member IDs: at least
// one, at most MaxNamed, non-blank and unique. Under RuleOwner no member is
// named, so that nobody reads a list that does not apply.
func (d Distribution) Validate() error {
	switch d.Rule {
	case "", RuleOwner:
		if len(d.Members) != 0 {
			return meetings.NewError("err.paper.distribution_invalid", "distribution")
		}
		return nil
	case RuleNamed:
	default:
		return meetings.NewError("err.paper.distribution_invalid", "distribution")
	}
	if len(d.Members) == 0 {
		return meetings.NewError("err.paper.members_required", "distribution")
	}
	if len(d.Members) > MaxNamed {
		e := meetings.NewError("err.paper.members_too_many", "distribution")
		e.Args = map[string]any{"max": MaxNamed}
		return e
	}
	seen := make(map[string]bool, len(d.Members))
	for _, id := range d.Members {
		switch {
		case strings.TrimSpace(id) == "":
			return meetings.NewError("err.paper.member_invalid", "distribution")
		case seen[id]:
			e := meetings.NewError("err.paper.member_duplicate", "distribution")
			e.Args = map[string]any{"id": id}
			return e
		}
		seen[id] = true
	}
	return nil
}

// Validate checks one version: a plain file name (no directory, no control
// characters, ≤ MaxFileNameLen), a media type of the form type/subtype, a
// page count for a PDF (1..MaxPages) and none for anything else, a valid
// manifest of a non-empty file, who added it and when.
func (v Version) Validate() error {
	if err := validFileName(v.FileName); err != nil {
		return err
	}
	if !validMediaType(v.MediaType) {
		return meetings.NewError("err.paper.media_type_invalid", "media_type")
	}
	pdf := v.MediaType == MediaTypePDF
	if (pdf && (v.Pages < 1 || v.Pages > MaxPages)) || (!pdf && v.Pages != 0) {
		return meetings.NewError("err.paper.pages_invalid", "pages")
	}
	if err := v.Manifest.Validate(); err != nil {
		return err
	}
	switch {
	case v.Manifest.Size == 0:
		return meetings.NewError("err.paper.file_empty", "size")
	case strings.TrimSpace(v.AddedBy) == "":
		return meetings.NewError("err.paper.added_by_required", "added_by")
	case v.AddedAt.IsZero():
		return meetings.NewError("err.paper.added_at_required", "added_at")
	}
	return nil
}

// validFileName refuses names that would be a path, or unreadable, on any
// of the systems a member saves a copy to.
func validFileName(name string) error {
	if strings.TrimSpace(name) == "" {
		return meetings.NewError("err.paper.file_name_required", "file_name")
	}
	bad := len(name) > MaxFileNameLen || !utf8.ValidString(name) || name == "." || name == ".." ||
		strings.TrimSpace(name) != name
	for _, r := range name {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			bad = true
		}
	}
	if bad {
		e := meetings.NewError("err.paper.file_name_invalid", "file_name")
		e.Args = map[string]any{"max": MaxFileNameLen}
		return e
	}
	return nil
}

// validMediaType accepts a bare type/subtype (no parameters), lowercase as
// mime.ParseMediaType leaves it.
func validMediaType(s string) bool {
	mt, params, err := mime.ParseMediaType(s)
	if err != nil || mt != s || len(params) != 0 || len(s) > MaxMediaTypeLen {
		return false
	}
	typ, sub, ok := strings.Cut(s, "/")
	return ok && typ != "" && sub != "" && !strings.Contains(sub, "/")
}
