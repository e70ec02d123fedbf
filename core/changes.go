package core

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/store"
)

// A person's own changes as they see them: every operation made on this
// computer with where it stands (saved here, sent, accepted by the hub,
// refused), and, for a secretariat edit the hub refused because someone
// else changed the record first, the merge: the fields the secretary
// entered beside the record as it is now, and a new edit on the current
// revision with the values the secretary picks. A person decides; no clock
// does.

// Field names of the edits that can be merged field by field.
const (
	FieldTitle     = "title"
	FieldStart     = "start"
	FieldPlace     = "place"
	FieldPresenter = "presenter"
	FieldMinutes   = "minutes"
	FieldDeadline  = "deadline"
)

// What a person did about a refused change.
const (
	ResolvedMerged = "merged" // a new edit on the current revision carries the chosen values
	ResolvedKept   = "kept"   // the current version stays; the refused change is set aside
)

// FieldValue is the value of one edited field: text, a time or a number,
// according to the field.
type FieldValue struct {
	Text string    `cbor:"1,keyasint,omitempty" json:"text,omitempty"`
	Time time.Time `cbor:"2,keyasint,omitempty" json:"time,omitzero"`
	Num  int       `cbor:"3,keyasint,omitempty" json:"num,omitempty"`
}

// Equal compares two values (times by instant, whatever their zone).
func (v FieldValue) Equal(o FieldValue) bool {
	return v.Text == o.Text && v.Time.Equal(o.Time) && v.Num == o.Num
}

// EditField is one field of a refused edit: what the secretary entered and
// what the record holds now.
type EditField struct {
	Name    string     `json:"name"`
	Mine    FieldValue `json:"mine"`
	Current FieldValue `json:"current"`
	// Changed: the secretary changed this field from the version the edit
	// started from. When that version is not known (an edit saved before
	// it was kept, or restored from the journal) every field counts as
	// changed, so that nothing the secretary typed is dropped silently.
	Changed bool `json:"changed"`
}

// Differs reports whether the two versions disagree on this field, which is
// when the secretary has something to choose.
func (f EditField) Differs() bool { return !f.Mine.Equal(f.Current) }

// RefusedEdit is a change made on this computer that the hub refused as
// stale, with what is needed to merge it.
type RefusedEdit struct {
	DevSeq uint64    `json:"dev_seq"`
	Kind   ops.Kind  `json:"kind"`
	At     time.Time `json:"at"`
	Entity string    `json:"entity"` // "meeting/<id>" or "ballot/<id>"
	ID     string    `json:"id"`     // the meeting or ballot
	ItemID string    `json:"item_id,omitempty"`
	// Name is the record's name now (a meeting or ballot title); Item the
	// agenda item's title, for an agenda edit.
	Name string `json:"name"`
	Item string `json:"item,omitempty"`
	// Base is the revision the edit was made on; Current the revision this
	// replica holds now, which a merge is based on.
	Base    uint64 `json:"base"`
	Current uint64 `json:"current"`
	// Fields lists, for an edit of fields (a meeting's title, start and
	// place; an agenda item; a ballot's deadline), each field with both
	// values. It is empty for an action (a status change, an attendance
	// mark, a new agenda item …): merging one applies it again on the
	// current revision.
	Fields []EditField `json:"fields,omitempty"`
	// Resolution is what the person did about it already, if anything.
	Resolution *Resolution `json:"resolution,omitempty"`
}

// Conflicts lists the fields on which the two versions disagree.
func (r RefusedEdit) Conflicts() []EditField {
	var out []EditField
	for _, f := range r.Fields {
		if f.Differs() {
			out = append(out, f)
		}
	}
	return out
}

// Resolution records what a person did about a refused change.
type Resolution struct {
	How string    `cbor:"1,keyasint" json:"how"`
	At  time.Time `cbor:"2,keyasint" json:"at"`
	// DevSeq is the new change a merge made (0 when nothing needed
	// changing).
	DevSeq uint64 `cbor:"3,keyasint,omitempty" json:"dev_seq,omitempty"`
}

