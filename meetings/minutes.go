package meetings

import (
	"slices"
	"strings"
	"time"
)

// The minutes: per agenda item the secretary records what was concluded,
// during the session or after it, until the minutes are finalised; after
// that the record is what the minutes say and nothing changes it.

// MaxConclusionLen bounds one item's conclusion (in bytes): several pages
// of text, not a pasted document.
const MaxConclusionLen = 20000

// SetConclusion records the conclusion on an agenda item (an empty text
// clears it). It is allowed once the session has begun (in session or
// closed: "err.conclusion.not_held" before) and until the minutes are
// finalised ("err.minutes.finalised"). It returns an error matching
// ErrNotFound when no item has that ID.
func (m *Meeting) SetConclusion(itemID, text string) error {
	if m.Status != StatusInSession && m.Status != StatusClosed {
		return NewError("err.conclusion.not_held", "status")
	}
	if !m.Finalised.IsZero() {
		return NewError("err.minutes.finalised", "status")
	}
	text = strings.TrimSpace(text)
	if len(text) > MaxConclusionLen {
		return tooLong("err.conclusion.too_long", "conclusion", MaxConclusionLen)
	}
	i := m.itemIndex(itemID)
	if i < 0 {
		return itemNotFound(itemID)
	}
	agenda := slices.Clone(m.Agenda)
	agenda[i].Conclusion = text
	m.Agenda = agenda
	return nil
}

// Finalise closes the minutes at time at: the meeting must be closed
// ("err.minutes.not_closed") and not finalised already
// ("err.minutes.finalised").
func (m *Meeting) Finalise(at time.Time) error {
	if m.Status != StatusClosed {
		return NewError("err.minutes.not_closed", "status")
	}
	if !m.Finalised.IsZero() {
		return NewError("err.minutes.finalised", "status")
	}
	if at.IsZero() {
		return NewError("err.minutes.time_required", "finalised")
	}
	m.Finalised = at.UTC()
	return nil
}
