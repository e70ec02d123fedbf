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

// A Deputy Prime Minister is a member of the Government and chairs a
// steering committee; a member made before bodies belongs to the main
// body. The committee's quorum counts its own voting members only.
func ExampleInBody() {
	all := []meetings.Member{
		{ID: "pm", Name: "Thủ tướng", Role: meetings.RoleChair}, // made before bodies
		{ID: "dpm", Name: "Phó Thủ tướng", Role: meetings.RoleMember, Bodies: []meetings.Membership{
			{Body: meetings.MainBody, Role: meetings.RoleMember}, {Body: "reform", Role: meetings.RoleChair}}},
		{ID: "min", Name: "Bộ trưởng", Role: meetings.RoleMember, Bodies: []meetings.Membership{
			{Body: meetings.MainBody, Role: meetings.RoleMember}, {Body: "reform", Role: meetings.RoleMember}}},
		{ID: "sec", Name: "Thư ký Ban", Role: meetings.RoleMember, Bodies: []meetings.Membership{
			{Body: "reform", Role: meetings.RoleSecretary}}},
	}
	for _, body := range []string{meetings.MainBody, "reform"} {
		in := meetings.InBody(all, body)
		chair, _ := meetings.Chair(in)
		m := meetings.Meeting{Body: body, Present: []string{"dpm"}}
		q := meetings.Quorum(m, in, meetings.DefaultQuorum)
		fmt.Printf("%s: %d members, chair %s, quorum %d of %d\n", body, len(in), chair.ID, q.Needed, q.Voters)
	}
	// Output:
	// main: 3 members, chair pm, quorum 2 of 3
	// reform: 3 members, chair dpm, quorum 2 of 2
}
