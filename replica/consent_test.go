package replica_test

import (
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

func TestConsentAgenda_MarkedOfflineAdoptedAsOneBlock(t *testing.T) {
	c := newCommittee(t)
	var items []meetings.AgendaItem
	for _, title := range []string{"Báo cáo kết quả CCHC", "Tờ trình về Nghị định", "Kế hoạch 6 tháng cuối năm"} {
		it, err := c.sec1.AddAgendaItem(c.meetingID, meetings.AgendaItem{Title: title, Minutes: 10})
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	replicatest.Sync(t, c.sec1)
	replicatest.Sync(t, c.a)
	// the chair and member A mark offline; A wants to speak on item 2
	chairDev := enrollChair(t, c)
	for _, it := range items {
		if err := chairDev.MarkConsent(c.meetingID, it.ID, meetings.ConsentNoObjection); err != nil {
			t.Fatal(err)
		}
	}
	marks := []meetings.ConsentMark{meetings.ConsentNoObjection, meetings.ConsentSpeak, meetings.ConsentNoObjection}
	for i, it := range items {
		if err := c.a.MarkConsent(c.meetingID, it.ID, marks[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.a.MarkConsent(c.meetingID, items[0].ID, "maybe"); !errors.Is(err, meetings.ErrConsentMarkInvalid) {
		t.Fatalf("invalid mark: %v", err)
	}
	replicatest.Sync(t, chairDev)
	replicatest.Sync(t, c.a)
	replicatest.Sync(t, c.b)
	replicatest.Sync(t, c.sec1)
	// the secretariat sees the aggregate; member B does not see others' marks
	sum, _, err := c.sec1.ConsentSummary(c.meetingID)
	if err != nil {
		t.Fatal(err)
	}
	if sum[0].NoObjection != 2 || sum[1].Speak != 1 || !sum[0].Adoptable || sum[1].Adoptable || !sum[2].Adoptable {
		t.Fatalf("secretariat's aggregate: %+v", sum)
	}
	bsum, _, _ := c.b.ConsentSummary(c.meetingID)
	if bsum[0].NoObjection != 0 {
		t.Fatalf("member B received others' marks: %+v", bsum[0])
	}
	// adopt items 1 and 3 as one block
	ids, err := c.sec1.AdoptConsentBlock(c.meetingID)
	if err != nil || len(ids) != 2 || ids[0] != items[0].ID || ids[1] != items[2].ID {
		t.Fatalf("adopted %v, %v", ids, err)
	}
	replicatest.Sync(t, c.sec1)
	replicatest.Sync(t, c.b)
	m, _ := c.b.Meeting(c.meetingID)
	adopted := 0
	for _, it := range m.Agenda {
		if it.Adopted {
			adopted++
		}
	}
	if adopted != 2 {
		t.Fatalf("member B sees %d adopted items, want 2", adopted)
	}
}

func enrollChair(t *testing.T, c *committee) *core.Profile {
	t.Helper()
	code, _, err := replicaInvite(c, c.chair.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := c.hub.Enroll(t, code)
	replicatest.Sync(t, p)
	return p
}
