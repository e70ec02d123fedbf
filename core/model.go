package core

import (
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"crypto/ed25519"
	"sort"
	"strings"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/store"
)

// model is what the screens list, kept in memory so that a year of data
// scrolls without touching the disk. Answers are not kept: they are read
// (and verified) per ballot when a ballot is opened.
type model struct {
	selfID   string
	members  map[string]meetings.Member
	meetings map[string]meetings.Meeting
	ballots  map[string]ballots.Ballot
	mine     map[string]ballots.Answer
	devices  map[string]ed25519.PublicKey
	bodies   map[string]meetings.Body
	papers   map[string]PaperRecord
}

func newModel() model {
	return model{
		members:  map[string]meetings.Member{},
		meetings: map[string]meetings.Meeting{},
		ballots:  map[string]ballots.Ballot{},
		mine:     map[string]ballots.Answer{},
		devices:  map[string]ed25519.PublicKey{},
		bodies:   map[string]meetings.Body{},
		papers:   map[string]PaperRecord{},
	}
}

func (m *model) load(tx *store.Tx) error {
	if err := eachRecord(tx, store.PrefixMember, func(v meetings.Member) { m.members[v.ID] = v }); err != nil {
		return err
	}
	if err := eachRecord(tx, store.PrefixMeeting, func(v meetings.Meeting) { m.meetings[v.ID] = v }); err != nil {
		return err
	}
	if err := eachRecord(tx, store.PrefixBallot, func(v ballots.Ballot) { m.ballots[v.ID] = v }); err != nil {
		return err
	}
	if err := eachRecord(tx, store.PrefixBody, func(v meetings.Body) { m.bodies[v.ID] = v }); err != nil {
		return err
	}
	if err := eachRecord(tx, store.PrefixPaper, func(v PaperRecord) { m.papers[v.Paper.ID] = v }); err != nil {
		return err
	}
	if err := eachRecord(tx, store.PrefixMine, func(v ballots.Answer) { m.mine[v.BallotID] = v }); err != nil {
		return err
	}
	return tx.Each([]byte(store.PrefixDevice+"/"), func(k, v []byte) error {
		id := strings.TrimPrefix(string(k), store.PrefixDevice+"/")
		m.devices[id] = ed25519.PublicKey(append([]byte(nil), v...))
		return nil
	})
}

func eachRecord[T any](tx *store.Tx, prefix string, fn func(T)) error {
	return tx.Each([]byte(prefix+"/"), func(_, val []byte) error {
		var v T
		if err := codec.Unmarshal(val, &v); err != nil {
			return err
		}
		fn(v)
		return nil
	})
}

var roleOrder = map[meetings.Role]int{meetings.RoleChair: 0, meetings.RoleMember: 1, meetings.RoleSecretary: 2, meetings.RoleGuest: 3}

// memberList returns current members: chair first, then members, then
// secretaries and guests, each by name. A member of several bodies ranks by
// their highest role in any of them (a committee's chair among the chairs).
func (m *model) memberList() []meetings.Member {
	out := make([]meetings.Member, 0, len(m.members))
	for _, v := range m.members {
		if !v.Removed && v.Role != meetings.RoleSystem {
			out = append(out, v)
		}
	}
	sortMembers(out, func(v meetings.Member) int {
		if len(v.Bodies) == 0 || v.Role == meetings.RoleSecretary {
			return roleOrder[v.Role]
		}
		best := len(roleOrder)
		for _, ms := range v.Bodies {
			best = min(best, roleOrder[ms.Role])
		}
		return best
	})
	return out
}

// sortMembers sorts members by rank, then by name (Vietnamese order).
func sortMembers(out []meetings.Member, rank func(meetings.Member) int) {
	col := collate.New(language.Vietnamese)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if c := col.CompareString(a.Name, b.Name); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
}
