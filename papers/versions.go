package papers

import (
	"time"

	"github.com/ecabinet/ecabinet/meetings"
)

// CurrentVersion returns the paper's newest version, and false for a paper
// with none (which Validate refuses).
func (p Paper) CurrentVersion() (Version, bool) {
	if len(p.Versions) == 0 {
		return Version{}, false
	}
	return p.Versions[len(p.Versions)-1], true
}

// Version returns version n, and false if there is none.
func (p Paper) Version(n int) (Version, bool) {
	if n < 1 || n > len(p.Versions) {
		return Version{}, false
	}
	return p.Versions[n-1], true
}

// AddVersion replaces the paper's file with a new version numbered after the
// current one (its Number is set here). A recalled paper cannot be replaced
// (ErrRecalled); an invalid version changes nothing.
func (p *Paper) AddVersion(v Version) error {
	if p.Recalled {
		return ErrRecalled
	}
	v.Number = len(p.Versions) + 1
	if err := v.Validate(); err != nil {
		return err
	}
	p.Versions = append(p.Versions, v)
	return nil
}

// Recall withdraws the paper at the given time: members' devices drop its
// chunks at their next sync, and only the secretariat still sees it.
// Recalling twice is refused with ErrRecalled, so that the first time stays
// on record.
func (p *Paper) Recall(at time.Time) error {
	if p.Recalled {
		return ErrRecalled
	}
	if at.IsZero() {
		return meetings.NewError("err.paper.recalled_at_invalid", "recalled_at")
	}
	p.Recalled, p.RecalledAt = true, at
	return nil
}

// ReadState is what a member has seen of a paper.
type ReadState string

// The read states. The UI shows a badge for ReadUnread and ReadUpdated.
const (
	// ReadUnread: the member never opened any version.
	ReadUnread ReadState = "unread"
	// ReadUpdated: the member opened an older version; the paper was
	// replaced since ("updated since you read it").
	ReadUpdated ReadState = "updated"
	// ReadCurrent: the member opened the current version.
	ReadCurrent ReadState = "read"
)

// ReadState says what the member has seen, given the highest version number
// they opened (0 for none).
func (p Paper) ReadState(lastOpened int) ReadState {
	cur, ok := p.CurrentVersion()
	switch {
	case lastOpened <= 0 || !ok:
		return ReadUnread
	case lastOpened < cur.Number:
		return ReadUpdated
	}
	return ReadCurrent
}

// UpdatedSince reports whether the paper has a version newer than the one
// the member last opened, which they had opened at all.
func (p Paper) UpdatedSince(lastOpened int) bool { return p.ReadState(lastOpened) == ReadUpdated }
