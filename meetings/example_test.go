package meetings_test

import (
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
)

// Two thirds of 20 voting members must attend; the secretary does not count.
func ExampleQuorum() {
	var members []meetings.Member
	for i := range 20 {
		members = append(members, meetings.Member{ID: fmt.Sprint("m", i), Name: "Thành viên", Role: meetings.RoleMember})
	}
	members = append(members, meetings.Member{ID: "sec", Name: "Thư ký", Role: meetings.RoleSecretary})

	m := meetings.Meeting{Status: meetings.StatusInSession}
	_ = m.SetPresent("sec", true)
	for i := range 13 {
		_ = m.SetPresent(fmt.Sprint("m", i), true)
	}
	fmt.Printf("%+v\n", meetings.Quorum(m, members, meetings.DefaultQuorum))

	_ = m.SetPresent("m13", true)
	fmt.Printf("%+v\n", meetings.Quorum(m, members, meetings.DefaultQuorum))
	// Output:
	// {Present:13 Voters:20 Needed:14 Met:false}
	// {Present:14 Voters:20 Needed:14 Met:true}
}

// Moving an item gives it the new index; an index past the end means last.
func ExampleMeeting_MoveItem() {
	m := meetings.Meeting{
		Title:  "Phiên họp thứ năm",
		Start:  time.Date(2023, 7, 19, 8, 0, 0, 0, time.UTC),
		Status: meetings.StatusDraft,
	}
	for _, it := range []meetings.AgendaItem{
		{ID: "open", Title: "Khai mạc", Minutes: 5},
		{ID: "report", Title: "Báo cáo kết quả cải cách hành chính", Minutes: 30},
		{ID: "discuss", Title: "Thảo luận", Minutes: 90},
		{ID: "close", Title: "Kết luận", Minutes: 15},
	} {
		if err := m.AddItem(it); err != nil {
			panic(err)
		}
	}
	_ = m.MoveItem("discuss", 1)
	_ = m.MoveItem("open", 99)
	for i, it := range m.Agenda {
		fmt.Println(i, it.Title)
	}
	fmt.Println("total minutes:", m.TotalMinutes())
	// Output:
	// 0 Thảo luận
	// 1 Báo cáo kết quả cải cách hành chính
	// 2 Kết luận
	// 3 Khai mạc
	// total minutes: 140
}

// A meeting goes one step at a time; a started session cannot go back.
func ExampleMeeting_Transition() {
	m := meetings.Meeting{Status: meetings.StatusDraft}
	fmt.Println(m.Transition(meetings.StatusPublished), m.Status)
	fmt.Println(m.Transition(meetings.StatusInSession), m.Status)
	fmt.Println(m.Transition(meetings.StatusDraft), m.Status)
	// Output:
	// <nil> published
	// <nil> in_session
	// err.invalid_transition in_session
}
