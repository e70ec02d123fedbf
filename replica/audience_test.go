package replica_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica/replicatest"
	"github.com/ecabinet/ecabinet/yeardata"
)

// The property of issue 9: whatever happens, in whatever order devices
// sync, each device ends up holding exactly what its member may see of the
// hub's state. The expected share (share below) is written from the domain
// rules, not from core's audience code, so that a mistake there shows.

var seedFlag = flag.Uint64("seed", 0, "run the audience property test with this seed only (0: the fixed set)")

func TestAudience_GivenRandomOperations_ThenEachDeviceHoldsExactlyItsShare(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if *seedFlag != 0 {
		seeds = []uint64{*seedFlag}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) { runAudienceProperty(t, seed) })
	}
}

// world is the test's view of one organisation: the hub, the secretariat's
// device and every member's devices.
type world struct {
	t       *testing.T
	r       *rand.Rand
	hub     *replicatest.Hub
	sec     *core.Profile
	bodies  []string
	members []string
	devices map[string][]*core.Profile
	log     []string // what happened, printed when the property fails
	removed string   // the member who has left the organisation, if one has
}

func (w *world) did(format string, a ...any) { w.log = append(w.log, fmt.Sprintf(format, a...)) }

func (w *world) pick(n int) int { return w.r.IntN(n) }

func runAudienceProperty(t *testing.T, seed uint64) {
	hub, init := startHub(t)
	w := &world{t: t, r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), hub: hub, devices: map[string][]*core.Profile{}}
	w.sec = hub.Enroll(t, init.Invite)
	w.bodies = []string{meetings.MainBody}
	for _, name := range []string{"Ban Chỉ đạo cải cách hành chính", "Ban Chỉ đạo chuyển đổi số"} {
		b, err := w.sec.CreateBody(name)
		if err != nil {
			t.Fatal(err)
		}
		w.bodies = append(w.bodies, b.ID)
	}
	// Nine members: each body has a chair, a secretary and members, some
	// of whom belong to two bodies.
	names := []string{"Phạm Minh Chính", "Trần Hồng Hà", "Lê Thành Long", "Hồ Đức Phớc", "Bùi Thanh Sơn",
		"Nguyễn Hòa Bình", "Mai Văn Chính", "Trần Văn Sơn", "Nguyễn Chí Dũng"}
	for i, name := range names {
		body := w.bodies[i%3]
		role := meetings.RoleMember
		switch i / 3 {
		case 0:
			role = meetings.RoleChair
		case 1:
			role = meetings.RoleSecretary
		}
		ms := []meetings.Membership{{Body: body, Role: role}}
		if i%2 == 0 {
			ms = append(ms, meetings.Membership{Body: w.bodies[(i+1)%3], Role: meetings.RoleMember})
		}
		m, err := w.sec.AddMember(meetings.Member{Name: name, Role: meetings.RoleMember, Bodies: ms})
		if err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, m.ID)
	}
	replicatest.Sync(t, w.sec)
	for _, id := range w.members {
		w.devices[id] = []*core.Profile{hub.EnrollMember(t, id)}
	}
	for step := 0; step < 60; step++ {
		w.step()
	}
	w.settle()
	w.check()
}

