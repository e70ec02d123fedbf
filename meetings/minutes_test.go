package meetings

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestSetConclusion(t *testing.T) {
	at := time.Date(2023, 7, 19, 11, 0, 0, 0, time.UTC)
	base := func(s Status) Meeting {
		return Meeting{ID: "m", Title: "Phiên họp", Start: at, Status: s, Agenda: []AgendaItem{{ID: "a", Title: "Khai mạc"}, {ID: "b", Title: "Kết luận"}}}
	}
	tests := []struct {
		name   string
		m      Meeting
		item   string
		text   string
		code   string
		concl  string
		others bool
	}{
		{"in session", base(StatusInSession), "b", "  Các bộ hoàn thành số hóa hồ sơ trong năm 2023.  ", "", "Các bộ hoàn thành số hóa hồ sơ trong năm 2023.", true},
		{"after closing", base(StatusClosed), "a", "Thông qua.", "", "Thông qua.", true},
		{"before the session", base(StatusPublished), "a", "x", "err.conclusion.not_held", "", true},
		{"finalised", func() Meeting { m := base(StatusClosed); m.Finalised = at; return m }(), "a", "x", "err.minutes.finalised", "", true},
		{"too long", base(StatusClosed), "a", strings.Repeat("ệ", MaxConclusionLen/3+1), "err.conclusion.too_long", "", true},
		{"no such item", base(StatusClosed), "z", "x", ErrNotFound.Code, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.m
			err := tt.m.SetConclusion(tt.item, tt.text)
			var de *Error
			switch {
			case tt.code == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.code != "" && (!errors.As(err, &de) || de.Code != tt.code):
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
			if tt.code == "" {
				if got := tt.m.Agenda[tt.m.itemIndex(tt.item)].Conclusion; got != tt.concl {
					t.Errorf("conclusion = %q, want %q", got, tt.concl)
				}
				if before.Agenda[before.itemIndex(tt.item)].Conclusion != "" {
					t.Error("the caller's copy of the agenda was changed")
				}
			}
		})
	}
}

func TestUpdateItemKeepsTheConclusion(t *testing.T) {
	m := Meeting{Status: StatusInSession, Agenda: []AgendaItem{{ID: "a", Title: "Khai mạc", Conclusion: "Thông qua."}}}
	if err := m.UpdateItem(AgendaItem{ID: "a", Title: "Phát biểu khai mạc"}); err != nil {
		t.Fatal(err)
	}
	if got := m.Agenda[0]; got.Title != "Phát biểu khai mạc" || got.Conclusion != "Thông qua." {
		t.Fatalf("item = %+v, want the new title and the conclusion kept", got)
	}
}

func TestFinalise(t *testing.T) {
	at := time.Date(2023, 7, 19, 11, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	tests := []struct {
		name string
		m    Meeting
		at   time.Time
		code string
	}{
		{"closed", Meeting{Status: StatusClosed}, at, ""},
		{"in session", Meeting{Status: StatusInSession}, at, "err.minutes.not_closed"},
		{"twice", Meeting{Status: StatusClosed, Finalised: at}, at, "err.minutes.finalised"},
		{"no time", Meeting{Status: StatusClosed}, time.Time{}, "err.minutes.time_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Finalise(tt.at)
			var de *Error
			if tt.code == "" {
				if err != nil || !tt.m.Finalised.Equal(at) || tt.m.Finalised.Location() != time.UTC {
					t.Fatalf("err = %v, finalised %v", err, tt.m.Finalised)
				}
				return
			}
			if !errors.As(err, &de) || de.Code != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
}
