package meetings

import "slices"

// The agenda editing methods below give the meeting a new Agenda slice rather
// than writing into the old one, so a copy of the Meeting value kept by the
// caller (the revision an edit was based on, an undo buffer) is never changed
// behind its back. They all refuse with "err.meeting.closed" once the meeting
// is closed, because the minutes refer to the agenda as it was held. Like
// Transition they leave Rev to whoever applies the edit.

// AddItem appends an item to the agenda. The item must be valid, have an ID,
// and not reuse the ID of another item, because later edits find it by ID.
func (m *Meeting) AddItem(it AgendaItem) error {
	if err := m.editable(); err != nil {
		return err
	}
	seen := make(map[string]bool, len(m.Agenda))
	for _, x := range m.Agenda {
		seen[x.ID] = true
	}
	if err := it.validateIn(seen); err != nil {
		return err
	}
	m.Agenda = append(slices.Clip(m.Agenda), it)
	return nil
}

// UpdateItem replaces the item with the same ID, keeping its position. It
// returns an error matching ErrNotFound when no item has that ID.
func (m *Meeting) UpdateItem(it AgendaItem) error {
	if err := m.editable(); err != nil {
		return err
	}
	i := m.itemIndex(it.ID)
	if i < 0 {
		return itemNotFound(it.ID)
	}
	if err := it.Validate(); err != nil {
		return err
	}
	// The agenda form does not edit the conclusion: an edit of the title
	// in session must not wipe what the secretary concluded.
	it.Conclusion = m.Agenda[i].Conclusion
	agenda := slices.Clone(m.Agenda)
	agenda[i] = it
	m.Agenda = agenda
	return nil
}

// RemoveItem deletes the item with the given ID, keeping the order of the
// others. It returns an error matching ErrNotFound when no item has that ID.
func (m *Meeting) RemoveItem(id string) error {
	if err := m.editable(); err != nil {
		return err
	}
	i := m.itemIndex(id)
	if i < 0 {
		return itemNotFound(id)
	}
	m.Agenda = slices.Delete(slices.Clone(m.Agenda), i, i+1)
	return nil
}

// MoveItem moves the item with the given ID so that it ends up at index to
// (0-based) in the agenda, shifting the items in between. An index out of
// range is clamped to the first or last position rather than refused, so a
// drag past either end of the list does what the user meant. It returns an
// error matching ErrNotFound when no item has that ID.
func (m *Meeting) MoveItem(id string, to int) error {
	if err := m.editable(); err != nil {
		return err
	}
	from := m.itemIndex(id)
	if from < 0 {
		return itemNotFound(id)
	}
	to = max(0, min(to, len(m.Agenda)-1))
	it := m.Agenda[from]
	agenda := slices.Delete(slices.Clone(m.Agenda), from, from+1)
	m.Agenda = slices.Insert(agenda, to, it)
	return nil
}

// TotalMinutes is the planned length of the meeting: the sum of its items'
// minutes, shown beside the agenda and on the invitation.
func (m Meeting) TotalMinutes() int {
	total := 0
	for _, it := range m.Agenda {
		total += it.Minutes
	}
	return total
}

// editable refuses agenda edits on a closed meeting.
func (m *Meeting) editable() error {
	if m.Status == StatusClosed {
		return NewError("err.meeting.closed", "status")
	}
	return nil
}

// itemIndex returns the index of the item with the given ID, or -1.
func (m *Meeting) itemIndex(id string) int {
	for i, it := range m.Agenda {
		if it.ID == id {
			return i
		}
	}
	return -1
}

// itemNotFound is the ErrNotFound-matching error for a missing agenda item.
func itemNotFound(id string) *Error {
	return &Error{Code: ErrNotFound.Code, Field: "agenda", Args: map[string]any{"id": id}}
}
