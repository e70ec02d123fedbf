package core_test

import (
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

// twoBodies is a hub serving the Government (the main body) and a steering
// committee, with overlapping members, and devices for some of them.
type twoBodies struct {
	hub                                *core.Profile
	reform                             string
	pm, dpm, minister, govSec, cmteSec meetings.Member
	devs                               map[string]*identity.Device // by member ID
	seq                                map[string]uint64
}

func newTwoBodies(t *testing.T) *twoBodies {
	t.Helper()
	hub, err := core.CreateHub(filepath.Join(t.TempDir(), "hub"), []byte("two bodies passphrase"), "Văn phòng Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { hub.Close() })
	if err := hub.RenameBody(meetings.MainBody, "Chính phủ"); err != nil {
		t.Fatal(err)
	}
	reform, err := hub.CreateBody("Ban Chỉ đạo cải cách hành chính của Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	tb := &twoBodies{hub: hub, reform: reform.ID, devs: map[string]*identity.Device{}, seq: map[string]uint64{}}
	add := func(name string, bodies ...meetings.Membership) meetings.Member {
		m, err := hub.AddMember(meetings.Member{Name: name, Role: meetings.RoleMember, Bodies: bodies})
		if err != nil {
			t.Fatal(err)
		}
		d, err := identity.New()
		if err != nil {
			t.Fatal(err)
		}
		if err := hub.EnrollDevice(m.ID, d.Pub); err != nil {
			t.Fatal(err)
		}
		tb.devs[m.ID] = d
		return m
	}
	in := func(body string, r meetings.Role) meetings.Membership {
		return meetings.Membership{Body: body, Role: r}
	}
	tb.pm = add("Phạm Minh Chính", in(meetings.MainBody, meetings.RoleChair))
	tb.dpm = add("Nguyễn Hòa Bình", in(meetings.MainBody, meetings.RoleMember), in(reform.ID, meetings.RoleChair))
	tb.minister = add("Phạm Thị Thanh Trà", in(meetings.MainBody, meetings.RoleMember), in(reform.ID, meetings.RoleMember))
	tb.govSec = add("Trần Văn Sơn", in(meetings.MainBody, meetings.RoleSecretary))
	tb.cmteSec = add("Nguyễn Thư Ký Ban", in(reform.ID, meetings.RoleSecretary))
	return tb
}

// push signs an op as member on their device and has the hub judge it:
// "" when accepted, else the refusal's code.
func (tb *twoBodies) push(t *testing.T, member meetings.Member, kind ops.Kind, body any) string {
	t.Helper()
	d := tb.devs[member.ID]
	raw, err := codec.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	tb.seq[member.ID]++
	s, err := ops.Sign(d, ops.Op{Kind: kind, Device: d.ID, DevSeq: tb.seq[member.ID], Member: member.ID, At: time.Now().UTC(), Body: raw})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := s.Encode()
	if err != nil {
		t.Fatal(err)
	}
	vs, err := tb.hub.HubAccept(d.ID, [][]byte{enc})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 {
		t.Fatalf("verdicts %+v", vs)
	}
	return vs[0].Code
}

func TestBodyRules_WhoMayActOnWhichBody(t *testing.T) {
	tb := newTwoBodies(t)
	start := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
	gov, err := tb.hub.CreateMeeting(core.MeetingInput{Title: "Phiên họp Chính phủ thường kỳ", Start: start, Body: meetings.MainBody})
	if err != nil {
		t.Fatal(err)
	}
	cmte, err := tb.hub.CreateMeeting(core.MeetingInput{Title: "Phiên họp Ban Chỉ đạo", Start: start, Body: tb.reform})
	if err != nil {
		t.Fatal(err)
	}
	meeting := func(body string, participants ...string) ops.MeetingCreate {
		return ops.MeetingCreate{Meeting: meetings.Meeting{ID: identity.NewID(), Title: "Họp", Start: start, Body: body, Participants: participants, Status: meetings.StatusDraft, Rev: 1}}
	}
	ballot := func(body, meetingID string, eligible ...string) ops.BallotIssue {
		return ops.BallotIssue{Ballot: ballots.Ballot{ID: identity.NewID(), Title: "Phiếu", Question: "Đồng ý?", Body: body, MeetingID: meetingID,
			Options: ballots.VietnameseOptions(), Deadline: start.Add(48 * time.Hour), Eligible: eligible, Policy: ballots.SimpleMajority(), Status: ballots.StatusDraft}}
	}
	tests := []struct {
		name   string
		actor  meetings.Member
		kind   ops.Kind
		body   any
		refuse string
	}{
		{"committee secretary creates a Government meeting", tb.cmteSec, ops.KindMeetingCreate, meeting(""), "err.forbidden"},
		{"committee secretary creates a committee meeting", tb.cmteSec, ops.KindMeetingCreate, meeting(tb.reform), ""},
		{"Government secretariat creates a committee meeting", tb.govSec, ops.KindMeetingCreate, meeting(tb.reform), ""},
		{"committee chair creates a committee meeting", tb.dpm, ops.KindMeetingCreate, meeting(tb.reform), "err.forbidden"},
		{"committee meeting invites a non-member", tb.cmteSec, ops.KindMeetingCreate, meeting(tb.reform, tb.pm.ID), "err.body.not_member"},
		{"committee meeting invites its members", tb.cmteSec, ops.KindMeetingCreate, meeting(tb.reform, tb.dpm.ID, tb.minister.ID), ""},
		{"meeting of an unknown body", tb.govSec, ops.KindMeetingCreate, meeting("no-such-body"), "err.body.unknown"},
		{"committee secretary edits a Government meeting", tb.cmteSec, ops.KindMeetingStatus, ops.MeetingStatus{MeetingID: gov.ID, Status: meetings.StatusPublished}, "err.forbidden"},
		{"committee secretary edits a committee meeting", tb.cmteSec, ops.KindMeetingStatus, ops.MeetingStatus{MeetingID: cmte.ID, Status: meetings.StatusPublished}, ""},
		{"committee secretary restricts a committee meeting", tb.cmteSec, ops.KindMeetingAudience, ops.MeetingAudience{MeetingID: cmte.ID, Participants: []string{tb.dpm.ID}, Restricted: true}, ""},
		{"restricted to a non-member", tb.cmteSec, ops.KindMeetingAudience, ops.MeetingAudience{MeetingID: cmte.ID, Participants: []string{tb.pm.ID}}, "err.body.not_member"},
		{"committee secretary issues a Government ballot", tb.cmteSec, ops.KindBallotIssue, ballot("", "", tb.pm.ID), "err.forbidden"},
		{"committee secretary issues a committee ballot", tb.cmteSec, ops.KindBallotIssue, ballot(tb.reform, "", tb.dpm.ID), ""},
		{"committee ballot tied to a Government meeting", tb.govSec, ops.KindBallotIssue, ballot(tb.reform, gov.ID, tb.dpm.ID), "err.ballot.body_mismatch"},
		{"committee secretary keeps members", tb.cmteSec, ops.KindMemberPut, ops.MemberPut{Member: meetings.Member{ID: identity.NewID(), Name: "Mới", Role: meetings.RoleMember, Bodies: []meetings.Membership{{Body: tb.reform, Role: meetings.RoleMember}}}}, "err.forbidden"},
		{"committee secretary renames the committee", tb.cmteSec, ops.KindBodyPut, ops.BodyPut{Body: meetings.Body{ID: tb.reform, Name: "Ban khác"}}, "err.forbidden"},
		{"Government secretariat renames the committee", tb.govSec, ops.KindBodyPut, ops.BodyPut{Body: meetings.Body{ID: tb.reform, Name: "Ban Chỉ đạo CCHC"}}, ""},
		{"Government chair keeps members", tb.pm, ops.KindMemberPut, ops.MemberPut{Member: meetings.Member{ID: tb.pm.ID, Name: tb.pm.Name, Role: meetings.RoleSecretary}}, "err.forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tb.push(t, tt.actor, tt.kind, tt.body); got != tt.refuse {
				t.Errorf("verdict %q, want %q", got, tt.refuse)
			}
		})
	}
}

func TestBodyRules_CountTheBodysMembers(t *testing.T) {
	tb := newTwoBodies(t)
	start := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
	ids := func(ms ...meetings.Member) string {
		var s []string
		for _, m := range ms {
			s = append(s, m.ID)
		}
		sort.Strings(s)
		return strings.Join(s, ",")
	}
	sorted := func(s []string) string {
		s = append([]string(nil), s...)
		sort.Strings(s)
		return strings.Join(s, ",")
	}
	// A ballot's default eligible: the body's voting members; its chair.
	tests := []struct {
		body      string
		eligible  string
		chair     string
		quorumOf  int
		neededFor int
	}{
		{meetings.MainBody, ids(tb.pm, tb.dpm, tb.minister), tb.pm.ID, 3, 2},
		{tb.reform, ids(tb.dpm, tb.minister), tb.dpm.ID, 2, 2},
	}
	for _, tt := range tests {
		b, err := tb.hub.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Đồng ý?", Deadline: start.Add(time.Hour), Body: tt.body})
		if err != nil {
			t.Fatal(err)
		}
		if got := sorted(b.Eligible); got != tt.eligible || b.ChairID != tt.chair {
			t.Errorf("%s: eligible %s chair %s, want %s chair %s", tt.body, got, b.ChairID, tt.eligible, tt.chair)
		}
		m, err := tb.hub.CreateMeeting(core.MeetingInput{Title: "Phiên họp", Start: start, Body: tt.body})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession} {
			if err := tb.hub.SetMeetingStatus(m.ID, to); err != nil {
				t.Fatal(err)
			}
		}
		if err := tb.hub.SetAttendance(m.ID, tb.dpm.ID, true); err != nil {
			t.Fatal(err)
		}
		q, err := tb.hub.Quorum(m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if q.Voters != tt.quorumOf || q.Needed != tt.neededFor || q.Present != 1 {
			t.Errorf("%s: quorum %+v, want 1 present of %d voters, %d needed", tt.body, q, tt.quorumOf, tt.neededFor)
		}
	}
	// A ballot tied to a committee meeting is the committee's.
	cm, err := tb.hub.CreateMeeting(core.MeetingInput{Title: "Phiên họp Ban", Start: start, Body: tb.reform})
	if err != nil {
		t.Fatal(err)
	}
	b, err := tb.hub.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "Đồng ý?", Deadline: start.Add(time.Hour), MeetingID: cm.ID})
	if err != nil {
		t.Fatal(err)
	}
	if b.Body != tb.reform || sorted(b.Eligible) != ids(tb.dpm, tb.minister) {
		t.Errorf("ballot of a committee meeting: body %q eligible %v", b.Body, b.Eligible)
	}
	// The consent agenda counts the committee's voters.
	if _, err := tb.hub.AddAgendaItem(cm.ID, meetings.AgendaItem{Title: "Báo cáo kết quả cải cách hành chính", Minutes: 20}); err != nil {
		t.Fatal(err)
	}
	tallies, _, err := tb.hub.ConsentSummary(cm.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tallies) != 1 || tallies[0].Unmarked != 2 {
		t.Errorf("consent tallies %+v, want 2 unmarked (the committee's voters)", tallies)
	}
	// Eligible members are voting members of the body.
	if _, err := tb.hub.IssueBallot(core.BallotInput{Title: "Phiếu", Question: "?", Deadline: start.Add(time.Hour), Body: tb.reform, Eligible: []string{tb.pm.ID}}); core.ErrorKey(err) != "err.ballot.eligible_invalid" {
		t.Errorf("a Government member eligible on a committee ballot: %v", err)
	}
	// With two bodies, a new meeting or ballot must name one.
	for name, err := range map[string]error{
		"meeting": func() error {
			_, err := tb.hub.CreateMeeting(core.MeetingInput{Title: "Họp", Start: start})
			return err
		}(),
		"ballot": func() error {
			_, err := tb.hub.IssueBallot(core.BallotInput{Title: "P", Question: "?", Deadline: start.Add(time.Hour)})
			return err
		}(),
	} {
		if core.ErrorKey(err) != "err.body.required" {
			t.Errorf("%s without a body: %v, want err.body.required", name, err)
		}
	}
	if got := len(tb.hub.MembersOf(tb.reform)); got != 3 {
		t.Errorf("members of the committee: %d, want 3 (chair, member, secretary)", got)
	}
}

