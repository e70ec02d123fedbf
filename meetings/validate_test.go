package meetings_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
)

// validMeeting is a meeting that passes Validate, taken from the sample
// session of 19 July 2023.
func validMeeting() meetings.Meeting {
	return meetings.Meeting{
		ID:     "m1",
		Title:  "Phiên họp thứ năm của Ban Chỉ đạo cải cách hành chính của Chính phủ",
		Start:  time.Date(2023, 7, 19, 8, 0, 0, 0, time.UTC),
		Place:  "Trụ sở Chính phủ",
		Status: meetings.StatusDraft,
		Agenda: []meetings.AgendaItem{
			{ID: "a1", Title: "Báo cáo cải cách hành chính 6 tháng đầu năm", Presenter: "Bộ Nội vụ", Minutes: 30},
			{ID: "a2", Title: "Thảo luận", Minutes: 90},
		},
	}
}

// code returns the Code of a *meetings.Error, or "" for nil.
func code(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var e *meetings.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a *meetings.Error", err)
	}
	return e.Code
}

func TestMeetingValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *meetings.Meeting)
		want   string
	}{
		{"given a complete meeting when validated then ok", func(m *meetings.Meeting) {}, ""},
		{"given a blank title when validated then title required", func(m *meetings.Meeting) { m.Title = "  \t" }, "err.meeting.title_required"},
		{"given a 300-byte title when validated then ok", func(m *meetings.Meeting) { m.Title = strings.Repeat("a", 300) }, ""},
		{"given a 301-byte title when validated then too long", func(m *meetings.Meeting) { m.Title = strings.Repeat("a", 301) }, "err.meeting.title_too_long"},
		{"given padding around a 300-byte title when validated then trimmed and ok", func(m *meetings.Meeting) { m.Title = "  " + strings.Repeat("a", 300) + "  " }, ""},
		{"given no start when validated then start required", func(m *meetings.Meeting) { m.Start = time.Time{} }, "err.meeting.start_required"},
		{"given a 201-byte place when validated then too long", func(m *meetings.Meeting) { m.Place = strings.Repeat("p", 201) }, "err.meeting.place_too_long"},
		{"given an unknown status when validated then status invalid", func(m *meetings.Meeting) { m.Status = "archived" }, "err.meeting.status_invalid"},
		{"given an empty status when validated then status invalid", func(m *meetings.Meeting) { m.Status = "" }, "err.meeting.status_invalid"},
		{"given an invalid agenda item when validated then the item's error", func(m *meetings.Meeting) { m.Agenda[1].Minutes = 601 }, "err.agenda.minutes_range"},
		{"given duplicate agenda IDs when validated then duplicate id", func(m *meetings.Meeting) { m.Agenda[1].ID = "a1" }, "err.agenda.duplicate_id"},
		{"given an agenda item without ID when validated then id required", func(m *meetings.Meeting) { m.Agenda[0].ID = "" }, "err.agenda.id_required"},
		{"given no agenda when validated then ok", func(m *meetings.Meeting) { m.Agenda = nil }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := validMeeting()
			tt.change(&m)
			if got := code(t, m.Validate()); got != tt.want {
				t.Fatalf("Validate() code = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMeetingValidate_GivenBadSecondItem_ThenErrorNamesTheItem(t *testing.T) {
	m := validMeeting()
	m.Agenda[1].Title = ""
	var e *meetings.Error
	if !errors.As(m.Validate(), &e) {
		t.Fatal("want *meetings.Error")
	}
	if e.Field != "agenda[1].title" || e.Args["index"] != 1 || e.Args["id"] != "a2" {
		t.Fatalf("got field %q args %v", e.Field, e.Args)
	}
}

func TestAgendaItemValidate(t *testing.T) {
	tests := []struct {
		name string
		item meetings.AgendaItem
		want string
	}{
		{"given a titled item when validated then ok", meetings.AgendaItem{Title: "Khai mạc"}, ""},
		{"given no ID when validated alone then ok (the core assigns it)", meetings.AgendaItem{Title: "x"}, ""},
		{"given a blank title when validated then required", meetings.AgendaItem{Title: " "}, "err.agenda.title_required"},
		{"given a 301-byte title when validated then too long", meetings.AgendaItem{Title: strings.Repeat("t", 301)}, "err.agenda.title_too_long"},
		{"given a 201-byte presenter when validated then too long", meetings.AgendaItem{Title: "x", Presenter: strings.Repeat("p", 201)}, "err.agenda.presenter_too_long"},
		{"given negative minutes when validated then out of range", meetings.AgendaItem{Title: "x", Minutes: -1}, "err.agenda.minutes_range"},
		{"given 600 minutes when validated then ok", meetings.AgendaItem{Title: "x", Minutes: 600}, ""},
		{"given 601 minutes when validated then out of range", meetings.AgendaItem{Title: "x", Minutes: 601}, "err.agenda.minutes_range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := code(t, tt.item.Validate()); got != tt.want {
				t.Fatalf("Validate() code = %q, want %q", got, tt.want)
			}
		})
	}
}