// step does one random thing.
func (w *world) step() {
	t := w.t
	switch k := w.pick(12); k {
	case 0, 1: // a draft meeting with its agenda
		body := w.bodies[w.pick(len(w.bodies))]
		m, err := w.sec.CreateMeeting(core.MeetingInput{Title: fmt.Sprintf("Phiên họp %d", len(w.log)), Start: time.Now().Add(72 * time.Hour), Body: body})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.sec.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Tờ trình về đề án"}); err != nil {
			t.Fatal(err)
		}
		w.did("create meeting %s in %s", m.ID, body)
	case 2: // publish a draft
		if m, ok := w.someMeeting(func(m meetings.Meeting) bool { return m.Status == meetings.StatusDraft }); ok {
			if err := w.sec.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
				t.Fatal(err)
			}
			w.did("publish %s", m.ID)
		}
	case 3: // restrict a meeting to some of its body's voters, or lift it
		if m, ok := w.someMeeting(func(m meetings.Meeting) bool { return m.Status != meetings.StatusClosed }); ok {
			restricted := w.pick(4) != 0
			var who []string
			if restricted {
				who = w.someVoters(m.Body)
			}
			if err := w.sec.SetMeetingAudience(m.ID, who, restricted); err != nil {
				t.Fatal(err)
			}
			w.did("audience of %s: %v restricted=%v", m.ID, who, restricted)
		}
	case 4: // a ballot to some of a body's voters
		body := w.bodies[w.pick(len(w.bodies))]
		who := w.someVoters(body)
		if len(who) == 0 {
			return
		}
		b, err := w.sec.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua?", Deadline: time.Now().Add(48 * time.Hour), Eligible: who, Body: body})
		if err != nil {
			t.Fatal(err)
		}
		w.did("issue ballot %s in %s to %v", b.ID, body, who)
	case 5, 6: // a member answers a ballot their device holds
		id := w.members[w.pick(len(w.members))]
		devs := w.devices[id]
		dev := devs[w.pick(len(devs))]
		for _, b := range dev.Ballots() {
			if b.Status == ballots.StatusOpen && slices.Contains(b.Eligible, id) {
				if _, err := dev.AnswerBallot(b.ID, ballots.ChoiceAgree, ""); err != nil {
					t.Fatalf("answer %s: %v", b.ID, err)
				}
				w.did("%s answers %s", id, b.ID)
				break
			}
		}
	case 7: // close a ballot
		for _, b := range w.sec.Ballots() {
			if b.Status == ballots.StatusOpen && w.pick(2) == 0 {
				if err := w.sec.CloseBallot(b.ID); err != nil {
					t.Fatal(err)
				}
				w.did("close %s", b.ID)
				break
			}
		}
	case 8: // a member joins a body, or leaves one
		id := w.members[w.pick(len(w.members))]
		m, err := w.sec.Member(id)
		if err != nil {
			t.Fatal(err)
		}
		body := w.bodies[w.pick(len(w.bodies))]
		i := slices.IndexFunc(m.Bodies, func(ms meetings.Membership) bool { return ms.Body == body })
		switch {
		case i >= 0 && len(m.Bodies) > 1:
			m.Bodies = slices.Delete(slices.Clone(m.Bodies), i, i+1)
			w.did("%s leaves %s", id, body)
		case i < 0:
			role := []meetings.Role{meetings.RoleMember, meetings.RoleSecretary, meetings.RoleChair}[w.pick(3)]
			m.Bodies = append(slices.Clone(m.Bodies), meetings.Membership{Body: body, Role: role})
			w.did("%s joins %s as %s", id, body, role)
		default:
			return
		}
		if err := w.sec.UpdateMember(m); err != nil {
			t.Fatal(err)
		}
	case 9: // a second device, or (once) a member leaves the organisation
		if w.pick(4) == 0 && w.removed == "" {
			id := w.members[w.pick(len(w.members))]
			if err := w.sec.RemoveMember(id); err != nil {
				t.Fatal(err)
			}
			w.removed = id
			w.did("%s leaves the organisation", id)
			return
		}
		id := w.members[w.pick(len(w.members))]
		if len(w.devices[id]) < 2 && id != w.removed {
			replicatest.Sync(t, w.sec) // the hub knows the member's latest state
			w.devices[id] = append(w.devices[id], w.hub.EnrollMember(t, id))
			w.did("second device for %s", id)
		}
	default: // someone syncs
		if w.pick(3) == 0 {
			replicatest.Sync(t, w.sec)
			w.did("secretariat syncs")
			return
		}
		id := w.members[w.pick(len(w.members))]
		devs := w.devices[id]
		replicatest.Sync(t, devs[w.pick(len(devs))])
		w.did("%s syncs", id)
	}
}

