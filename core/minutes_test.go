package core_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/report"
)

// TestConclusions_SyncedAndFrozenByFinalising: given one secretary on two
// devices and a real hub, a conclusion written on one device reaches the
// other through the hub; the minutes are finalised on the second; after
// that no device can change a conclusion, and the minutes say they are
// final.
func TestConclusions_SyncedAndFrozenByFinalising(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	item := m.Agenda[0].ID
	// given a meeting not yet held, a conclusion is refused
	if err := sp.sec1.SetConclusion(m.ID, item, "Sớm quá"); core.ErrorKey(err) != "err.conclusion.not_held" {
		t.Fatalf("conclusion before the session: %v", err)
	}
	for _, to := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession} {
		if err := sp.sec1.SetMeetingStatus(m.ID, to); err != nil {
			t.Fatal(err)
		}
	}
	const text = "Các bộ, ngành hoàn thành số hóa hồ sơ thủ tục hành chính trong năm 2031."
	if err := sp.sec1.SetConclusion(m.ID, item, text); err != nil {
		t.Fatal(err)
	}
	// a title edited in session keeps the conclusion
	if err := sp.sec1.UpdateAgendaItem(m.ID, meetings.AgendaItem{ID: item, Title: "Phát biểu khai mạc", Minutes: 10}); err != nil {
		t.Fatal(err)
	}
	if err := sp.sec1.SetMeetingStatus(m.ID, meetings.StatusClosed); err != nil {
		t.Fatal(err)
	}
	if rej := syncDev(t, sp.sec1); len(rej) != 0 {
		t.Fatalf("the hub refused %+v", rej)
	}
	// when the second device syncs, it holds the conclusion
	if rej := syncDev(t, sp.sec2); len(rej) != 0 {
		t.Fatalf("the hub refused %+v", rej)
	}
	got, err := sp.sec2.Meeting(m.ID)
	if err != nil || got.Agenda[0].Conclusion != text || got.Agenda[0].Title != "Phát biểu khai mạc" {
		t.Fatalf("second device: %+v, %v", got.Agenda, err)
	}
	if err := sp.sec2.FinaliseMinutes(m.ID); err != nil {
		t.Fatal(err)
	}
	if rej := syncDev(t, sp.sec2); len(rej) != 0 {
		t.Fatalf("the hub refused the finalising: %+v", rej)
	}
	syncDev(t, sp.sec1)
	// then the conclusions are frozen everywhere
	for i, p := range []*core.Profile{sp.sec1, sp.sec2, sp.hub} {
		got, _ := p.Meeting(m.ID)
		if got.Finalised.IsZero() {
			t.Errorf("replica %d: not finalised", i)
		}
	}
	if err := sp.sec1.SetConclusion(m.ID, item, "Sửa sau khi chốt"); core.ErrorKey(err) != "err.minutes.finalised" {
		t.Fatalf("conclusion after finalising: %v", err)
	}
	if err := sp.sec1.FinaliseMinutes(m.ID); core.ErrorKey(err) != "err.minutes.finalised" {
		t.Fatalf("finalised twice: %v", err)
	}
	path := filepath.Join(t.TempDir(), "bien-ban.pdf")
	if err := sp.sec1.SaveReport(report.KindMinutes, m.ID, report.Vietnamese, path); err != nil {
		t.Fatal(err)
	}
	text2 := reportText(t, path)
	for _, w := range []string{"Kết luận:", text, "Biên bản đã được chốt lúc"} {
		if !strings.Contains(text2, w) {
			t.Errorf("the minutes lack %q", w)
		}
	}
	if strings.Contains(text2, "DỰ THẢO") {
		t.Error("finalised minutes still say draft")
	}
}

// TestConclusions_OnlyTheSecretariat: a member's device cannot write a
// conclusion, even on its own replica.
func TestConclusions_OnlyTheSecretariat(t *testing.T) {
	p, err := core.Create(t.TempDir(), pass, meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.SetConclusion("m", "i", "x"); !core.IsForbidden(err) {
		t.Fatalf("member's conclusion: %v, want forbidden", err)
	}
	if err := p.FinaliseMinutes("m"); !core.IsForbidden(err) {
		t.Fatalf("member's finalising: %v, want forbidden", err)
	}
}

// TestFinalise_RefusedWhileAConclusionChangedElsewhere: finalising is based
// on the minutes this device has read; when the other device changed a
// conclusion in the meantime the hub refuses it as stale, and applying it
// again on the current minutes finalises them.
func TestFinalise_RefusedWhileAConclusionChangedElsewhere(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	item := m.Agenda[0].ID
	for _, to := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession, meetings.StatusClosed} {
		if err := sp.sec1.SetMeetingStatus(m.ID, to); err != nil {
			t.Fatal(err)
		}
	}
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	// given the first device writes a conclusion while the second finalises
	if err := sp.sec1.SetConclusion(m.ID, item, "Thông qua."); err != nil {
		t.Fatal(err)
	}
	if err := sp.sec2.FinaliseMinutes(m.ID); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	re := refusedOne(t, sp.sec2)
	if re.Kind != ops.KindMeetingFinalise {
		t.Fatalf("refused %+v, want the finalising", re)
	}
	// when the secretary, having read the conclusion, finalises again
	if got, _ := sp.sec2.Meeting(m.ID); got.Agenda[0].Conclusion != "Thông qua." || !got.Finalised.IsZero() {
		t.Fatalf("second device after the refusal: %+v", got)
	}
	if err := sp.sec2.MergeAgain(re); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec2)
	syncDev(t, sp.sec1)
	// then both hold the finalised minutes with the conclusion
	for _, p := range []*core.Profile{sp.sec1, sp.sec2} {
		got, _ := p.Meeting(m.ID)
		if got.Finalised.IsZero() || got.Agenda[0].Conclusion != "Thông qua." {
			t.Errorf("%s: %+v", p.DeviceID(), got)
		}
	}
}
