package papers

import (
	"slices"

	"github.com/ecabinet/ecabinet/meetings"
)

// Resolve returns the member IDs a paper goes to (the secretariat aside),
// given its owner's audience: the meeting's participants or the ballot's
// eligible members, as the caller resolves them (a meeting with no
// participants listed invites every voter; the caller knows who they are).
// Under RuleNamed it returns the named members, whatever the owner's
// audience. The result is a new slice; neither input is changed.
func (d Distribution) Resolve(ownerAudience []string) []string {
	if d.Rule == RuleNamed {
		return slices.Clone(d.Members)
	}
	return slices.Clone(ownerAudience)
}

// CanSee reports whether member may hold and read paper p, given its
// owner's audience (see Distribution.Resolve). Secretaries see every paper,
// recalled ones too (they keep the record); a member who left the committee
// sees none; anyone else sees a paper that is not recalled and whose list
// names them. The hub asks the same question before it serves a chunk.
func CanSee(member meetings.Member, p Paper, ownerAudience []string) bool {
	switch {
	case member.Removed || member.ID == "":
		return false
	case member.Role == meetings.RoleSecretary:
		return true
	case p.Recalled:
		return false
	}
	return slices.Contains(p.Distribution.Resolve(ownerAudience), member.ID)
}

// ExportMode is how a member may save their own copy of a paper.
type ExportMode string

// The export modes.
const (
	// ExportPlain: the file as it was attached.
	ExportPlain ExportMode = "plain"
	// ExportWatermarked: a confidential paper, every page carrying the name
	// of the member who saved it.
	ExportWatermarked ExportMode = "watermarked"
)

// ErrExportRefused: the secretariat turned export off for this paper.
var ErrExportRefused = meetings.NewError("err.paper.export_refused", "export")

// ErrRecalled: the paper was recalled; it can no longer be read, exported
// or replaced.
var ErrRecalled = meetings.NewError("err.paper.recalled", "recalled")

// ExportMode says how the paper may be exported: refused when export is off
// (ErrExportRefused) or the paper is recalled (ErrRecalled); watermarked
// when it is confidential; plain otherwise. Who may see it at all is
// CanSee's question, asked first.
func (p Paper) ExportMode() (ExportMode, error) {
	switch {
	case p.Recalled:
		return "", ErrRecalled
	case !p.ExportAllowed:
		return "", ErrExportRefused
	case p.Marking == MarkingConfidential:
		return ExportWatermarked, nil
	}
	return ExportPlain, nil
}
