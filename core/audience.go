package core

import (
	"errors"
	"slices"
	"strings"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// Who may see what. The hub decides, when it appends an operation to its
// log, who may receive it, and writes that down as a small set of groups
// (LogEntry.Groups) rather than as a list of members: membership changes
// later, and the groups of an entry stay true of the moment it was made.
//
//	"*"        everyone
//	"b/<body>" the members of a body, whatever their role there
//	"v/<body>" the voting members of a body (chair and members)
//	"s/<body>" the secretariat of a body
//	"c/<body>" the chair of a body
//	"m/<id>"   one member
//	"o/<id>"   one member's own devices and nobody else: not even the
//	           organisation's secretariat, who reads the rest of the log
//	           (private notes, ops.ToSelf)
//
// A member reads the groups viewerOf gives them; the organisation's
// secretariat (and the hub's system member) read the whole log. Pulling
// reads one index stream per group (hub.go), so a member of one body out of
// ten never reads the entries of the other nine.
//
// Who may see a record is one function per record type (recordAudiences);
// how a kind's audience rule (ops.Spec.Audience) turns into groups is one
// entry per rule (audienceRules). When an operation changes who may see a
// record, the hub tells the members who joined and left (reveal.go).

const groupEveryone = "*"

func groupBody(body string) string        { return "b/" + meetings.BodyOf(body) }
func groupVoters(body string) string      { return "v/" + meetings.BodyOf(body) }
func groupSecretariat(body string) string { return "s/" + meetings.BodyOf(body) }
func groupChair(body string) string       { return "c/" + meetings.BodyOf(body) }
func groupMember(id string) string        { return "m/" + id }
func groupOwn(id string) string           { return "o/" + id }

// groupHub is a group no member belongs to: what only the hub (and the
// organisation's secretariat, which reads the whole log) needs.
const groupHub = "h"

// viewer is what one member may read of the hub's log.
type viewer struct {
	all    bool     // the organisation's secretariat: everything
	groups []string // otherwise, the groups they read (sorted)
	// removed: a member who left the organisation reads what is addressed
	// to everyone and to them (withdrawals come that way) but may see no
	// record but the organisation-wide ones, a ballot they were eligible
	// for included.
	removed bool
	// self is the member's ID: an "o/" group is only ever its member's.
	self string
}

// viewerOf gives the groups a member belongs to now. A removed member keeps
// only what is addressed to everyone and to them by name (which is how
// their devices hear that they may no longer see the rest).
func viewerOf(m meetings.Member) viewer {
	if orgSecretariat(m) {
		return viewer{all: true, self: m.ID}
	}
	g := []string{groupEveryone, groupMember(m.ID), groupOwn(m.ID)}
	if !m.Removed {
		for _, ms := range m.Memberships() {
			g = append(g, groupBody(ms.Body))
			if ms.Role.Votes() {
				g = append(g, groupVoters(ms.Body))
			}
			switch ms.Role {
			case meetings.RoleSecretary:
				g = append(g, groupSecretariat(ms.Body))
			case meetings.RoleChair:
				g = append(g, groupChair(ms.Body))
			}
		}
	}
	slices.Sort(g)
	return viewer{groups: slices.Compact(g), removed: m.Removed, self: m.ID}
}

// sees reports whether the viewer may see what is addressed to groups.
func (v viewer) sees(groups []string) bool {
	if v.all {
		return !othersOwn(groups, v.self)
	}
	if v.removed {
		return slices.Contains(groups, groupEveryone)
	}
	for _, g := range groups {
		if _, ok := slices.BinarySearch(v.groups, g); ok {
			return true
		}
	}
	return false
}

// othersOwn reports whether groups are only other members' own groups: an
// entry nobody but those members reads, however much else one may read.
func othersOwn(groups []string, self string) bool {
	if len(groups) == 0 {
		return false
	}
	for _, g := range groups {
		if !strings.HasPrefix(g, "o/") || g == groupOwn(self) {
			return false
		}
	}
	return true
}

func (v viewer) equal(w viewer) bool {
	return v.all == w.all && v.removed == w.removed && slices.Equal(v.groups, w.groups)
}

// recordAudience is who may see one record as the hub holds it now.
type recordAudience struct {
	exists bool
	body   string   // the body it belongs to ("" for organisation-wide records)
	groups []string // sorted
}

// recordAudiences holds, per record type, who may see a record: its
// current stored state decides (a draft meeting, a restricted one …). A
// record type with no entry here is not sent to anyone by a ToRecord rule.
var recordAudiences = map[ops.RecordType]func(tx *txn, id string) (recordAudience, error){
	// Organisation-wide records: everyone needs to know the members (names
	// on every screen), the bodies, and the devices (to check signatures).
	ops.RecordMember: everyoneRecord(store.PrefixMember),
	ops.RecordBody:   everyoneRecord(store.PrefixBody),
	ops.RecordMeeting: func(tx *txn, id string) (recordAudience, error) {
		var m meetings.Meeting
		if err := tx.Get(store.Key(store.PrefixMeeting, id), &m); err != nil {
			return recordAudience{}, notFoundIsNone(err)
		}
		return meetingAudience(m, belongsIn(tx, m.Body)), nil
	},
	ops.RecordBallot: func(tx *txn, id string) (recordAudience, error) {
		var b ballots.Ballot
		if err := tx.Get(store.Key(store.PrefixBallot, id), &b); err != nil {
			return recordAudience{}, notFoundIsNone(err)
		}
		return ballotAudience(b), nil
	},
}

func everyoneRecord(prefix string) func(tx *txn, id string) (recordAudience, error) {
	return func(tx *txn, id string) (recordAudience, error) {
		ok, err := tx.Has(store.Key(prefix, id))
		return recordAudience{exists: ok, groups: []string{groupEveryone}}, err
	}
}

func notFoundIsNone(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// belongsIn reports, from the hub's state in tx, whether a member belongs
// to body now.
func belongsIn(tx *txn, body string) func(id string) bool {
	return func(id string) bool {
		var m meetings.Member
		if tx.Get(store.Key(store.PrefixMember, id), &m) != nil {
			return false
		}
		_, ok := m.RoleIn(body)
		return ok
	}
}

// meetingAudience: a draft meeting (with its agenda) is the body's
// secretariat's until it is published; a restricted (mật) one is for those
// of its participants who belong to the body (every voting member of the
// body when none are named) and the secretariat; any other reaches the
// whole body. belongs says whether a member belongs to the meeting's body:
// a participant who has left the body no longer receives it.
func meetingAudience(m meetings.Meeting, belongs func(id string) bool) recordAudience {
	body := meetings.BodyOf(m.Body)
	a := recordAudience{exists: true, body: body}
	switch {
	case m.Status == meetings.StatusDraft:
		a.groups = []string{groupSecretariat(body)}
	case m.Restricted && len(m.Participants) == 0:
		a.groups = []string{groupSecretariat(body), groupVoters(body)}
	case m.Restricted:
		a.groups = []string{groupSecretariat(body)}
		for _, id := range m.Participants {
			if belongs(id) {
				a.groups = append(a.groups, groupMember(id))
			}
		}
	default:
		a.groups = []string{groupBody(body)}
	}
	slices.Sort(a.groups)
	a.groups = slices.Compact(a.groups)
	return a
}

// ballotAudience: a ballot reaches the members who may answer it, the
// body's chair and its secretariat.
func ballotAudience(b ballots.Ballot) recordAudience {
	body := meetings.BodyOf(b.Body)
	a := recordAudience{exists: true, body: body, groups: []string{groupSecretariat(body), groupChair(body)}}
	for _, id := range b.Eligible {
		a.groups = append(a.groups, groupMember(id))
	}
	slices.Sort(a.groups)
	a.groups = slices.Compact(a.groups)
	return a
}

// ownAudience: records whose audience is their own, not everyone's (a
// meeting, a ballot; papers will be another). Ops on such a record need it
// on the device (a device without it passes over them, sync.go), hang from
// it (hub.go's record index, which reveals re-send), and can change who
// sees it (reveal.go).
func ownAudience(t ops.RecordType) bool { return t == ops.RecordMeeting || t == ops.RecordBallot }

// audienceOf is who may see a record now.
func audienceOf(tx *txn, t ops.RecordType, id string) (recordAudience, error) {
	f, ok := recordAudiences[t]
	if !ok || id == "" {
		return recordAudience{}, nil
	}
	return f(tx, id)
}

// audienceRules turns each kind's audience rule into the groups an entry
// is addressed to, reading the hub's state after the op applied. A new
// rule (papers' ToPaperList: the paper's distribution list and its body's
// secretariat) is one entry here.
var audienceRules = map[ops.Audience]func(tx *txn, rec ops.Record) ([]string, error){
	ops.ToEveryone: func(*txn, ops.Record) ([]string, error) { return []string{groupEveryone}, nil },
	ops.ToRecord: func(tx *txn, rec ops.Record) ([]string, error) {
		a, err := audienceOf(tx, rec.Type, rec.ID)
		return a.groups, err
	},
	ops.ToOwner: ownerAudience,
	// papers_audience.go: the paper's list and its body's secretariat.
	ops.ToPaperList: paperListGroups,
	// notes.go: a member's private notes and their key.
	ops.ToSelf: selfAudience,
	// receipts.go: the reader and the paper's body's secretariat.
	ops.ToReader: paperReaderGroups,
	ops.ToNamed: func(_ *txn, rec ops.Record) ([]string, error) {
		if len(rec.To) == 0 {
			// A reveal addressed to nobody (the reveal queue's bookkeeping,
			// reveal.go) is for no device: only the log's readers see it.
			return []string{groupHub}, nil
		}
		var g []string
		for _, id := range rec.To {
			g = append(g, groupMember(id))
		}
		return g, nil
	},
}

// ownerAudience: a member's private record hanging from a meeting or a
// ballot (a consent mark, an answer) reaches that member, the body's
// secretariat, and its chair when the chair may see the record it hangs
// from (not a restricted meeting the chair does not take part in).
func ownerAudience(tx *txn, rec ops.Record) ([]string, error) {
	parent, err := audienceOf(tx, rec.Type, rec.ID)
	if err != nil {
		return nil, err
	}
	body := parent.body
	g := []string{groupMember(rec.Owner), groupSecretariat(body)}
	chair := false
	for _, pg := range parent.groups {
		switch {
		case pg == groupBody(body) || pg == groupVoters(body) || pg == groupChair(body):
			chair = true
		case strings.HasPrefix(pg, "m/"):
			// A named participant who chairs the body sees the marks as
			// the chair; named by ID, since the group is "the chair".
			var m meetings.Member
			if err := tx.Get(store.Key(store.PrefixMember, strings.TrimPrefix(pg, "m/")), &m); err == nil {
				if r, ok := m.RoleIn(body); ok && r == meetings.RoleChair {
					g = append(g, pg)
				}
			}
		}
	}
	if chair {
		g = append(g, groupChair(body))
	}
	slices.Sort(g)
	return slices.Compact(g), nil
}

// logGroups is the audience of an op the hub is about to log, from its
// kind's rule and the hub's state after it applied. A kind whose rule has
// no entry is an error, never "everyone".
func logGroups(tx *txn, op ops.Op) ([]string, error) {
	spec, rec, ok := ops.RecordOf(op)
	if !ok {
		return nil, errors.New("hub: cannot name the record of a logged op")
	}
	rule, ok := audienceRules[spec.Audience]
	if !ok {
		return nil, errors.New("hub: no audience rule for kind " + string(op.Kind))
	}
	return rule(tx, rec)
}

// entryGroups is the audience of a log entry. Entries logged before
// audiences were written down name a member for a private record (an
// answer or mark of the one body there was) and nobody for the rest.
func entryGroups(e LogEntry) []string {
	switch {
	case len(e.Groups) > 0:
		return e.Groups
	case e.Member == "":
		return []string{groupEveryone}
	default:
		return []string{groupMember(e.Member), groupChair(meetings.MainBody), groupSecretariat(meetings.MainBody)}
	}
}
