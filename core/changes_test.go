package core_test

import (
	"errors"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// secretaryPair is one secretary enrolled on two devices with a real hub
// served over TLS on 127.0.0.1, and a meeting both devices hold.
type secretaryPair struct {
	hub        *core.Profile
	sec1, sec2 *core.Profile
	meeting    meetings.Meeting
}

var changesStart = time.Date(2031, 7, 19, 1, 0, 0, 0, time.UTC)

func newSecretaryPair(t *testing.T) *secretaryPair {
	t.Helper()
	hub := replicatest.Start(t, pass, replicatest.Options{})
	sp := &secretaryPair{hub: hub.P}
	sp.sec1 = hub.Enroll(t, hub.Init.Invite)
	syncDev(t, sp.sec1)
	var err error
	sp.meeting, err = sp.sec1.CreateMeeting(core.MeetingInput{Title: "Phiên họp thứ năm", Start: changesStart, Place: "Trụ sở Chính phủ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.sec1.AddAgendaItem(sp.meeting.ID, meetings.AgendaItem{Title: "Khai mạc", Presenter: "Thủ tướng", Minutes: 10}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	sp.sec2 = hub.EnrollMember(t, hub.Init.SecretaryID)
	syncDev(t, sp.sec2)
	sp.meeting, _ = sp.sec2.Meeting(sp.meeting.ID)
	return sp
}

// syncDev runs one sync round and returns what the hub refused.
func syncDev(t *testing.T, p *core.Profile) []core.Verdict {
	t.Helper()
	return replicatest.Sync(t, p).Rejected
}

// refusedOne returns the one unresolved refusal of p, as a merge reads it.
func refusedOne(t *testing.T, p *core.Profile) core.RefusedEdit {
	t.Helper()
	rejs, err := p.UnresolvedRejections()
	if err != nil || len(rejs) != 1 || !core.Mergeable(rejs[0]) {
		t.Fatalf("unresolved refusals %+v, %v; want one stale edit", rejs, err)
	}
	re, err := p.RefusedEdit(rejs[0].DevSeq)
	if err != nil {
		t.Fatal(err)
	}
	return re
}

func TestMergeRefused_StaleMeetingEditMergedFieldByField(t *testing.T) {
	type edit struct{ title, place string }
	tests := []struct {
		name       string
		first      edit            // the edit that reaches the hub first (sec1)
		second     edit            // the stale one (sec2), "" keeps a field
		conflicts  map[string]bool // field → Changed by the secretary, for the fields that differ
		pick       map[string]bool // the fields sec2 keeps its own value for
		wantTitle  string
		wantPlace  string
		wantMerged bool
	}{
		{
			name:      "given both retitled when the second keeps its title then its title wins",
			first:     edit{title: "Phiên họp thứ năm (bản của thư ký 1)"},
			second:    edit{title: "Phiên họp thứ năm (bản của thư ký 2)"},
			conflicts: map[string]bool{core.FieldTitle: true},
			pick:      map[string]bool{core.FieldTitle: true},
			wantTitle: "Phiên họp thứ năm (bản của thư ký 2)", wantPlace: "Trụ sở Chính phủ", wantMerged: true,
		},
		{
			name:      "given one moved the place and the other retitled when each keeps what it changed then both changes stay",
			first:     edit{place: "Hội trường Văn phòng Chính phủ"},
			second:    edit{title: "Phiên họp thứ năm Ban Chỉ đạo"},
			conflicts: map[string]bool{core.FieldTitle: true, core.FieldPlace: false},
			pick:      map[string]bool{core.FieldTitle: true},
			wantTitle: "Phiên họp thứ năm Ban Chỉ đạo", wantPlace: "Hội trường Văn phòng Chính phủ", wantMerged: true,
		},
		{
			name:      "given both retitled when the second keeps the current version then no new edit is made",
			first:     edit{title: "Phiên họp thứ năm (bản của thư ký 1)"},
			second:    edit{title: "Phiên họp thứ năm (bản của thư ký 2)"},
			conflicts: map[string]bool{core.FieldTitle: true},
			pick:      map[string]bool{},
			wantTitle: "Phiên họp thứ năm (bản của thư ký 1)", wantPlace: "Trụ sở Chính phủ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp := newSecretaryPair(t)
			m := sp.meeting
			in := func(e edit) core.MeetingInput {
				out := core.MeetingInput{Title: m.Title, Start: m.Start, Place: m.Place}
				if e.title != "" {
					out.Title = e.title
				}
				if e.place != "" {
					out.Place = e.place
				}
				return out
			}
			// given both devices edit the meeting offline, on the same revision
			if err := sp.sec1.UpdateMeeting(m.ID, m.Rev, in(tt.first)); err != nil {
				t.Fatal(err)
			}
			if err := sp.sec2.UpdateMeeting(m.ID, m.Rev, in(tt.second)); err != nil {
				t.Fatal(err)
			}
			syncDev(t, sp.sec1)
			if rej := syncDev(t, sp.sec2); len(rej) != 1 || rej[0].Code != "err.stale" {
				t.Fatalf("second device's refusals %+v, want one err.stale", rej)
			}
			afterFirst, _ := sp.sec1.Meeting(m.ID)
			// then the merge shows the fields that differ, with who changed them
			re := refusedOne(t, sp.sec2)
			if re.Kind != ops.KindMeetingUpdate || re.ID != m.ID || re.Base != m.Rev || re.Current != afterFirst.Rev {
				t.Fatalf("refused edit %+v; want a meeting update on rev %d, current %d", re, m.Rev, afterFirst.Rev)
			}
			if re.Name != afterFirst.Title {
				t.Errorf("name %q, want the current title %q", re.Name, afterFirst.Title)
			}
			got := map[string]bool{}
			for _, f := range re.Conflicts() {
				got[f.Name] = f.Changed
			}
			if len(got) != len(tt.conflicts) {
				t.Fatalf("conflicts %v, want %v", got, tt.conflicts)
			}
			for k, v := range tt.conflicts {
				if c, ok := got[k]; !ok || c != v {
					t.Errorf("field %s: changed=%v (present %v), want changed=%v", k, c, ok, v)
				}
			}
			// when the secretary merges
			if err := sp.sec2.MergeRefused(re, tt.pick); err != nil {
				t.Fatal(err)
			}
			if rejs, _ := sp.sec2.UnresolvedRejections(); len(rejs) != 0 {
				t.Errorf("the merged refusal is still waiting: %+v", rejs)
			}
			syncDev(t, sp.sec2)
			syncDev(t, sp.sec1)
			// then both devices hold the merged meeting at the same revision
			var revs []uint64
			for _, p := range []*core.Profile{sp.sec1, sp.sec2} {
				got, _ := p.Meeting(m.ID)
				if got.Title != tt.wantTitle || got.Place != tt.wantPlace {
					t.Errorf("%s: %q at %q, want %q at %q", p.DeviceID(), got.Title, got.Place, tt.wantTitle, tt.wantPlace)
				}
				revs = append(revs, got.Rev)
			}
			wantRev := afterFirst.Rev
			if tt.wantMerged {
				wantRev++
			}
			if revs[0] != wantRev || revs[1] != wantRev {
				t.Errorf("revisions %v, want both %d", revs, wantRev)
			}
			// and the refused change says what became of it
			again, err := sp.sec2.RefusedEdit(re.DevSeq)
			if err != nil || again.Resolution == nil {
				t.Fatalf("resolution of the refused edit: %+v, %v", again.Resolution, err)
			}
			want := core.ResolvedKept
			if tt.wantMerged {
				want = core.ResolvedMerged
			}
			if again.Resolution.How != want {
				t.Errorf("resolution %q, want %q", again.Resolution.How, want)
			}
			if tt.wantMerged {
				st, _ := sp.sec2.OpState(again.Resolution.DevSeq)
				if st.State != core.StateAccepted {
					t.Errorf("the merge's own change is %q, want accepted", st.State)
				}
			}
		})
	}
}

func TestMergeRefused_RecordMovedOnAgainIsStaleHere(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	if err := sp.sec1.UpdateMeeting(m.ID, m.Rev, core.MeetingInput{Title: "Bản 1", Start: m.Start, Place: m.Place}); err != nil {
		t.Fatal(err)
	}
	if err := sp.sec2.UpdateMeeting(m.ID, m.Rev, core.MeetingInput{Title: "Bản 2", Start: m.Start, Place: m.Place}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	re := refusedOne(t, sp.sec2)
	// given the record moves on while the merge dialog is open
	if err := sp.sec1.UpdateMeeting(m.ID, 0, core.MeetingInput{Title: "Bản 3", Start: m.Start, Place: m.Place}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	// then the merge made on what the dialog showed is refused on this device
	if err := sp.sec2.MergeRefused(re, map[string]bool{core.FieldTitle: true}); !errors.Is(err, core.ErrStale) {
		t.Fatalf("merge on an old revision: %v, want stale", err)
	}
	// and reading it again shows the newest value
	re = refusedOne(t, sp.sec2)
	if f := re.Conflicts(); len(f) != 1 || f[0].Current.Text != "Bản 3" || f[0].Mine.Text != "Bản 2" {
		t.Fatalf("conflicts after the record moved on: %+v", f)
	}
}

func TestMergeAgain_RefusedActionAppliedOnTheCurrentRevision(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	// given one device publishes the meeting while the other adds an agenda item offline
	if err := sp.sec1.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if _, err := sp.sec2.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Thảo luận", Presenter: "Các thành viên", Minutes: 30}); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	re := refusedOne(t, sp.sec2)
	if re.Kind != ops.KindAgendaAdd || len(re.Fields) != 0 {
		t.Fatalf("refused edit %+v, want an agenda add without fields", re)
	}
	// when the secretary applies it again
	if err := sp.sec2.MergeAgain(re); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec2)
	syncDev(t, sp.sec1)
	// then both devices hold the published meeting with the new item
	for _, p := range []*core.Profile{sp.sec1, sp.sec2} {
		got, _ := p.Meeting(m.ID)
		if got.Status != meetings.StatusPublished || len(got.Agenda) != 2 || got.Agenda[1].Title != "Thảo luận" {
			t.Errorf("%s: status %s, agenda %+v", p.DeviceID(), got.Status, got.Agenda)
		}
	}
}

func TestKeepCurrent_SetsTheRefusalAside(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	_ = sp.sec1.UpdateMeeting(m.ID, m.Rev, core.MeetingInput{Title: "Bản 1", Start: m.Start, Place: m.Place})
	_ = sp.sec2.UpdateMeeting(m.ID, m.Rev, core.MeetingInput{Title: "Bản 2", Start: m.Start, Place: m.Place})
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	re := refusedOne(t, sp.sec2)
	events, unsubscribe := sp.sec2.Subscribe()
	defer unsubscribe()
	if err := sp.sec2.KeepCurrent(re.DevSeq); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		if e.Topic != core.TopicSync {
			t.Errorf("event %+v, want a sync event", e)
		}
	default: // events are published before the call returns: no waiting
		t.Error("no event after a refusal was set aside")
	}
	if rejs, _ := sp.sec2.UnresolvedRejections(); len(rejs) != 0 {
		t.Errorf("set aside, still waiting: %+v", rejs)
	}
	if rejs, _ := sp.sec2.Rejections(); len(rejs) != 1 {
		t.Errorf("the refusal's history is gone: %+v", rejs)
	}
	got, _ := sp.sec2.Meeting(m.ID)
	if got.Title != "Bản 1" {
		t.Errorf("title %q, want the current one", got.Title)
	}
}

func TestMyChanges_EachChangeShowsItsState(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	p := sp.sec2
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(p.UpdateMeeting(m.ID, 0, core.MeetingInput{Title: "Phiên họp thứ năm Ban Chỉ đạo", Start: m.Start, Place: m.Place}))
	_, err := p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Thảo luận", Minutes: 30})
	must(err)
	list := func() []core.Change {
		t.Helper()
		cs, err := p.MyChanges(0, 10)
		must(err)
		return cs
	}
	type row struct {
		kind         ops.Kind
		state        string
		name, detail string
	}
	check := func(when string, want []row) {
		t.Helper()
		cs := list()
		if len(cs) != len(want) {
			t.Fatalf("%s: %d changes %+v, want %d", when, len(cs), cs, len(want))
		}
		for i, w := range want {
			c := cs[i]
			if c.Kind != w.kind || c.State != w.state || c.Name != w.name || c.Detail != w.detail {
				t.Errorf("%s, change %d: %s %s %q / %q, want %s %s %q / %q", when, i, c.Kind, c.State, c.Name, c.Detail, w.kind, w.state, w.name, w.detail)
			}
		}
	}
	title := "Phiên họp thứ năm Ban Chỉ đạo"
	// saved on this computer, newest first
	check("saved", []row{
		{ops.KindAgendaAdd, core.StateSaved, title, "Thảo luận"},
		{ops.KindMeetingUpdate, core.StateSaved, title, ""},
	})
	// sent, waiting for the hub's word
	items, err := p.Outbox(10)
	must(err)
	must(p.MarkSent(items))
	check("sent", []row{
		{ops.KindAgendaAdd, core.StateSent, title, "Thảo luận"},
		{ops.KindMeetingUpdate, core.StateSent, title, ""},
	})
	// accepted by the hub
	syncDev(t, p)
	check("accepted", []row{
		{ops.KindAgendaAdd, core.StateAccepted, title, "Thảo luận"},
		{ops.KindMeetingUpdate, core.StateAccepted, title, ""},
	})
	// refused: the other device's edit got there first
	syncDev(t, sp.sec1)
	must(sp.sec1.SetMeetingStatus(m.ID, meetings.StatusPublished))
	must(p.SetMeetingStatus(m.ID, meetings.StatusPublished))
	syncDev(t, sp.sec1)
	syncDev(t, p)
	cs := list()
	if len(cs) != 3 || cs[0].State != core.StateRejected || cs[0].Code != "err.stale" || cs[0].Resolution != nil {
		t.Fatalf("after the refusal: %+v", cs[0])
	}
	must(p.KeepCurrent(cs[0].DevSeq))
	if cs := list(); cs[0].Resolution == nil || cs[0].Resolution.How != core.ResolvedKept {
		t.Errorf("set aside: %+v", cs[0].Resolution)
	}
}

func TestMyChanges_PagesThroughThousandsNewestFirst(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	m, err := p.CreateMeeting(core.MeetingInput{Title: "Phiên họp thường kỳ", Start: changesStart})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SetMeetingStatus(m.ID, meetings.StatusPublished); err != nil {
		t.Fatal(err)
	}
	if err := p.SetMeetingStatus(m.ID, meetings.StatusInSession); err != nil {
		t.Fatal(err)
	}
	const marks = 1200
	for i := range marks {
		if err := p.SetAttendance(m.ID, ms[i%len(ms)].ID, i%2 == 0); err != nil {
			t.Fatal(err)
		}
	}
	// newSecretary's members, the meeting, two status changes and the marks
	total := len(ms) + 3 + marks
	// A page is read by its numbers: its cost follows the page, not the
	// thousands of changes before it (the number of keys read says so
	// without timing it).
	const perChangeReads = 4 // the op, where it stands (and its resolution)
	reads := p.StoreReads()
	first, err := p.MyChanges(0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if n := p.StoreReads() - reads; n == 0 || n > 100*perChangeReads {
		t.Errorf("a page of 100 read %d keys, want 1 to %d (it must not scan all %d changes)", n, 100*perChangeReads, total)
	} else {
		t.Logf("a page of 100 read %d keys", n)
	}
	if len(first) != 100 || first[0].Kind != ops.KindAttendance || first[0].Name != "Phiên họp thường kỳ" || first[0].Detail != ms[(marks-1)%len(ms)].Name {
		t.Fatalf("first page starts with %+v", first[0])
	}
	seen := 0
	var before uint64
	for {
		page, err := p.MyChanges(before, 250)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for i, c := range page {
			if before != 0 && c.DevSeq >= before || i > 0 && c.DevSeq >= page[i-1].DevSeq {
				t.Fatalf("page out of order at %d: %d after %d", i, c.DevSeq, before)
			}
			if c.State != core.StateSaved {
				t.Fatalf("change %d is %q on a profile with no hub", c.DevSeq, c.State)
			}
		}
		seen += len(page)
		before = page[len(page)-1].DevSeq
	}
	if seen != total {
		t.Errorf("paged through %d changes, want %d", seen, total)
	}
}

func TestMergeRefused_AgendaItemAndDeadline(t *testing.T) {
	sp := newSecretaryPair(t)
	m := sp.meeting
	item := m.Agenda[0]
	chair, err := sp.sec1.AddMember(meetings.Member{Name: "Phạm Minh Chính", Role: meetings.RoleChair})
	if err != nil {
		t.Fatal(err)
	}
	b, err := sp.sec1.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến", Question: "Thông qua?", Deadline: time.Now().Add(48 * time.Hour), Eligible: []string{chair.ID}})
	if err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	syncDev(t, sp.sec2)
	// given one computer changes the item's presenter and extends the ballot,
	// the other retitles the item and extends the ballot further, offline
	first := item
	first.Presenter = "Phó Thủ tướng"
	if err := sp.sec1.UpdateAgendaItem(m.ID, first); err != nil {
		t.Fatal(err)
	}
	second := item
	second.Title = "Phát biểu khai mạc"
	if err := sp.sec2.UpdateAgendaItem(m.ID, second); err != nil {
		t.Fatal(err)
	}
	d1, d2 := b.Deadline.Add(24*time.Hour).Truncate(time.Minute), b.Deadline.Add(72*time.Hour).Truncate(time.Minute)
	if err := sp.sec1.ExtendDeadline(b.ID, d1); err != nil {
		t.Fatal(err)
	}
	if err := sp.sec2.ExtendDeadline(b.ID, d2); err != nil {
		t.Fatal(err)
	}
	syncDev(t, sp.sec1)
	if rej := syncDev(t, sp.sec2); len(rej) != 2 {
		t.Fatalf("refusals %+v, want the item edit and the extension", rej)
	}
	rejs, _ := sp.sec2.UnresolvedRejections()
	for _, r := range rejs {
		re, err := sp.sec2.RefusedEdit(r.DevSeq)
		if err != nil {
			t.Fatal(err)
		}
		// each keeps what it changed, and the current value of the rest
		pick := map[string]bool{}
		for _, f := range re.Conflicts() {
			pick[f.Name] = f.Changed
		}
		switch re.Kind {
		case ops.KindAgendaUpdate:
			if re.ItemID != item.ID || re.Item != item.Title || !pick[core.FieldTitle] || pick[core.FieldPresenter] || len(pick) != 2 {
				t.Fatalf("agenda item merge %+v: picks %v", re, pick)
			}
		case ops.KindBallotExtend:
			if re.Name != b.Title || len(pick) != 1 || !pick[core.FieldDeadline] {
				t.Fatalf("deadline merge %+v: picks %v", re, pick)
			}
		default:
			t.Fatalf("unexpected refusal %s", re.Kind)
		}
		if err := sp.sec2.MergeRefused(re, pick); err != nil {
			t.Fatal(err)
		}
	}
	syncDev(t, sp.sec2)
	syncDev(t, sp.sec1)
	for _, p := range []*core.Profile{sp.sec1, sp.sec2} {
		got, _ := p.Meeting(m.ID)
		if it := got.Agenda[0]; it.Title != "Phát biểu khai mạc" || it.Presenter != "Phó Thủ tướng" || it.Minutes != item.Minutes {
			t.Errorf("%s: item %+v", p.DeviceID(), it)
		}
		gb, _ := p.Ballot(b.ID)
		if !gb.Deadline.Equal(d2) {
			t.Errorf("%s: deadline %v, want %v", p.DeviceID(), gb.Deadline, d2)
		}
	}
}