func TestMemberships_SetAndRemove(t *testing.T) {
	tb := newTwoBodies(t)
	tests := []struct {
		name     string
		member   meetings.Member
		body     string
		role     meetings.Role
		remove   bool
		wantRole meetings.Role // the member's organisation role afterwards
		wantIn   meetings.Role // their role in body afterwards ("" none)
		code     string
	}{
		{"a Government member joins the committee", tb.pm, tb.reform, meetings.RoleMember, false, meetings.RoleMember, meetings.RoleMember, ""},
		{"the committee chair changes role", tb.dpm, tb.reform, meetings.RoleGuest, false, meetings.RoleMember, meetings.RoleGuest, ""},
		{"the committee secretary leaves the committee (their last body)", tb.cmteSec, tb.reform, "", true, meetings.RoleMember, meetings.RoleSecretary, "err.member.last_body"},
		{"a minister leaves the committee", tb.minister, tb.reform, "", true, meetings.RoleMember, "", ""},
		{"a role in an unknown body", tb.pm, "nope", meetings.RoleMember, false, meetings.RoleMember, "", "err.body.unknown"},
		{"the system role", tb.pm, tb.reform, meetings.RoleSystem, false, meetings.RoleMember, meetings.RoleMember, "err.member.role_invalid"},
		{"the Government's secretary is the organisation's secretariat", tb.minister, meetings.MainBody, meetings.RoleSecretary, false, meetings.RoleSecretary, meetings.RoleSecretary, ""},
		{"and stops being it", tb.minister, meetings.MainBody, meetings.RoleMember, false, meetings.RoleMember, meetings.RoleMember, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.remove {
				err = tb.hub.RemoveMembership(tt.member.ID, tt.body)
			} else {
				err = tb.hub.SetMembership(tt.member.ID, tt.body, tt.role)
			}
			if core.ErrorKey(err) != tt.code && !(tt.code == "" && err == nil) {
				t.Fatalf("err %v, want %q", err, tt.code)
			}
			m, _ := tb.hub.Member(tt.member.ID)
			got, _ := m.RoleIn(tt.body)
			if m.Role != tt.wantRole || got != tt.wantIn {
				t.Errorf("role %q, in body %q; want %q, %q", m.Role, got, tt.wantRole, tt.wantIn)
			}
		})
	}
}

