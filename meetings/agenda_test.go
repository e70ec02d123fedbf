package meetings_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
)

// agendaOf builds a draft meeting with items of the given IDs.
func agendaOf(ids ...string) meetings.Meeting {
	m := meetings.Meeting{Status: meetings.StatusDraft}
	for i, id := range ids {
		m.Agenda = append(m.Agenda, meetings.AgendaItem{ID: id, Title: "Item " + id, Minutes: 10 * (i + 1)})
	}
	return m
}

// ids lists the agenda's item IDs in order.
func ids(m meetings.Meeting) []string {
	out := []string{}
	for _, it := range m.Agenda {
		out = append(out, it.ID)
	}
	return out
}

func TestAddItem(t *testing.T) {
	tests := []struct {
		name    string
		item    meetings.AgendaItem
		wantErr string
		wantIDs []string
	}{
		{"given a new item when added then appended", meetings.AgendaItem{ID: "c", Title: "C"}, "", []string{"a", "b", "c"}},
		{"given an existing ID when added then refused", meetings.AgendaItem{ID: "a", Title: "A again"}, "err.agenda.duplicate_id", []string{"a", "b"}},
		{"given no ID when added then refused", meetings.AgendaItem{Title: "C"}, "err.agenda.id_required", []string{"a", "b"}},
		{"given an invalid item when added then refused", meetings.AgendaItem{ID: "c"}, "err.agenda.title_required", []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := agendaOf("a", "b")
			if got := code(t, m.AddItem(tt.item)); got != tt.wantErr {
				t.Fatalf("AddItem code = %q, want %q", got, tt.wantErr)
			}
			if got := ids(m); !reflect.DeepEqual(got, tt.wantIDs) {
				t.Fatalf("agenda = %v, want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestUpdateItem(t *testing.T) {
	t.Run("given an existing ID when updated then replaced in place", func(t *testing.T) {
		m := agendaOf("a", "b", "c")
		if err := m.UpdateItem(meetings.AgendaItem{ID: "b", Title: "New B", Presenter: "Bộ Tư pháp", Minutes: 45}); err != nil {
			t.Fatal(err)
		}
		if m.Agenda[1].Title != "New B" || m.Agenda[1].Minutes != 45 || !reflect.DeepEqual(ids(m), []string{"a", "b", "c"}) {
			t.Fatalf("agenda = %+v", m.Agenda)
		}
	})
	t.Run("given a missing ID when updated then not found", func(t *testing.T) {
		m := agendaOf("a")
		if err := m.UpdateItem(meetings.AgendaItem{ID: "z", Title: "Z"}); !errors.Is(err, meetings.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("given an invalid item when updated then refused and unchanged", func(t *testing.T) {
		m := agendaOf("a")
		if got := code(t, m.UpdateItem(meetings.AgendaItem{ID: "a", Title: "A", Minutes: 999})); got != "err.agenda.minutes_range" {
			t.Fatalf("code = %q", got)
		}
		if m.Agenda[0].Title != "Item a" {
			t.Fatal("item changed on refusal")
		}
	})
}

func TestRemoveItem(t *testing.T) {
	t.Run("given an existing ID when removed then the others keep their order", func(t *testing.T) {
		m := agendaOf("a", "b", "c")
		if err := m.RemoveItem("b"); err != nil {
			t.Fatal(err)
		}
		if got := ids(m); !reflect.DeepEqual(got, []string{"a", "c"}) {
			t.Fatalf("agenda = %v", got)
		}
	})
	t.Run("given a missing ID when removed then not found", func(t *testing.T) {
		m := agendaOf("a")
		if err := m.RemoveItem("z"); !errors.Is(err, meetings.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestMoveItem(t *testing.T) {
	tests := []struct {
		name string
		id   string
		to   int
		want []string
	}{
		{"given the first item when moved to the end then last", "a", 3, []string{"b", "c", "d", "a"}},
		{"given the last item when moved to 0 then first", "d", 0, []string{"d", "a", "b", "c"}},
		{"given an item when moved down one then swapped", "b", 2, []string{"a", "c", "b", "d"}},
		{"given an item when moved up one then swapped", "c", 1, []string{"a", "c", "b", "d"}},
		{"given an item when moved to its own index then unchanged", "b", 1, []string{"a", "b", "c", "d"}},
		{"given an index past the end when moved then clamped to last", "a", 99, []string{"b", "c", "d", "a"}},
		{"given a negative index when moved then clamped to first", "c", -5, []string{"c", "a", "b", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := agendaOf("a", "b", "c", "d")
			if err := m.MoveItem(tt.id, tt.to); err != nil {
				t.Fatal(err)
			}
			if got := ids(m); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("agenda = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("given a missing ID when moved then not found", func(t *testing.T) {
		m := agendaOf("a")
		if err := m.MoveItem("z", 0); !errors.Is(err, meetings.ErrNotFound) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestAgendaEdits_GivenClosedMeeting_ThenRefused(t *testing.T) {
	edits := map[string]func(m *meetings.Meeting) error{
		"add":    func(m *meetings.Meeting) error { return m.AddItem(meetings.AgendaItem{ID: "z", Title: "Z"}) },
		"update": func(m *meetings.Meeting) error { return m.UpdateItem(meetings.AgendaItem{ID: "a", Title: "A"}) },
		"remove": func(m *meetings.Meeting) error { return m.RemoveItem("a") },
		"move":   func(m *meetings.Meeting) error { return m.MoveItem("a", 1) },
	}
	for name, edit := range edits {
		t.Run("given a closed meeting when "+name+" then err.meeting.closed", func(t *testing.T) {
			m := agendaOf("a", "b")
			m.Status = meetings.StatusClosed
			before := ids(m)
			if got := code(t, edit(&m)); got != "err.meeting.closed" {
				t.Fatalf("code = %q", got)
			}
			if !reflect.DeepEqual(ids(m), before) || m.Agenda[0].Title != "Item a" {
				t.Fatal("agenda changed on a closed meeting")
			}
		})
	}
}

func TestAgendaEdits_GivenACopyOfTheMeeting_ThenTheCopyIsUntouched(t *testing.T) {
	m := agendaOf("a", "b", "c")
	m.Agenda = m.Agenda[:2:3] // spare capacity that an in-place append would use
	old := m
	_ = m.MoveItem("a", 1)
	_ = m.UpdateItem(meetings.AgendaItem{ID: "b", Title: "B2"})
	_ = m.AddItem(meetings.AgendaItem{ID: "x", Title: "X"})
	_ = m.RemoveItem("a")
	if got := ids(old); !reflect.DeepEqual(got, []string{"a", "b"}) || old.Agenda[1].Title != "Item b" {
		t.Fatalf("the earlier copy changed: %+v", old.Agenda)
	}
	if got := old.Agenda[:3][2].ID; got != "c" {
		t.Fatalf("spare capacity was written: %q", got)
	}
}

func TestTotalMinutes(t *testing.T) {
	if got := agendaOf("a", "b", "c").TotalMinutes(); got != 60 {
		t.Fatalf("given 10+20+30 minutes when totalled then got %d, want 60", got)
	}
	if got := (meetings.Meeting{}).TotalMinutes(); got != 0 {
		t.Fatalf("given no agenda when totalled then got %d, want 0", got)
	}
}