// Change is one operation made on this computer, as its owner sees it.
type Change struct {
	OpState
	// Entity is the record it concerns ("meeting/<id>", "ballot/<id>",
	// "member/<id>"), "" for none.
	Entity string `json:"entity,omitempty"`
	// Name is that record's name as this replica holds it now (a meeting
	// or ballot title, a member's name); Detail the agenda item or member
	// within it, when there is one.
	Name   string `json:"name,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Resolution is what the person did about a refused change.
	Resolution *Resolution `json:"resolution,omitempty"`
}

// MyChanges lists the operations made on this computer, newest first: up
// to limit of them with a device sequence below before (0: from the
// newest). Each is read by its number, so a page costs the same however
// many changes the device has made.
func (p *Profile) MyChanges(before uint64, limit int) ([]Change, error) {
	p.mu.Lock()
	next := p.nextSeq
	p.mu.Unlock()
	if before == 0 || before > next {
		before = next
	}
	var out []Change
	err := p.st.View(func(stx *store.Tx) error {
		tx := plainTxn(stx)
		for seq := before - 1; seq >= 1 && len(out) < limit; seq-- {
			_, op, err := p.ownOp(tx, seq)
			if errors.Is(err, store.ErrNotFound) {
				continue // a number spent on a save that failed
			} else if err != nil {
				return err
			}
			if op.Kind == ops.KindProfileInit {
				continue // the profile's own introduction never leaves it
			}
			st, err := p.opStateIn(tx, seq)
			if err != nil {
				return err
			}
			c := Change{OpState: st}
			c.Entity, c.Name, c.Detail = p.subjectOf(op)
			if st.State == StateRejected {
				if res, ok := resolutionIn(tx, seq); ok {
					c.Resolution = &res
				}
			}
			out = append(out, c)
		}
		return nil
	})
	return out, err
}

// UnresolvedRejections lists the refused changes the person has not dealt
// with yet (merged or set aside), newest first.
func (p *Profile) UnresolvedRejections() ([]OpState, error) {
	rejs, err := p.Rejections()
	if err != nil || len(rejs) == 0 {
		return rejs, err
	}
	out := rejs[:0]
	err = p.st.View(func(tx *store.Tx) error {
		for _, r := range rejs {
			if _, done := resolutionIn(plainTxn(tx), r.DevSeq); !done {
				out = append(out, r)
			}
		}
		return nil
	})
	return out, err
}

func resolutionIn(tx *txn, devSeq uint64) (Resolution, bool) {
	var r Resolution
	err := tx.Get(store.SeqKey(store.PrefixResolved, devSeq), &r)
	return r, err == nil
}

// Mergeable reports whether a refusal is one a merge can deal with: a
// secretariat edit refused because the record changed first.
func Mergeable(st OpState) bool {
	return st.State == StateRejected && st.Code == ErrorKey(ErrStale)
}

// RefusedEdit returns a refused stale edit made on this computer with its
// fields beside the record's current values. ErrNotFound: no such change,
// or not one the hub refused as stale.
func (p *Profile) RefusedEdit(devSeq uint64) (RefusedEdit, error) {
	var (
		op   ops.Op
		st   OpState
		base *editBase
		res  Resolution
		done bool
	)
	err := p.st.View(func(stx *store.Tx) error {
		tx := plainTxn(stx)
		var err error
		if _, op, err = p.ownOp(tx, devSeq); errors.Is(err, store.ErrNotFound) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if st, err = p.opStateIn(tx, devSeq); err != nil {
			return err
		}
		var b editBase
		if tx.Get(store.SeqKey(store.PrefixEditBase, devSeq), &b) == nil {
			base = &b
		}
		res, done = resolutionIn(tx, devSeq)
		return nil
	})
	if err != nil {
		return RefusedEdit{}, err
	}
	if !Mergeable(st) {
		return RefusedEdit{}, ErrNotFound
	}
	t, err := editTargetOf(op)
	if err != nil {
		return RefusedEdit{}, err
	}
	cur, err := p.currentOf(t)
	if err != nil {
		return RefusedEdit{}, err
	}
	re := RefusedEdit{
		DevSeq: devSeq, Kind: op.Kind, At: op.At, Entity: t.entity, ID: t.id, ItemID: t.itemID,
		Name: cur.name, Item: cur.item, Base: op.Base, Current: cur.rev,
	}
	if base != nil && base.Rev != op.Base {
		base = nil // kept for another revision: not what this edit started from
	}
	for _, f := range t.mine {
		ef := EditField{Name: f.Name, Mine: f.Value, Current: cur.value(f.Name), Changed: true}
		if base != nil {
			if b, ok := base.Values[f.Name]; ok {
				ef.Changed = !b.Equal(f.Value)
			}
		}
		re.Fields = append(re.Fields, ef)
	}
	if done {
		re.Resolution = &res
	}
	return re, nil
}

// MergeRefused resolves a refused edit with a new edit on the revision re
// was read at (re.Current), made of the current values except the fields
// for which useMine is true, which take what the secretary had entered.
// An edit without fields is applied again as it was. When the record has
// moved on since re was read, the new edit is refused here with ErrStale:
// read the refused edit again and merge anew. When nothing differs from
// the current version, no edit is made and the refusal is set aside.
func (p *Profile) MergeRefused(re RefusedEdit, useMine map[string]bool) error {
	if re.Resolution != nil {
		return nil
	}
	body, changed, err := mergedBody(re, useMine)
	if err != nil {
		return err
	}
	if up, ok := body.(ops.AgendaUpdate); ok {
		// The merge edits what a form edits; the rest of the item (its
		// adoption in a consent block) stays as it is now.
		if m, err := p.Meeting(re.ID); err == nil {
			for _, it := range m.Agenda {
				if it.ID == up.Item.ID {
					up.Item.Adopted = it.Adopted
				}
			}
		}
		body = up
	}
	res := Resolution{How: ResolvedKept, At: p.now().UTC()}
	if changed {
		op, err := p.submit(re.Kind, body, re.Current)
		if err != nil {
			return err
		}
		res = Resolution{How: ResolvedMerged, At: op.At, DevSeq: op.DevSeq}
	}
	return p.resolve(re.DevSeq, res)
}

// KeepCurrent sets a refused change aside: the current version stays as it
// is, and the refusal is no longer shown as waiting for a decision.
func (p *Profile) KeepCurrent(devSeq uint64) error {
	st, err := p.OpState(devSeq)
	if err != nil {
		return err
	}
	if st.State != StateRejected {
		return ErrNotFound
	}
	return p.resolve(devSeq, Resolution{How: ResolvedKept, At: p.now().UTC()})
}

// resolve records a resolution and tells subscribers, so that screens
// listing refusals drop it.
func (p *Profile) resolve(devSeq uint64, r Resolution) error {
	err := p.st.Update(func(tx *store.Tx) error {
		return tx.Put(store.SeqKey(store.PrefixResolved, devSeq), r)
	})
	if err != nil {
		return err
	}
	p.commitModel(nil, []Event{{Topic: TopicSync, ID: fmt.Sprint(devSeq)}})
	return nil
}

// mergedBody builds the body of the merge of re: the current values with
// the fields the secretary keeps, or the refused action again. changed is
// false when the result would change nothing.
func mergedBody(re RefusedEdit, useMine map[string]bool) (body any, changed bool, err error) {
	val := func(name string) (FieldValue, bool) {
		for _, f := range re.Fields {
			if f.Name == name {
				if useMine[name] {
					return f.Mine, f.Differs()
				}
				return f.Current, false
			}
		}
		return FieldValue{}, false
	}
	pick := func(name string) FieldValue {
		v, c := val(name)
		changed = changed || c
		return v
	}
	switch re.Kind {
	case ops.KindMeetingUpdate:
		b := ops.MeetingUpdate{MeetingID: re.ID, Title: pick(FieldTitle).Text, Start: pick(FieldStart).Time.UTC(), Place: pick(FieldPlace).Text}
		return b, changed, nil
	case ops.KindAgendaUpdate:
		it := meetings.AgendaItem{ID: re.ItemID, Title: pick(FieldTitle).Text, Presenter: pick(FieldPresenter).Text, Minutes: pick(FieldMinutes).Num}
		return ops.AgendaUpdate{MeetingID: re.ID, Item: it}, changed, nil
	case ops.KindBallotExtend:
		return ops.BallotExtend{BallotID: re.ID, Deadline: pick(FieldDeadline).Time.UTC()}, changed, nil
	}
	return nil, false, fmt.Errorf("%w: no merge for a change of kind %s", ErrNotFound, re.Kind)
}

// MergeAgain applies a refused action (an edit without fields: a status
// change, an attendance mark, an agenda change, a ballot's close) again on
// the revision re was read at.
func (p *Profile) MergeAgain(re RefusedEdit) error {
	if re.Resolution != nil {
		return nil
	}
	if len(re.Fields) > 0 {
		return p.MergeRefused(re, nil)
	}
	var op ops.Op
	err := p.st.View(func(tx *store.Tx) error {
		var err error
		_, op, err = p.ownOp(tx, re.DevSeq)
		return err
	})
	if err != nil {
		return err
	}
	body, err := decodeActionBody(op)
	if err != nil {
		return err
	}
	again, err := p.submit(op.Kind, body, re.Current)
	if err != nil {
		return err
	}
	return p.resolve(re.DevSeq, Resolution{How: ResolvedMerged, At: again.At, DevSeq: again.DevSeq})
}

// decodeActionBody decodes the body of an edit without fields, to sign it
// again in a new operation.
func decodeActionBody(op ops.Op) (any, error) {
	var body any
	switch op.Kind {
	case ops.KindMeetingStatus:
		body = &ops.MeetingStatus{}
	case ops.KindAttendance:
		body = &ops.Attendance{}
	case ops.KindAgendaAdd:
		body = &ops.AgendaAdd{}
	case ops.KindAgendaRemove:
		body = &ops.AgendaRemove{}
	case ops.KindAgendaMove:
		body = &ops.AgendaMove{}
	case ops.KindConsentAdopt:
		body = &ops.ConsentAdopt{}
	case ops.KindBallotClose:
		body = &ops.BallotClose{}
	case ops.KindMeetingFinalise:
		body = &ops.MeetingFinalise{}
	default:
		return nil, fmt.Errorf("%w: no merge for a change of kind %s", ErrNotFound, op.Kind)
	}
	if err := op.DecodeBody(body); err != nil {
		return nil, err
	}
	// submit encodes the value, not the pointer.
	switch b := body.(type) {
	case *ops.MeetingStatus:
		return *b, nil
	case *ops.Attendance:
		return *b, nil
	case *ops.AgendaAdd:
		return *b, nil
	case *ops.AgendaRemove:
		return *b, nil
	case *ops.AgendaMove:
		return *b, nil
	case *ops.ConsentAdopt:
		return *b, nil
	case *ops.BallotClose:
		return *b, nil
	case *ops.MeetingFinalise:
		return *b, nil
	}
	return nil, ErrNotFound
}

// namedValue is one field of an edit, in the order a form shows them.
type namedValue struct {
	Name  string
	Value FieldValue
}

func meetingValues(title string, start time.Time, place string) []namedValue {
	return []namedValue{{FieldTitle, FieldValue{Text: title}}, {FieldStart, FieldValue{Time: start}}, {FieldPlace, FieldValue{Text: place}}}
}

func itemValues(it meetings.AgendaItem) []namedValue {
	return []namedValue{{FieldTitle, FieldValue{Text: it.Title}}, {FieldPresenter, FieldValue{Text: it.Presenter}}, {FieldMinutes, FieldValue{Num: it.Minutes}}}
}

func deadlineValues(d time.Time) []namedValue {
	return []namedValue{{FieldDeadline, FieldValue{Time: d}}}
}

// editTarget is what an edit changes and, for an edit of fields, the values
// it sets.
type editTarget struct {
	entity, id, itemID string
	ballot             bool
	mine               []namedValue
}

// editTargetOf reads the record and fields an edit carrying a base revision
// changes.
func editTargetOf(op ops.Op) (editTarget, error) {
	var t editTarget
	switch op.Kind {
	case ops.KindMeetingUpdate:
		var b ops.MeetingUpdate
		if err := op.DecodeBody(&b); err != nil {
			return t, err
		}
		t.id, t.mine = b.MeetingID, meetingValues(b.Title, b.Start, b.Place)
	case ops.KindAgendaUpdate:
		var b ops.AgendaUpdate
		if err := op.DecodeBody(&b); err != nil {
			return t, err
		}
		t.id, t.itemID, t.mine = b.MeetingID, b.Item.ID, itemValues(b.Item)
	case ops.KindBallotExtend:
		var b ops.BallotExtend
		if err := op.DecodeBody(&b); err != nil {
			return t, err
		}
		t.id, t.ballot, t.mine = b.BallotID, true, deadlineValues(b.Deadline)
	case ops.KindBallotClose:
		var b ops.BallotClose
		if err := op.DecodeBody(&b); err != nil {
			return t, err
		}
		t.id, t.ballot = b.BallotID, true
	case ops.KindMeetingStatus, ops.KindAttendance, ops.KindAgendaAdd, ops.KindAgendaRemove,
		ops.KindAgendaMove, ops.KindConsentAdopt, ops.KindMeetingConclusion, ops.KindMeetingFinalise:
		// Every meeting edit body has the meeting ID as field 1.
		var b struct {
			MeetingID string `cbor:"1,keyasint"`
		}
		if err := codec.UnmarshalLoose(op.Body, &b); err != nil {
			return t, err
		}
		t.id = b.MeetingID
	default:
		return t, fmt.Errorf("%w: %s carries no revision", ErrNotFound, op.Kind)
	}
	prefix := store.PrefixMeeting
	if t.ballot {
		prefix = store.PrefixBallot
	}
	t.entity = string(store.Key(prefix, t.id))
	return t, nil
}

// current is a record as this replica holds it now.
type current struct {
	rev        uint64
	name, item string
	values     []namedValue
}

func (c current) value(name string) FieldValue {
	for _, v := range c.values {
		if v.Name == name {
			return v.Value
		}
	}
	return FieldValue{}
}

// currentOf reads the record an edit targets from the model.
func (p *Profile) currentOf(t editTarget) (current, error) {
	if t.ballot {
		b, err := p.Ballot(t.id)
		if err != nil {
			return current{}, err
		}
		return current{rev: b.Rev, name: b.Title, values: deadlineValues(b.Deadline)}, nil
	}
	m, err := p.Meeting(t.id)
	if err != nil {
		return current{}, err
	}
	c := current{rev: m.Rev, name: m.Title, values: meetingValues(m.Title, m.Start, m.Place)}
	if t.itemID != "" {
		c.values = nil // an item removed since: nothing of it is current
		for _, it := range m.Agenda {
			if it.ID == t.itemID {
				c.item, c.values = it.Title, itemValues(it)
			}
		}
	}
	return c, nil
}

// editBase is what an edit of fields started from, kept beside the op.
type editBase struct {
	Rev    uint64                `cbor:"1,keyasint"`
	Values map[string]FieldValue `cbor:"2,keyasint"`
}

// editBaseIn reads, before a local edit of fields applies, the values it
// starts from (nil for other changes, and on the hub, which never merges).
func (p *Profile) editBaseIn(tx *txn, op ops.Op) *editBase {
	if p.hub || op.Base == 0 {
		return nil
	}
	t, err := editTargetOf(op)
	if err != nil || len(t.mine) == 0 {
		return nil
	}
	var vals []namedValue
	var rev uint64
	if t.ballot {
		var b ballots.Ballot
		if tx.Get([]byte(t.entity), &b) != nil {
			return nil
		}
		rev, vals = b.Rev, deadlineValues(b.Deadline)
	} else {
		var m meetings.Meeting
		if tx.Get([]byte(t.entity), &m) != nil {
			return nil
		}
		rev, vals = m.Rev, meetingValues(m.Title, m.Start, m.Place)
		if t.itemID != "" {
			vals = nil
			for _, it := range m.Agenda {
				if it.ID == t.itemID {
					vals = itemValues(it)
				}
			}
		}
	}
	if vals == nil {
		return nil
	}
	eb := &editBase{Rev: rev, Values: map[string]FieldValue{}}
	for _, v := range vals {
		eb.Values[v.Name] = v.Value
	}
	return eb
}

// keepEditBase stores what a local edit started from, in the edit's own
// transaction. It is small (a few fields) and read only for a merge.
func (p *Profile) keepEditBase(tx *txn, op ops.Op, b *editBase) error {
	if b == nil {
		return nil
	}
	return tx.Put(store.SeqKey(store.PrefixEditBase, op.DevSeq), b)
}

// subjectOf names what an op is about, from the model: the record, its name
// and, within it, the agenda item or member concerned.
func (p *Profile) subjectOf(op ops.Op) (entity, name, detail string) {
	var (
		meetingID, ballotID, memberID, itemID string
		itemTitle                             string
	)
	switch op.Kind {
	case ops.KindMemberPut:
		var b ops.MemberPut
		if op.DecodeBody(&b) == nil {
			memberID, name = b.Member.ID, b.Member.Name
		}
	case ops.KindDeviceEnroll:
		var b ops.DeviceEnroll
		if op.DecodeBody(&b) == nil {
			memberID = b.MemberID
		}
	case ops.KindMeetingCreate:
		var b ops.MeetingCreate
		if op.DecodeBody(&b) == nil {
			meetingID, name = b.Meeting.ID, b.Meeting.Title
		}
	case ops.KindMeetingUpdate:
		var b ops.MeetingUpdate
		if op.DecodeBody(&b) == nil {
			meetingID, name = b.MeetingID, b.Title
		}
	case ops.KindAttendance:
		var b ops.Attendance
		if op.DecodeBody(&b) == nil {
			meetingID, memberID = b.MeetingID, b.MemberID
		}
	case ops.KindAgendaAdd, ops.KindAgendaUpdate:
		var b ops.AgendaAdd // the same shape as AgendaUpdate
		if op.DecodeBody(&b) == nil {
			meetingID, itemID, itemTitle = b.MeetingID, b.Item.ID, b.Item.Title
		}
	case ops.KindAgendaRemove, ops.KindAgendaMove, ops.KindConsentMark, ops.KindMeetingConclusion:
		var b struct {
			MeetingID string `cbor:"1,keyasint"`
			ItemID    string `cbor:"2,keyasint"`
		}
		if codec.UnmarshalLoose(op.Body, &b) == nil {
			meetingID, itemID = b.MeetingID, b.ItemID
		}
	case ops.KindMeetingStatus, ops.KindConsentAdopt, ops.KindMeetingFinalise:
		var b struct {
			MeetingID string `cbor:"1,keyasint"`
		}
		if codec.UnmarshalLoose(op.Body, &b) == nil {
			meetingID = b.MeetingID
		}
	case ops.KindBallotIssue:
		var b ops.BallotIssue
		if op.DecodeBody(&b) == nil {
			ballotID, name = b.Ballot.ID, b.Ballot.Title
		}
	case ops.KindBallotAnswer:
		var b ops.BallotAnswer
		if op.DecodeBody(&b) == nil {
			ballotID = b.Answer.BallotID
			if b.Answer.MemberID != op.Member {
				memberID = b.Answer.MemberID // recorded on a member's behalf
			}
		}
	case ops.KindBallotClose, ops.KindBallotExtend, ops.KindBallotRemind, ops.KindBallotResult:
		var b struct {
			BallotID string `cbor:"1,keyasint"`
		}
		if codec.UnmarshalLoose(op.Body, &b) == nil {
			ballotID = b.BallotID
		}
	}
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	memberName := ""
	if m, ok := p.m.members[memberID]; ok {
		memberName = m.Name
	}
	switch {
	case meetingID != "":
		entity = string(store.Key(store.PrefixMeeting, meetingID))
		if m, ok := p.m.meetings[meetingID]; ok {
			// The name the meeting has now: a list of changes reads
			// best with the names a person sees elsewhere.
			name = m.Title
			for _, it := range m.Agenda {
				if it.ID == itemID {
					itemTitle = it.Title
				}
			}
		}
		detail = itemTitle
		if detail == "" {
			detail = memberName
		}
	case ballotID != "":
		entity = string(store.Key(store.PrefixBallot, ballotID))
		if b, ok := p.m.ballots[ballotID]; ok {
			name = b.Title
		}
		detail = memberName
	case memberID != "":
		entity = string(store.Key(store.PrefixMember, memberID))
		if memberName != "" {
			name = memberName
		}
	}
	return entity, strings.TrimSpace(name), strings.TrimSpace(detail)
}
