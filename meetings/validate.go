package meetings

import (
	"fmt"
	"strings"
)

// Length and range bounds of meeting fields. They keep a pasted document from
// becoming a title and keep what the meeting screens and the invitation PDF
// must lay out within reason.
const (
	// MaxTitleLen bounds meeting and agenda item titles, in bytes.
	MaxTitleLen = 300
	// MaxPlaceLen bounds a meeting's place, in bytes.
	MaxPlaceLen = 200
	// MaxPresenterLen bounds an agenda item's presenter, in bytes.
	MaxPresenterLen = 200
	// MaxItemMinutes bounds the time planned for one agenda item (ten hours):
	// anything longer is a typing mistake, not a plan.
	MaxItemMinutes = 600
)

// Validate checks a meeting before it is saved or sent, so that every replica
// holds only meetings the screens and the invitation can show. It returns the
// first problem as an *Error whose Code is a translation key; agenda item
// errors name the item in Field ("agenda[2].title") and Args ("index", "id").
//
// Validate does not require an ID (the application core assigns it) and does
// not check Participants or Present against the member list, which it does
// not know; Quorum ignores IDs that are not invited voters.
func (m Meeting) Validate() error {
	title := strings.TrimSpace(m.Title)
	switch {
	case title == "":
		return NewError("err.meeting.title_required", "title")
	case len(title) > MaxTitleLen:
		return tooLong("err.meeting.title_too_long", "title", MaxTitleLen)
	case m.Start.IsZero():
		return NewError("err.meeting.start_required", "start")
	case len(m.Place) > MaxPlaceLen:
		return tooLong("err.meeting.place_too_long", "place", MaxPlaceLen)
	case !m.Status.Valid():
		return NewError("err.meeting.status_invalid", "status")
	}
	seen := make(map[string]bool, len(m.Agenda))
	for i, it := range m.Agenda {
		if err := it.validateIn(seen); err != nil {
			e := err.(*Error)
			e.Field = fmt.Sprintf("agenda[%d].%s", i, e.Field)
			e.Args = withArgs(e.Args, "index", i, "id", it.ID)
			return e
		}
		seen[it.ID] = true
	}
	return nil
}

// Validate checks an agenda item's own fields. It does not require an ID, so
// a form can check an item before the core gives it one; a meeting's agenda
// (Meeting.Validate, AddItem) does require one, unique within the meeting,
// because items are edited, moved and removed by ID.
func (it AgendaItem) Validate() error {
	title := strings.TrimSpace(it.Title)
	switch {
	case title == "":
		return NewError("err.agenda.title_required", "title")
	case len(title) > MaxTitleLen:
		return tooLong("err.agenda.title_too_long", "title", MaxTitleLen)
	case len(it.Presenter) > MaxPresenterLen:
		return tooLong("err.agenda.presenter_too_long", "presenter", MaxPresenterLen)
	case it.Minutes < 0 || it.Minutes > MaxItemMinutes:
		e := NewError("err.agenda.minutes_range", "minutes")
		e.Args = map[string]any{"min": 0, "max": MaxItemMinutes}
		return e
	}
	return nil
}

// validateIn checks the item as a member of an agenda whose other IDs are in
// seen: an ID is required there and must be unique.
func (it AgendaItem) validateIn(seen map[string]bool) error {
	if err := it.Validate(); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(it.ID) == "":
		return NewError("err.agenda.id_required", "id")
	case seen[it.ID]:
		return NewError("err.agenda.duplicate_id", "id")
	}
	return nil
}

// tooLong builds a length error carrying the limit, so the message can say it.
func tooLong(code, field string, max int) *Error {
	e := NewError(code, field)
	e.Args = map[string]any{"max": max}
	return e
}

// withArgs adds key/value pairs to args, allocating it if needed.
func withArgs(args map[string]any, kv ...any) map[string]any {
	if args == nil {
		args = make(map[string]any, len(kv)/2)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		args[kv[i].(string)] = kv[i+1]
	}
	return args
}