// TestEarlierProfile_OpensAndWorksUnchanged: a profile made before bodies
// (members without memberships, meetings and ballots naming no body) keeps
// its meaning: one body, the main one, with the old roles, its quorum and
// its tallies; and it goes on working once a second body is added.
func TestEarlierProfile_OpensAndWorksUnchanged(t *testing.T) {
	dir := t.TempDir()
	p, ms := newSecretary(t, dir)
	start := time.Date(2023, 7, 19, 8, 0, 0, 0, time.UTC)
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: start})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []meetings.Status{meetings.StatusPublished, meetings.StatusInSession} {
		if err := p.SetMeetingStatus(m.ID, to); err != nil {
			t.Fatal(err)
		}
	}
	for _, mem := range ms[:2] {
		if err := p.SetAttendance(m.ID, mem.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour), Policy: "simple-majority"})
	if err != nil {
		t.Fatal(err)
	}
	for _, mem := range ms[:2] {
		if _, err := p.RecordAnswerFor(b.ID, mem.ID, ballots.ChoiceAgree, ""); err != nil {
			t.Fatal(err)
		}
	}
	// The records are shaped as the earlier version wrote them.
	for _, mem := range p.Members() {
		if len(mem.Bodies) != 0 {
			t.Fatalf("member %s has memberships %v; a one-body profile writes none", mem.Name, mem.Bodies)
		}
	}
	if m, _ := p.Meeting(m.ID); m.Body != "" {
		t.Fatalf("meeting body %q", m.Body)
	}
	if b, _ := p.Ballot(b.ID); b.Body != "" {
		t.Fatalf("ballot body %q", b.Body)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	check := func(p *core.Profile, when string) {
		t.Helper()
		if bs := p.Bodies(); len(bs) < 1 || bs[0].ID != meetings.MainBody {
			t.Errorf("%s: bodies %+v, want the main body first", when, bs)
		}
		q, err := p.Quorum(m.ID)
		if err != nil || q.Voters != 3 || q.Present != 2 || !q.Met {
			t.Errorf("%s: quorum %+v %v, want 2 of 3 met", when, q, err)
		}
		res, _, err := p.Tally(b.ID)
		if err != nil || res.Counts[ballots.ChoiceAgree] != 2 || res.Members != 3 {
			t.Errorf("%s: tally %+v %v, want 2 agree of 3", when, res, err)
		}
		if c := p.MembersOf(meetings.MainBody); len(c) != 4 {
			t.Errorf("%s: main body members %d, want 4", when, len(c))
		}
		if !p.IsSecretaryOf(meetings.MainBody) || !p.IsOrgSecretary() {
			t.Errorf("%s: the earlier secretary is no longer the secretariat", when)
		}
	}
	p, err = core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	check(p, "reopened")
	if _, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ sáu", Start: start.AddDate(0, 1, 0)}); err != nil {
		t.Fatalf("one body: a meeting without a body: %v", err)
	}
	// A second body: the earlier members stay in the main body; the chair
	// joins the committee too and chairs it.
	cm, err := p.CreateBody("Ban Chỉ đạo cải cách hành chính")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetMembership(ms[0].ID, cm.ID, meetings.RoleChair); err != nil {
		t.Fatal(err)
	}
	check(p, "with a second body")
	chair, _ := p.Member(ms[0].ID)
	if r, _ := chair.RoleIn(meetings.MainBody); r != meetings.RoleChair || chair.Role != meetings.RoleMember {
		t.Errorf("chair after joining a committee: %+v", chair)
	}
	cb, err := p.IssueBallot(core.BallotInput{Title: "Phiếu Ban", Question: "?", Deadline: time.Now().Add(time.Hour), Body: cm.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(cb.Eligible) != 1 || cb.ChairID != ms[0].ID {
		t.Errorf("committee ballot eligible %v chair %q", cb.Eligible, cb.ChairID)
	}
	if err := p.SetMeetingAudience(m.ID, []string{ms[0].ID, ms[1].ID}, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Meeting(m.ID); !got.Restricted || len(got.Participants) != 2 {
		t.Errorf("audience: %+v", got)
	}
	if err := p.SetMeetingAudience(m.ID, []string{"nobody"}, false); !errors.Is(err, core.ErrNotFound) && core.ErrorKey(err) != "err.body.not_member" {
		t.Errorf("an unknown participant: %v", err)
	}
}
