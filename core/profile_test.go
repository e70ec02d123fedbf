package core_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/store"
)

var pass = []byte("correct horse battery")

// newSecretary creates a profile for a secretary with a chair and two
// members, and returns it with the member IDs.
func newSecretary(t testing.TB, dir string) (*core.Profile, []meetings.Member) {
	t.Helper()
	p, err := core.Create(dir, pass, meetings.Member{Name: "Nguyễn Thư Ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	var ms []meetings.Member
	for _, m := range []meetings.Member{
		{Name: "Phạm Minh Chính", Title: "Thủ tướng Chính phủ", Role: meetings.RoleChair},
		{Name: "Trần Lưu Quang", Title: "Phó Thủ tướng", Role: meetings.RoleMember},
		{Name: "Phạm Thị Thanh Trà", Title: "Bộ trưởng Bộ Nội vụ", Role: meetings.RoleMember},
	} {
		added, err := p.AddMember(m)
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, added)
	}
	return p, ms
}

func TestProfileLifecycle_SaveReopenTally(t *testing.T) {
	dir := t.TempDir()
	// given a secretary's profile with a meeting, an agenda and a ballot
	p, ms := newSecretary(t, dir)
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: time.Date(2023, 7, 19, 8, 0, 0, 0, time.UTC), Place: "Trụ sở Chính phủ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Đánh giá kết quả CCHC 6 tháng đầu năm 2023", Minutes: 30}); err != nil {
		t.Fatal(err)
	}
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua kế hoạch?", Deadline: time.Now().Add(48 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Eligible) != 3 || b.ChairID != ms[0].ID {
		t.Fatalf("eligible %v chair %q, want the 3 voters and the chair", b.Eligible, b.ChairID)
	}
	// when two of three agree (recorded by the secretariat) and the profile is reopened
	for _, mem := range ms[:2] {
		if _, err := p.RecordAnswerFor(b.ID, mem.ID, ballots.ChoiceAgree, "Nhất trí"); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// then everything is there and the ballot has passed (2 of 3 > half)
	got, err := p.Meeting(m.ID)
	if err != nil || len(got.Agenda) != 1 || got.Agenda[0].Title != "Đánh giá kết quả CCHC 6 tháng đầu năm 2023" {
		t.Fatalf("meeting after reopen: %+v, %v", got, err)
	}
	res, answers, err := p.Tally(b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 2 || res.Standing != ballots.StandingPassed || res.Counts[ballots.ChoiceAgree] != 2 {
		t.Fatalf("tally %+v with %d answers, want passed with 2 agree", res, len(answers))
	}
	if r := p.Recovered(); r.Restored != 0 {
		t.Errorf("clean reopen restored %d ops, want 0", r.Restored)
	}
}

func TestProfile_WrongPassphraseAndSecondInstance(t *testing.T) {
	dir := t.TempDir()
	p, _ := newSecretary(t, dir)
	// a second open while the first holds the profile is refused
	if _, err := core.Open(dir, pass); !errors.Is(err, store.ErrProfileInUse) {
		t.Fatalf("second open: %v, want ErrProfileInUse", err)
	}
	p.Close()
	if _, err := core.Open(dir, []byte("wrong passphrase!")); !errors.Is(err, store.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v, want ErrWrongPassphrase", err)
	}
}

func TestProfile_MemberCannotDoSecretariatWork(t *testing.T) {
	p, err := core.Create(t.TempDir(), pass, meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = p.CreateMeeting(core.MeetingInput{Title: "X", Start: time.Now()})
	if !core.IsForbidden(err) {
		t.Fatalf("member creating a meeting: %v, want forbidden", err)
	}
}
