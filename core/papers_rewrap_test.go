package core_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// A member's device may hand a paper's key only to its own member's other
// devices: a rewrap it signs for another recipient's device, or for the
// secretary's, is refused by the applier (the same rule runs on every
// replica and on the hub). Its own new device gets the key from it; the
// other recipient's new device from the secretary's next sync.
func TestPaperRewrap_AMemberWrapsOnlyForTheirOwnDevices(t *testing.T) {
	hub := replicatest.Start(t, supersedePass, replicatest.Options{Secretary: "Thư ký Chính phủ"})
	sec := hub.Enroll(t, hub.Init.Invite)
	syncDone(t, sec)
	var ms []meetings.Member
	for _, name := range []string{"Trần Lưu Quang", "Lê Thành Long"} {
		m, err := sec.AddMember(meetings.Member{Name: name, Title: "Phó Thủ tướng", Role: meetings.RoleMember})
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	m, err := sec.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ", Start: time.Now().Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	it, err := sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Dự thảo Nghị định", Minutes: 30})
	if err != nil {
		t.Fatal(err)
	}
	if err := sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	syncDone(t, sec)
	first := hub.EnrollMember(t, ms[0].ID)
	syncDone(t, first)
	syncDone(t, sec) // learns the device
	pp, err := sec.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: "du-thao.txt", Title: "Dự thảo", To: []string{ms[0].ID, ms[1].ID}},
		bytes.NewReader(bytes.Repeat([]byte("Dự thảo Nghị định quy định chi tiết. "), 4000)))
	if err != nil {
		t.Fatal(err)
	}
	syncDone(t, sec)
	syncDone(t, first)
	own := hub.EnrollMember(t, ms[0].ID)
	theirs := hub.EnrollMember(t, ms[1].ID)
	syncDone(t, own)
	syncDone(t, theirs)
	// The member's first device learns of the new devices: its automatic
	// rewrap (on the sync) is for its own new device only.
	syncDone(t, first)
	if _, err := first.PaperKey(pp.ID); err != nil {
		t.Fatalf("the member's first device holds no key: %v", err)
	}
	for _, tc := range []struct {
		name   string
		by     *core.Profile
		device string
		want   error
	}{
		{"a member for another member's device", first, theirs.DeviceID(), core.ErrForbidden},
		{"a member for the secretary's device", first, sec.DeviceID(), core.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.by.RewrapForTest(pp.ID, tc.device); !errors.Is(err, tc.want) {
				t.Fatalf("rewrap: %v, want %v", err, tc.want)
			}
		})
	}
	syncDone(t, sec) // the secretary's device hands on the rest
	syncDone(t, own)
	syncDone(t, theirs)
	if _, err := own.PaperKey(pp.ID); err != nil {
		t.Errorf("the member's own new device has no key after their first device's sync: %v", err)
	}
	if _, err := theirs.PaperKey(pp.ID); err != nil {
		t.Errorf("the other member's new device has no key after the secretary's sync: %v", err)
	}
}
