package meetings_test

import (
	"fmt"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
)

// committee returns n voters v0..v(n-1), the first one chair, plus a
// secretary, a guest and a removed member, who never count.
func committee(n int) []meetings.Member {
	var out []meetings.Member
	for i := range n {
		role := meetings.RoleMember
		if i == 0 {
			role = meetings.RoleChair
		}
		out = append(out, meetings.Member{ID: fmt.Sprintf("v%d", i), Name: "Voter", Role: role})
	}
	return append(out,
		meetings.Member{ID: "sec", Name: "Thư ký", Role: meetings.RoleSecretary},
		meetings.Member{ID: "guest", Name: "Khách mời", Role: meetings.RoleGuest},
		meetings.Member{ID: "gone", Name: "Former", Role: meetings.RoleMember, Removed: true},
	)
}

// presentIDs returns v0..v(k-1) plus the non-voters, who attend too.
func presentIDs(k int) []string {
	out := []string{"sec", "guest", "gone"}
	for i := range k {
		out = append(out, fmt.Sprintf("v%d", i))
	}
	return out
}

func TestQuorum(t *testing.T) {
	tests := []struct {
		name         string
		voters       int
		participants []string
		present      []string
		q            meetings.Fraction
		want         meetings.QuorumStatus
	}{
		{"given 20 voters and 14 present when two thirds then needs 14 and met", 20, nil, presentIDs(14), meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 14, Voters: 20, Needed: 14, Met: true}},
		{"given 20 voters and 13 present when two thirds then not met", 20, nil, presentIDs(13), meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 13, Voters: 20, Needed: 14, Met: false}},
		{"given 3 voters when two thirds then needs 2", 3, nil, presentIDs(2), meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 2, Voters: 3, Needed: 2, Met: true}},
		{"given 21 voters when two thirds then needs exactly 14", 21, nil, presentIDs(14), meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 14, Voters: 21, Needed: 14, Met: true}},
		{"given no quorum when nobody present then met", 5, nil, nil, meetings.Fraction{},
			meetings.QuorumStatus{Present: 0, Voters: 5, Needed: 0, Met: true}},
		{"given half of 5 when 3 present then needs 3 and met", 5, nil, presentIDs(3), meetings.Fraction{Num: 1, Den: 2},
			meetings.QuorumStatus{Present: 3, Voters: 5, Needed: 3, Met: true}},
		{"given participants when some invited voters present then only invited voters count", 10,
			[]string{"v0", "v1", "v2", "sec", "guest"}, presentIDs(10), meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 3, Voters: 3, Needed: 2, Met: true}},
		{"given duplicate present IDs when counted then once", 3, nil, []string{"v0", "v0", "v0"}, meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 1, Voters: 3, Needed: 2, Met: false}},
		{"given no voters when two thirds then needs 0", 0, nil, presentIDs(0), meetings.DefaultQuorum,
			meetings.QuorumStatus{Present: 0, Voters: 0, Needed: 0, Met: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := meetings.Meeting{Participants: tt.participants, Present: tt.present}
			if got := meetings.Quorum(m, committee(tt.voters), tt.q); got != tt.want {
				t.Fatalf("Quorum = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFractionNeeded_GivenAnyN_ThenSmallestIntegerAtLeastTheShare(t *testing.T) {
	for _, f := range []meetings.Fraction{{1, 2}, {2, 3}, {3, 4}, {1, 1}, {1, 3}} {
		for n := range 200 {
			k := f.Needed(n)
			// k/n ≥ Num/Den and (k-1)/n < Num/Den.
			if k*f.Den < f.Num*n || (k > 0 && (k-1)*f.Den >= f.Num*n) {
				t.Fatalf("%v of %d: Needed = %d", f, n, k)
			}
		}
	}
}

func TestFractionValid(t *testing.T) {
	tests := []struct {
		f    meetings.Fraction
		want bool
	}{
		{meetings.Fraction{}, true},
		{meetings.Fraction{Num: 2, Den: 3}, true},
		{meetings.Fraction{Num: 1, Den: 1}, true},
		{meetings.Fraction{Num: 0, Den: 3}, false},
		{meetings.Fraction{Num: 4, Den: 3}, false},
		{meetings.Fraction{Num: 1, Den: 0}, false},
		{meetings.Fraction{Num: -1, Den: 2}, false},
		{meetings.Fraction{Num: -1, Den: -2}, false},
	}
	for _, tt := range tests {
		if got := tt.f.Valid(); got != tt.want {
			t.Errorf("given %+v when checked then Valid = %v, want %v", tt.f, got, tt.want)
		}
	}
}
