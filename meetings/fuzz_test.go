package meetings_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
)

// FuzzAgendaOps runs random sequences of agenda edits and lifecycle steps and
// checks that nothing panics and the agenda stays consistent: IDs unique,
// MoveItem keeps the same IDs and puts the item at the clamped index, a
// refused edit changes nothing, and TotalMinutes is the sum of the items.
func FuzzAgendaOps(f *testing.F) {
	f.Add([]byte{0, 1, 10, 0, 2, 20, 3, 1, 0, 3, 2, 255, 2, 1, 0})
	f.Add([]byte{4, 1, 0, 0, 0, 0, 0, 1, 0, 3, 0, 7, 4, 2, 0, 4, 3, 0, 0, 9, 9})
	f.Fuzz(func(t *testing.T, ops []byte) {
		m := meetings.Meeting{Status: meetings.StatusDraft}
		for i := 0; i+2 < len(ops); i += 3 {
			op, arg, val := ops[i]%6, ops[i+1], ops[i+2]
			id := fmt.Sprintf("i%d", arg%8)
			before := slices.Clone(m.Agenda)
			var err error
			switch op {
			case 0:
				err = m.AddItem(meetings.AgendaItem{ID: id, Title: "T" + id, Minutes: int(val) * 3})
			case 1:
				err = m.UpdateItem(meetings.AgendaItem{ID: id, Title: "U" + id, Minutes: int(val) * 3})
			case 2:
				err = m.RemoveItem(id)
			case 3:
				to := int(int8(val))
				err = m.MoveItem(id, to)
				if err == nil {
					checkMoved(t, before, m.Agenda, id, to)
				}
			case 4:
				err = m.Transition(meetings.Statuses[int(val)%len(meetings.Statuses)])
				if err == nil {
					continue
				}
			case 5:
				if err := m.SetPresent(id, val%2 == 0); err != nil && m.Status == meetings.StatusInSession {
					t.Fatalf("SetPresent(%q) in session: %v", id, err)
				}
				continue
			}
			if err != nil && !slices.Equal(before, m.Agenda) {
				t.Fatalf("op %d on %s refused (%v) but changed the agenda", op, id, err)
			}
			var e *meetings.Error
			if err != nil && !errors.As(err, &e) {
				t.Fatalf("error %v is not a *meetings.Error", err)
			}
			seen := map[string]bool{}
			total := 0
			for _, it := range m.Agenda {
				if seen[it.ID] {
					t.Fatalf("duplicate ID %q in %v", it.ID, m.Agenda)
				}
				seen[it.ID] = true
				total += it.Minutes
			}
			if m.TotalMinutes() != total {
				t.Fatalf("TotalMinutes = %d, want %d", m.TotalMinutes(), total)
			}
			if verr := m.Validate(); verr != nil && !errors.Is(verr, meetings.NewError("err.meeting.title_required", "")) &&
				!errors.Is(verr, meetings.NewError("err.meeting.start_required", "")) {
				t.Fatalf("agenda edits produced an invalid agenda: %v", verr)
			}
		}
	})
}

// checkMoved checks that moving id to index to turned before into after.
func checkMoved(t *testing.T, before, after []meetings.AgendaItem, id string, to int) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("MoveItem changed the length: %d → %d", len(before), len(after))
	}
	want := max(0, min(to, len(before)-1))
	if after[want].ID != id {
		t.Fatalf("MoveItem(%q, %d): item at %d is %q", id, to, want, after[want].ID)
	}
	var restBefore, restAfter []meetings.AgendaItem
	for _, it := range before {
		if it.ID != id {
			restBefore = append(restBefore, it)
		}
	}
	for _, it := range after {
		if it.ID != id {
			restAfter = append(restAfter, it)
		}
	}
	if !slices.Equal(restBefore, restAfter) {
		t.Fatalf("MoveItem(%q, %d) reordered the other items: %v → %v", id, to, before, after)
	}
}