func (w *world) someMeeting(ok func(meetings.Meeting) bool) (meetings.Meeting, bool) {
	var c []meetings.Meeting
	for _, m := range w.sec.Meetings() {
		if ok(m) {
			c = append(c, m)
		}
	}
	if len(c) == 0 {
		return meetings.Meeting{}, false
	}
	return c[w.pick(len(c))], true
}

// someVoters picks a few of a body's voting members, as the secretariat's
// device knows them.
func (w *world) someVoters(body string) []string {
	var out []string
	for _, m := range meetings.InBody(w.sec.Members(), body) {
		if m.Role.Votes() && !m.Removed && w.pick(2) == 0 {
			out = append(out, m.ID)
		}
	}
	return out
}

// settle syncs everyone until the hub's results are out and every device
// has pulled everything.
func (w *world) settle() {
	for _, devs := range w.devices {
		for _, d := range devs {
			replicatest.Sync(w.t, d)
		}
	}
	replicatest.Sync(w.t, w.sec)
	if _, err := w.hub.P.HubPublishResults(); err != nil {
		w.t.Fatal(err)
	}
	replicatest.Sync(w.t, w.sec)
	for _, devs := range w.devices {
		for _, d := range devs {
			replicatest.Sync(w.t, d)
		}
	}
}

// share is what a member may see, from the domain rules: a body's records
// go to its members; a draft meeting only to its body's secretariat; a
// restricted meeting to its participants (every voter of the body when it
// names none) and the secretariat; a ballot to its eligible members, the
// body's chair and secretariat; the answers to a ballot to their member,
// the chair and the secretariat, and to every holder of the ballot once
// its signed result (which carries them) is out; a member who has left the
// organisation sees none of it.
type share struct {
	meetings map[string]meetings.Meeting
	ballots  map[string]ballots.Ballot
	answers  map[string][]string // ballot → answer IDs, sorted
	results  map[string]bool
}

