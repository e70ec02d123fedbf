package core

import (
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
)

func TestAudience_GivenARecordAndAMember_ThenWhetherTheyMaySeeIt(t *testing.T) {
	in := func(body string, r meetings.Role) meetings.Member {
		return meetings.Member{ID: "x", Role: meetings.RoleMember, Bodies: []meetings.Membership{{Body: body, Role: r}}}
	}
	draft := meetings.Meeting{Body: "b1", Status: meetings.StatusDraft}
	published := meetings.Meeting{Body: "b1", Status: meetings.StatusPublished}
	restricted := meetings.Meeting{Body: "b1", Status: meetings.StatusPublished, Restricted: true, Participants: []string{"x"}}
	restrictedOthers := meetings.Meeting{Body: "b1", Status: meetings.StatusPublished, Restricted: true, Participants: []string{"y"}}
	restrictedVoters := meetings.Meeting{Body: "b1", Status: meetings.StatusPublished, Restricted: true}
	ballot := ballots.Ballot{Body: "b1", Eligible: []string{"y"}}
	inB1 := func(string) bool { return true } // every participant belongs to b1
	none := func(string) bool { return false }
	tests := []struct {
		name string
		m    meetings.Member
		a    recordAudience
		want bool
	}{
		{"a member does not see a draft", in("b1", meetings.RoleMember), meetingAudience(draft, inB1), false},
		{"the body's secretary sees a draft", in("b1", meetings.RoleSecretary), meetingAudience(draft, inB1), true},
		{"another body's secretary does not", in("b2", meetings.RoleSecretary), meetingAudience(draft, inB1), false},
		{"the organisation's secretariat does", meetings.Member{ID: "x", Role: meetings.RoleSecretary}, meetingAudience(draft, inB1), true},
		{"a member sees a published meeting of their body", in("b1", meetings.RoleMember), meetingAudience(published, inB1), true},
		{"a guest of the body too", in("b1", meetings.RoleGuest), meetingAudience(published, inB1), true},
		{"not of another body", in("b2", meetings.RoleChair), meetingAudience(published, inB1), false},
		{"a participant sees a restricted meeting", in("b1", meetings.RoleMember), meetingAudience(restricted, inB1), true},
		{"a non-participant does not", in("b1", meetings.RoleMember), meetingAudience(restrictedOthers, inB1), false},
		{"nor does the chair who is not a participant", in("b1", meetings.RoleChair), meetingAudience(restrictedOthers, inB1), false},
		{"the body's secretary does", in("b1", meetings.RoleSecretary), meetingAudience(restrictedOthers, inB1), true},
		{"restricted to nobody named: the body's voters", in("b1", meetings.RoleMember), meetingAudience(restrictedVoters, inB1), true},
		{"but not its guests", in("b1", meetings.RoleGuest), meetingAudience(restrictedVoters, inB1), false},
		{"a removed member sees nothing of the body", func() meetings.Member { m := in("b1", meetings.RoleMember); m.Removed = true; return m }(), meetingAudience(published, inB1), false},
		{"a participant who left the body does not see a restricted meeting", in("b2", meetings.RoleMember), meetingAudience(restricted, none), false},
		{"nor a ballot they were eligible for", meetings.Member{ID: "y", Role: meetings.RoleMember, Removed: true}, ballotAudience(ballot), false},
		{"a member not eligible does not see a ballot", in("b1", meetings.RoleMember), ballotAudience(ballot), false},
		{"the body's chair does", in("b1", meetings.RoleChair), ballotAudience(ballot), true},
		{"an eligible member of another body does", meetings.Member{ID: "y", Role: meetings.RoleMember, Bodies: []meetings.Membership{{Body: "b2", Role: meetings.RoleMember}}}, ballotAudience(ballot), true},
		{"a member made before bodies belongs to the main body", meetings.Member{ID: "x", Role: meetings.RoleMember}, meetingAudience(meetings.Meeting{Status: meetings.StatusPublished}, inB1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := viewerOf(tt.m).sees(tt.a.groups); got != tt.want {
				t.Errorf("sees %v = %v, want %v", tt.a.groups, got, tt.want)
			}
		})
	}
}

// Entries logged before audiences were written down keep their meaning.
func TestEntryGroups_GivenAnOldEntry_ThenReadAsBefore(t *testing.T) {
	if g := entryGroups(LogEntry{}); len(g) != 1 || g[0] != groupEveryone {
		t.Errorf("an old entry for everyone reads %v", g)
	}
	g := entryGroups(LogEntry{Member: "m1"})
	v := viewerOf(meetings.Member{ID: "m2", Role: meetings.RoleChair})
	if !v.sees(g) || viewerOf(meetings.Member{ID: "m3", Role: meetings.RoleMember}).sees(g) || !viewerOf(meetings.Member{ID: "m1", Role: meetings.RoleMember}).sees(g) {
		t.Errorf("an old answer %v: its member and the chair see it, another member does not", g)
	}
}
