package sample

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

var pass = []byte("mật khẩu thử nghiệm")

// TestCreateProfile_GivenANewDirectory_ThenTheSampleSurvivesAReopenExactly
// creates the sample profile, reopens it, and checks the committee, the
// sessions and the ballots against the tables the sample was made from.
func TestCreateProfile_GivenANewDirectory_ThenTheSampleSurvivesAReopenExactly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	p, err := CreateProfile(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	p, err = core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	self := p.Self()
	if self.Name != SecretaryName || self.Title != SecretaryTitle || self.Role != meetings.RoleSecretary || !p.IsOrgSecretary() {
		t.Errorf("self = %+v, want the Government Office's secretary", self)
	}

	// Bodies: the Government, then the committee.
	bodies := p.Bodies()
	if len(bodies) != 2 || bodies[0].ID != meetings.MainBody || bodies[0].Name != GovernmentName || bodies[1].Name != CommitteeName {
		t.Fatalf("bodies %+v, want %q and %q", bodies, GovernmentName, CommitteeName)
	}
	cmte := bodies[1].ID

	// Members: the Government Office's secretary, the committee (the chair,
	// ten members, a guest) and its secretary, the Government's others.
	all := p.Members()
	if want := len(committee) + len(government) + 2; len(all) != want {
		t.Fatalf("%d members, want %d", len(all), want)
	}
	members := p.MembersOf(cmte)
	byName := map[string]meetings.Member{}
	for _, m := range members {
		byName[m.Name] = m
	}
	for _, want := range append(append([]person(nil), committee...), committeeSecretary) {
		got, ok := byName[want.Name]
		if !ok {
			t.Errorf("committee member %q missing", want.Name)
			continue
		}
		if got.Title != want.Title || got.Role != want.Role {
			t.Errorf("member %q = %q %s, want %q %s", want.Name, got.Title, got.Role, want.Title, want.Role)
		}
	}
	if n := len(meetings.Voters(members)); n != 11 {
		t.Errorf("%d committee voters, want 11", n)
	}
	if c, _ := meetings.Chair(members); c.Name != "Phạm Minh Chính" {
		t.Errorf("chair %q, want Phạm Minh Chính", c.Name)
	}
	gov := p.MembersOf(meetings.MainBody)
	if n := len(meetings.Voters(gov)); n != 8 {
		t.Errorf("%d Government voters, want 8", n)
	}
	// Overlaps: the Prime Minister chairs both; the committee's secretary
	// is not the Government's (nor a member of it).
	for _, m := range all {
		rg, inGov := m.RoleIn(meetings.MainBody)
		rc, inCmte := m.RoleIn(cmte)
		switch m.Name {
		case "Phạm Minh Chính":
			if rg != meetings.RoleChair || rc != meetings.RoleChair {
				t.Errorf("the Prime Minister: %s / %s", rg, rc)
			}
		case "Trần Lưu Quang", "Phạm Thị Thanh Trà":
			if rg != meetings.RoleMember || rc != meetings.RoleMember {
				t.Errorf("%s: %s / %s, want a member of both", m.Name, rg, rc)
			}
		case committeeSecretary.Name:
			if inGov || rc != meetings.RoleSecretary || m.Role != meetings.RoleMember {
				t.Errorf("the committee's secretary: %+v", m)
			}
		case "Trần Hồng Hà":
			if !inGov || inCmte {
				t.Errorf("a Deputy Prime Minister not on the committee: %+v", m)
			}
		}
	}

	// Meetings: the committee's fifth session (closed) and two upcoming
	// ones; the Government's regular and restricted sessions.
	ms := p.Meetings()
	if len(ms) != 5 {
		t.Fatalf("%d meetings, want 5", len(ms))
	}
	titles := map[string]meetings.Meeting{}
	for _, m := range ms {
		titles[m.Title] = m
	}
	fifth, ok := titles[fifthTitle]
	if !ok {
		t.Fatalf("no meeting titled %q", fifthTitle)
	}
	if !fifth.Start.Equal(time.Date(2023, 7, 19, 1, 0, 0, 0, time.UTC)) || fifth.Place != govPlace || fifth.Status != meetings.StatusClosed {
		t.Errorf("fifth session %v at %q, %s; want 2023-07-19 08:00 +07 at %q, closed", fifth.Start, fifth.Place, fifth.Status, govPlace)
	}
	checkAgenda(t, fifth, fifthAgenda)
	if q := meetings.Quorum(fifth, members, meetings.DefaultQuorum); !q.Met || q.Present != 10 || q.Voters != 11 {
		t.Errorf("fifth session quorum %+v, want 10 of 11 present, met", q)
	}
	if sixth, ok := titles[sixthTitle]; !ok || sixth.Status != meetings.StatusPublished {
		t.Errorf("sixth session %+v, want published", sixth)
	} else {
		checkAgenda(t, sixth, sixthAgenda)
	}
	if topic, ok := titles[topicTitle]; !ok || topic.Status != meetings.StatusDraft {
		t.Errorf("thematic session %+v, want draft", topic)
	} else {
		checkAgenda(t, topic, topicAgenda)
	}
	for _, title := range []string{fifthTitle, sixthTitle, topicTitle} {
		if m := titles[title]; m.Body != cmte || m.Restricted {
			t.Errorf("%q: body %q restricted %v, want the committee's, not restricted", title, m.Body, m.Restricted)
		}
	}
	if m, ok := titles[govRegularTitle]; !ok || meetings.BodyOf(m.Body) != meetings.MainBody || m.Status != meetings.StatusPublished || m.Restricted {
		t.Errorf("Government session %+v", m)
	} else {
		checkAgenda(t, m, govRegularAgenda)
	}
	if m, ok := titles[govLawTitle]; !ok || meetings.BodyOf(m.Body) != meetings.MainBody || m.Status != meetings.StatusDraft || !m.Restricted || len(m.Participants) != len(govLawParticipants) {
		t.Errorf("restricted Government session %+v", m)
	} else {
		checkAgenda(t, m, govLawAgenda)
	}

	// Ballots: the open ones first, the committee's due soonest.
	bs := p.Ballots()
	if len(bs) != 3 {
		t.Fatalf("%d ballots, want 3", len(bs))
	}
	open, govOpen, closed := bs[0], bs[1], bs[2]
	if govOpen.Title != govBallotTitle || meetings.BodyOf(govOpen.Body) != meetings.MainBody || len(govOpen.Eligible) != 8 || govOpen.Status != ballots.StatusOpen {
		t.Errorf("Government ballot %q body %q, %d eligible, %s", govOpen.Title, govOpen.Body, len(govOpen.Eligible), govOpen.Status)
	}
	if gres, _, err := p.Tally(govOpen.ID); err != nil || gres.Members != 8 || gres.Answered != 3 {
		t.Errorf("Government ballot tally %+v %v, want 3 of 8 answered", gres, err)
	}
	if open.Body != cmte || closed.Body != cmte {
		t.Errorf("committee ballots in bodies %q, %q", open.Body, closed.Body)
	}
	if open.Title != openTitle || open.Question != openQuestion || open.Status != ballots.StatusOpen {
		t.Errorf("open ballot %q %s, want %q open with the full question", open.Title, open.Status, openTitle)
	}
	if open.MeetingID != fifth.ID || open.AgendaItemID != fifth.Agenda[1].ID {
		t.Errorf("open ballot tied to %s/%s, want the fifth session's report", open.MeetingID, open.AgendaItemID)
	}
	if !slices.Equal(labels(open.Options), []string{"Đồng ý", "Không đồng ý", "Ý kiến khác"}) {
		t.Errorf("options %v, want the Vietnamese preset", open.Options)
	}
	res, answers, err := p.Tally(open.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := ballots.Result{
		Standing: ballots.StandingOpen, CanStillPass: true, CanStillFail: true,
		Members: 11, Answered: 6, Unanswered: 5, Reason: ballots.ReasonUndecided,
		Counts: map[ballots.Choice]int{ballots.ChoiceAgree: 4, ballots.ChoiceDisagree: 1, ballots.ChoiceOther: 1},
	}
	if !sameResult(res, want) {
		t.Errorf("open ballot tally %+v, want %+v", res, want)
	}
	checkAnswers(t, p, answers, openAnswers)
	for _, a := range answers {
		if a.MemberID == open.ChairID {
			t.Errorf("the chair has answered the open ballot; the sample leaves that to the chair")
		}
	}

	if closed.Title != closedTitle || closed.Status != ballots.StatusClosed || !closed.ClosedAt.Equal(closedAt) {
		t.Errorf("closed ballot %q %s at %v, want %q closed at %v", closed.Title, closed.Status, closed.ClosedAt, closedTitle, closedAt)
	}
	res, answers, err = p.Tally(closed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Standing != ballots.StandingPassed || res.Answered != 11 || res.Counts[ballots.ChoiceAgree] != 10 {
		t.Errorf("closed ballot tally %+v, want passed with 10 of 11 agreeing", res)
	}
	checkAnswers(t, p, answers, closedAnswers)
	for _, a := range answers {
		if a.At.Before(closedIssued) || a.At.After(closedDeadline) || a.At.In(vietnam).Weekday() == time.Saturday || a.At.In(vietnam).Weekday() == time.Sunday {
			t.Errorf("answer dated %v, want a working day between the issue and the deadline in July 2023", a.At)
		}
	}
}

// TestLoad_GivenAProfileClock_ThenUpcomingDatesFollowItAndItKeepsRunning
// uses a fixed clock: the upcoming sessions and the open ballot are dated
// from it, and Load leaves the profile with a clock that runs on from it.
func TestLoad_GivenAProfileClock_ThenUpcomingDatesFollowItAndItKeepsRunning(t *testing.T) {
	p, err := core.Create(t.TempDir(), pass, meetings.Member{Name: SecretaryName, Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	now := time.Date(2031, 3, 10, 14, 30, 0, 0, time.UTC) // 21:30 in Hà Nội
	p.SetClock(func() time.Time { return now })

	if err := Load(p); err != nil {
		t.Fatal(err)
	}

	starts := map[string]time.Time{}
	for _, m := range p.Meetings() {
		starts[m.Title] = m.Start
	}
	if want := time.Date(2031, 3, 31, 8, 0, 0, 0, vietnam); !starts[sixthTitle].Equal(want) {
		t.Errorf("sixth session at %v, want %v", starts[sixthTitle], want)
	}
	if want := time.Date(2031, 4, 23, 8, 0, 0, 0, vietnam); !starts[topicTitle].Equal(want) {
		t.Errorf("thematic session at %v, want %v", starts[topicTitle], want)
	}
	open := p.Ballots()[0]
	if want := time.Date(2031, 3, 15, 17, 0, 0, 0, vietnam); !open.Deadline.Equal(want) {
		t.Errorf("open ballot due %v, want %v", open.Deadline, want)
	}
	_, answers, err := p.Tally(open.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range answers {
		if h := a.At.In(vietnam).Hour(); !a.At.Before(now) || a.At.Before(now.AddDate(0, 0, -3)) || h < 8 || h >= 17 {
			t.Errorf("open ballot answer dated %v, want office hours in the three days before %v", a.At, now)
		}
	}
	if got := p.Now(); got.Before(now) || got.After(now.Add(time.Minute)) {
		t.Errorf("clock after Load reads %v, want it running on from %v", got, now)
	}
}

func TestLoad_GivenAMemberProfile_ThenItIsRefused(t *testing.T) {
	p, err := core.Create(t.TempDir(), pass, meetings.Member{Name: "Trần Lưu Quang", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := Load(p); !core.IsForbidden(err) {
		t.Fatalf("Load on a member's profile: %v, want forbidden", err)
	}
	if n := len(p.Members()); n != 1 {
		t.Errorf("%d members after a refused Load, want 1", n)
	}
}

// TestSampleText_IsNFC: Vietnamese typed on some keyboards is decomposed
// (a letter followed by combining marks); the sample must be precomposed so
// that searching and comparing text works.
func TestSampleText_IsNFC(t *testing.T) {
	var texts []string
	for _, m := range committee {
		texts = append(texts, m.Name, m.Title)
	}
	for _, agenda := range [][]item{fifthAgenda, sixthAgenda, topicAgenda} {
		for _, it := range agenda {
			texts = append(texts, it.Title, it.Presenter)
		}
	}
	for _, as := range [][]answer{openAnswers, closedAnswers} {
		for _, a := range as {
			texts = append(texts, a.comment)
		}
	}
	texts = append(texts, SecretaryName, SecretaryTitle, fifthTitle, sixthTitle, topicTitle, govPlace,
		openTitle, openQuestion, closedTitle, closedQuestion)
	for _, s := range texts {
		if !norm.NFC.IsNormalString(s) {
			t.Errorf("not NFC: %q", s)
		}
	}
}

func checkAgenda(t *testing.T, m meetings.Meeting, want []item) {
	t.Helper()
	if len(m.Agenda) != len(want) {
		t.Errorf("%s: %d agenda items, want %d", m.Title, len(m.Agenda), len(want))
		return
	}
	for i, it := range m.Agenda {
		w := want[i].AgendaItem
		if it.Title != w.Title || it.Presenter != w.Presenter || it.Minutes != w.Minutes {
			t.Errorf("%s item %d = %q by %q (%d min), want %q by %q (%d min)",
				m.Title, i+1, it.Title, it.Presenter, it.Minutes, w.Title, w.Presenter, w.Minutes)
		}
	}
}

// checkAnswers compares answers with the table they were recorded from,
// member by member.
func checkAnswers(t *testing.T, p *core.Profile, got []ballots.Answer, want []answer) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d answers, want %d", len(got), len(want))
	}
	byMember := map[string]ballots.Answer{}
	for _, a := range got {
		m, err := p.Member(a.MemberID)
		if err != nil {
			t.Fatal(err)
		}
		byMember[m.Name] = a
	}
	names := map[string]string{}
	for _, m := range committee {
		names[m.key] = m.Name
	}
	for _, w := range want {
		a, ok := byMember[names[w.member]]
		if !ok {
			t.Errorf("no answer from %s", names[w.member])
			continue
		}
		if a.Choice != w.choice || a.Comment != w.comment {
			t.Errorf("%s answered %s %q, want %s %q", names[w.member], a.Choice, a.Comment, w.choice, w.comment)
		}
	}
}

func labels(opts []ballots.Option) []string {
	var out []string
	for _, o := range opts {
		out = append(out, o.Label)
	}
	return out
}

func sameResult(a, b ballots.Result) bool {
	if a.Standing != b.Standing || a.CanStillPass != b.CanStillPass || a.CanStillFail != b.CanStillFail ||
		a.Members != b.Members || a.Answered != b.Answered || a.Unanswered != b.Unanswered || a.Reason != b.Reason {
		return false
	}
	for _, c := range []ballots.Choice{ballots.ChoiceAgree, ballots.ChoiceDisagree, ballots.ChoiceOther} {
		if a.Counts[c] != b.Counts[c] {
			return false
		}
	}
	return true
}