func (w *world) share(m meetings.Member) share {
	hub := w.hub.P
	role := map[string]meetings.Role{}
	if !m.Removed {
		for _, ms := range m.Bodies {
			role[ms.Body] = ms.Role
		}
	}
	s := share{meetings: map[string]meetings.Meeting{}, ballots: map[string]ballots.Ballot{}, answers: map[string][]string{}, results: map[string]bool{}}
	// The organisation's secretariat (own role secretary: the Government's
	// secretary becomes it, core/members.go orgRole) sees every body's
	// records, as the hub does.
	org := !m.Removed && m.Role == meetings.RoleSecretary
	for _, mt := range hub.Meetings() {
		body := mt.Body
		if body == "" {
			body = meetings.MainBody
		}
		r, in := role[body]
		see := false
		switch {
		case org:
			see = true
		case !in:
		case mt.Status == meetings.StatusDraft:
			see = r == meetings.RoleSecretary
		case mt.Restricted:
			see = r == meetings.RoleSecretary || slices.Contains(mt.Participants, m.ID) ||
				(len(mt.Participants) == 0 && (r == meetings.RoleChair || r == meetings.RoleMember))
		default:
			see = true
		}
		if see {
			s.meetings[mt.ID] = mt
		}
	}
	for _, b := range hub.Ballots() {
		body := b.Body
		if body == "" {
			body = meetings.MainBody
		}
		r, in := role[body]
		staff := org || (in && (r == meetings.RoleChair || r == meetings.RoleSecretary))
		if m.Removed || (!staff && !slices.Contains(b.Eligible, m.ID)) {
			continue
		}
		s.ballots[b.ID] = b
		_, result := hub.BallotResult(b.ID)
		s.results[b.ID] = result
		all, err := hub.Answers(b.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		var ids []string
		for _, a := range all {
			if staff || result || a.MemberID == m.ID {
				ids = append(ids, a.ID)
			}
		}
		sort.Strings(ids)
		s.answers[b.ID] = ids
	}
	return s
}

// check compares every device with its member's share of the hub.
func (w *world) check() {
	t := w.t
	failed := false
	for id, devs := range w.devices {
		m, err := w.hub.P.Member(id) // removed ones too
		if err != nil {
			t.Fatal(err)
		}
		want := w.share(m)
		for n, d := range devs {
			where := fmt.Sprintf("member %s device %d", id, n+1)
			got := map[string]meetings.Meeting{}
			for _, m := range d.Meetings() {
				got[m.ID] = m
			}
			if !reflect.DeepEqual(got, want.meetings) {
				failed = true
				t.Errorf("%s: meetings %v, want %v", where, keys(got), keys(want.meetings))
				for k, v := range want.meetings {
					if g, ok := got[k]; ok && !reflect.DeepEqual(g, v) {
						t.Errorf("%s: meeting %s is %+v, want %+v", where, k, g, v)
					}
				}
			}
			gotB := map[string]ballots.Ballot{}
			for _, b := range d.Ballots() {
				gotB[b.ID] = b
			}
			if !reflect.DeepEqual(gotB, want.ballots) {
				failed = true
				t.Errorf("%s: ballots %v, want %v", where, keys(gotB), keys(want.ballots))
			}
			for _, b := range w.hub.P.Ballots() {
				as, err := d.Answers(b.ID)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, a := range as {
					ids = append(ids, a.ID)
				}
				sort.Strings(ids)
				if !slices.Equal(ids, want.answers[b.ID]) {
					failed = true
					t.Errorf("%s: answers to %s %v, want %v", where, b.ID, ids, want.answers[b.ID])
				}
				if _, ok := d.BallotResult(b.ID); ok != want.results[b.ID] {
					failed = true
					t.Errorf("%s: result of %s held %v, want %v", where, b.ID, ok, want.results[b.ID])
				}
			}
		}
	}
	// The secretariat sees everything.
	if got, want := len(w.sec.Meetings()), len(w.hub.P.Meetings()); got != want {
		failed = true
		t.Errorf("secretariat holds %d meetings, the hub %d", got, want)
	}
	if failed {
		for _, l := range w.log {
			t.Log(l)
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A member who does not receive the others' answers is never shown a
// false tally: only their own answer, and the hub's running count without
// names when the secretariat chose to share it; the chair sees everything.
func TestAudience_GivenABallotSharingItsCount_ThenMembersSeeTheCountNotTheAnswers(t *testing.T) {
	c := newCommittee(t)
	counted, err := c.sec1.IssueBallot(core.BallotInput{Title: "Phiếu có đếm", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour),
		Eligible: []string{c.chair.ID, c.mA.ID, c.ineligibleID}, Progress: ballots.ProgressCount})
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.sec1)
	replicatest.Sync(t, c.b)
	replicatest.Sync(t, c.a)
	if _, err := c.a.AnswerBallot(counted.ID, ballots.ChoiceAgree, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.a.AnswerBallot(c.ballotID, ballots.ChoiceAgree, ""); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, c.a)
	replicatest.Sync(t, c.b)
	v, err := c.b.AnswersShown(counted.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.All || v.Progress == nil || v.Progress.Answered != 1 || v.Progress.Of != 3 {
		t.Fatalf("member B's view of the counted ballot: %+v (progress %+v), want the hub's count 1/3", v, v.Progress)
	}
	if as, _ := c.b.Answers(counted.ID); len(as) != 0 {
		t.Fatalf("member B holds %d of the others' answers", len(as))
	}
	// The ballot that keeps its count hidden gives nothing of the others.
	replicatest.Sync(t, c.a)
	if v, err := c.a.AnswersShown(c.ballotID); err != nil || v.All || v.Progress != nil {
		t.Fatalf("member A's view of the hidden ballot: %+v, %v; want nothing of the others", v, err)
	}
	chair := enrollChair(t, c)
	replicatest.Sync(t, chair)
	if v, err := chair.AnswersShown(counted.ID); err != nil || !v.All {
		t.Fatalf("the chair's view: %+v, %v; want every answer", v, err)
	}
	if as, _ := chair.Answers(counted.ID); len(as) != 1 {
		t.Fatalf("the chair holds %d answers, want 1", len(as))
	}
}

// A member who joins a body after months of its work receives all of it at
// once: hundreds of reveals, more than one store transaction holds (Badger
// refuses a transaction past about a seventh of its memtable). The hub
// makes them in transactions of bounded size after the one that records
// the membership, and the newcomer's device ends with exactly its share.
func TestAudience_GivenAMemberJoiningABodyWithManyRecords_ThenTheirDeviceGetsAllOfItsShare(t *testing.T) {
	hub, init := startHub(t)
	w := &world{t: t, hub: hub, devices: map[string][]*core.Profile{}}
	w.sec = hub.Enroll(t, init.Invite)
	// The body's months: 30 meetings × 8 items, 600 ballots × 6 answers,
	// closed, imported as its devices had pushed them.
	data, err := yeardata.Generate(init.SecretaryID, yeardata.Size{Meetings: 30, ItemsPerMeet: 8, Ballots: 600, Members: 6, Body: "bcd"}, 9)
	if err != nil {
		t.Fatal(err)
	}
	if err := hub.P.EnrollDevice(init.SecretaryID, data.Secretary.Pub); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(data.Ops); i += 200 {
		vs, err := hub.P.HubImport(data.Ops[i:min(i+200, len(data.Ops))])
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if !v.Accepted() {
				t.Fatalf("hub refused a generated op: %+v", v)
			}
		}
	}
	replicatest.Sync(t, w.sec)
	// Two newcomers from the Government: one joins as the body's
	// secretary (every ballot with every answer), one as a member (the
	// published meetings); and one of the body's own members.
	for _, name := range []string{"Trần Hồng Hà", "Lê Thành Long"} {
		m, err := w.sec.AddMember(meetings.Member{Name: name, Role: meetings.RoleMember, Bodies: []meetings.Membership{{Body: meetings.MainBody, Role: meetings.RoleMember}}})
		if err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, m.ID)
	}
	w.members = append(w.members, "bcd-m001")
	replicatest.Sync(t, w.sec)
	for _, id := range w.members {
		d := hub.EnrollMember(t, id)
		replicatest.Sync(t, d)
		w.devices[id] = []*core.Profile{d}
	}
	if n := len(w.devices[w.members[0]][0].Ballots()); n != 0 {
		t.Fatalf("before joining, the newcomer holds %d of the body's ballots", n)
	}
	head, err := hub.P.HubHead()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.sec.SetMembership(w.members[0], "bcd", meetings.RoleSecretary); err != nil {
		t.Fatal(err)
	}
	if err := w.sec.SetMembership(w.members[1], "bcd", meetings.RoleMember); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, w.sec)
	// A reveal per record, each its own entry in the hub's log.
	after, err := hub.P.HubHead()
	if err != nil {
		t.Fatal(err)
	}
	if after-head < 600+30 {
		t.Fatalf("the hub logged %d entries for the two memberships, want a reveal per record (at least %d)", after-head, 630)
	}
	w.settle()
	w.check()
	if got := len(w.devices[w.members[0]][0].Ballots()); got != 600 {
		t.Errorf("the body's new secretary holds %d ballots, want 600", got)
	}
	if got := len(w.devices[w.members[1]][0].Meetings()); got != 30 {
		t.Errorf("the body's new member holds %d meetings, want 30", got)
	}
}
