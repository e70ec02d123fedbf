package core

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store"
)

// Private notes (papers/notes.go, papers/notekey.go): a member's notes on
// the pages of papers, sealed under the member's note key and sent only to
// the member's own devices (ops.ToSelf: not even the organisation's
// secretariat, who reads the rest of the log, receives them). The hub
// stores what it orders, sealed; so does every device of the author, and
// each opens them with its own wrap of the key.

// NoteRecord is a note as the store keeps it.
type NoteRecord struct {
	KeyID  string    `cbor:"1,keyasint,omitempty"`
	Sealed []byte    `cbor:"2,keyasint,omitempty"`
	At     time.Time `cbor:"3,keyasint"`
	// Deleted: a tombstone, so that an older put of the note made offline
	// on another device cannot bring it back.
	Deleted bool `cbor:"4,keyasint,omitempty"`
}

// NoteKeyRecord holds the wraps of one of a member's note keys, by device.
type NoteKeyRecord struct {
	Keys map[string]papers.WrappedKey `cbor:"1,keyasint"`
}

// Bounds of a note op: a sealed note of MaxNoteText runes of Vietnamese
// and its anchor fits well inside 96 KiB.
const (
	maxSealedNote = 96 << 10
	maxNoteWraps  = 64
	maxNoteIDLen  = 64
)

// The errors of note ops, translated (domain.*.json).
var (
	ErrNoteNotFound  = meetings.NewError("err.note.not_found", "")
	ErrNoteDeleted   = meetings.NewError("err.note.deleted", "")
	ErrNoteNotAuthor = meetings.NewError("err.note.not_author", "")
	ErrNoteTooLarge  = meetings.NewError("err.note.too_large", "")
)

func validNoteID(id string) bool {
	return id != "" && len(id) <= maxNoteIDLen && !strings.ContainsAny(id, "/\x00")
}

// --- appliers ---

func (p *Profile) applyNoteKey(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.NoteKey)
	author := c.op.Member
	if !validNoteID(b.KeyID) || len(b.Keys) == 0 || len(b.Keys) > maxNoteWraps {
		return applied{}, meetings.NewError("err.note.decode_failed", "keys")
	}
	key := store.Key(store.PrefixNoteKey, author, b.KeyID)
	var rec NoteKeyRecord
	if err := tx.Get(key, &rec); err != nil && !errors.Is(err, store.ErrNotFound) {
		return applied{}, err
	}
	if rec.Keys == nil {
		rec.Keys = map[string]papers.WrappedKey{}
	}
	for _, w := range b.Keys {
		// A wrap is for a device of the author's: their key goes nowhere
		// else, whoever made the op.
		owner, err := tx.GetRaw(store.Key(store.PrefixDeviceMember, w.Device))
		if err != nil || string(owner) != author {
			return applied{}, ErrNoteNotAuthor
		}
		if _, had := rec.Keys[w.Device]; !had {
			rec.Keys[w.Device] = w
		}
	}
	if err := tx.Put(key, rec); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicNotes, ""}}}, nil
}

func (p *Profile) applyNotePut(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.NotePut)
	if !validNoteID(b.NoteID) || !validNoteID(b.KeyID) || len(b.Sealed) == 0 {
		return applied{}, meetings.NewError("err.note.decode_failed", "note")
	}
	if len(b.Sealed) > maxSealedNote {
		return applied{}, ErrNoteTooLarge
	}
	key := store.Key(store.PrefixNote, c.op.Member, b.NoteID)
	var was NoteRecord
	if err := tx.Get(key, &was); err == nil && was.Deleted {
		return applied{}, ErrNoteDeleted
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		return applied{}, err
	}
	if err := tx.Put(key, NoteRecord{KeyID: b.KeyID, Sealed: b.Sealed, At: c.op.At}); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicNotes, b.NoteID}}}, nil
}

func (p *Profile) applyNoteDelete(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.NoteDelete)
	if !validNoteID(b.NoteID) {
		return applied{}, meetings.NewError("err.note.decode_failed", "note")
	}
	if err := tx.Put(store.Key(store.PrefixNote, c.op.Member, b.NoteID), NoteRecord{At: c.op.At, Deleted: true}); err != nil {
		return applied{}, err
	}
	return applied{events: []Event{{TopicNotes, b.NoteID}}}, nil
}

// selfAudience: a private record reaches its owner's own devices only.
func selfAudience(_ *txn, rec ops.Record) ([]string, error) {
	if rec.Owner == "" {
		return nil, errors.New("hub: a private op names no owner")
	}
	return []string{groupOwn(rec.Owner)}, nil
}

// --- keys ---

// noteKeys opens every note key of the profile's member this device has a
// wrap of, by key ID.
func (p *Profile) noteKeys() (map[string]papers.NoteKey, map[string]NoteKeyRecord, error) {
	self := p.Self().ID
	recs := map[string]NoteKeyRecord{}
	prefix := string(store.Key(store.PrefixNoteKey, self)) + "/"
	err := p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(prefix), func(k, v []byte) error {
			var r NoteKeyRecord
			if err := codec.Unmarshal(v, &r); err != nil {
				return err
			}
			recs[strings.TrimPrefix(string(k), prefix)] = r
			return nil
		})
	})
	if err != nil {
		return nil, nil, err
	}
	keys := map[string]papers.NoteKey{}
	for id, r := range recs {
		if w, ok := r.Keys[p.dev.ID]; ok {
			if k, err := papers.UnwrapNoteKey(w, self, p.dev.Seed()); err == nil && k.ID() == id {
				keys[id] = k
			}
		}
	}
	return keys, recs, nil
}

// ownDevices lists the devices enrolled for the profile's member, with
// their public keys.
func (p *Profile) ownDevices() (map[string][]byte, error) {
	self := p.Self().ID
	devs, err := p.Devices()
	if err != nil {
		return nil, err
	}
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	out := map[string][]byte{}
	for _, d := range devs {
		if pub, ok := p.m.devices[d.ID]; ok && d.Member == self {
			out[d.ID] = pub
		}
	}
	if _, ok := out[p.dev.ID]; !ok {
		out[p.dev.ID] = p.dev.Pub
	}
	return out, nil
}

// wrapsFor wraps k for every device of devs that has no wrap in have.
func (p *Profile) wrapsFor(k papers.NoteKey, devs map[string][]byte, have map[string]papers.WrappedKey) ([]papers.WrappedKey, error) {
	self := p.Self().ID
	var out []papers.WrappedKey
	for id, pub := range devs {
		if _, ok := have[id]; ok {
			continue
		}
		w, err := papers.WrapNoteKey(k, self, id, pub)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Device < out[j].Device })
	return out, nil
}

// noteKey is the key this device seals new notes under: the one with the
// lowest ID of those it holds (so two devices that each made one converge
// on one), or a new one, wrapped for each of the member's devices.
func (p *Profile) noteKey() (string, papers.NoteKey, error) {
	keys, _, err := p.noteKeys()
	if err != nil {
		return "", papers.NoteKey{}, err
	}
	if len(keys) > 0 {
		ids := make([]string, 0, len(keys))
		for id := range keys {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		return ids[0], keys[ids[0]], nil
	}
	k, err := papers.NewNoteKey()
	if err != nil {
		return "", k, err
	}
	devs, err := p.ownDevices()
	if err != nil {
		return "", k, err
	}
	wraps, err := p.wrapsFor(k, devs, nil)
	if err != nil {
		return "", k, err
	}
	if _, err := p.submit(ops.KindNoteKey, ops.NoteKey{KeyID: k.ID(), Keys: wraps}, 0); err != nil {
		return "", k, err
	}
	return k.ID(), k, nil
}

// ShareNoteKeys wraps each note key this device holds for the member's
// devices that have no wrap of it yet (a device enrolled later), so that
// they can read the member's notes after their next sync. It returns how
// many keys it shared; the sync client calls it after each pull.
func (p *Profile) ShareNoteKeys() (int, error) {
	if p.hub || p.Self().ID == "" {
		return 0, nil
	}
	keys, recs, err := p.noteKeys()
	if err != nil || len(keys) == 0 {
		return 0, err
	}
	devs, err := p.ownDevices()
	if err != nil {
		return 0, err
	}
	n := 0
	for id, k := range keys {
		wraps, err := p.wrapsFor(k, devs, recs[id].Keys)
		if err != nil || len(wraps) == 0 {
			if err != nil {
				return n, err
			}
			continue
		}
		if _, err := p.submit(ops.KindNoteKey, ops.NoteKey{KeyID: id, Keys: wraps}, 0); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// --- reading and writing ---

// Notes is what a member's device holds of their notes on one paper.
type Notes struct {
	// Notes are the notes it can read, by page, then place.
	Notes []papers.Note
	// Locked counts the notes sealed under a key this device has no wrap
	// of yet (another device of the member has not shared it).
	Locked int
}

// MyNotes returns the member's notes on paper (every paper for "").
func (p *Profile) MyNotes(paperID string) (Notes, error) {
	keys, _, err := p.noteKeys()
	if err != nil {
		return Notes{}, err
	}
	self := p.Self().ID
	var out Notes
	prefix := string(store.Key(store.PrefixNote, self)) + "/"
	err = p.st.View(func(tx *store.Tx) error {
		return tx.Each([]byte(prefix), func(k, v []byte) error {
			var r NoteRecord
			if err := codec.Unmarshal(v, &r); err != nil {
				return err
			}
			if r.Deleted {
				return nil
			}
			key, ok := keys[r.KeyID]
			if !ok {
				out.Locked++
				return nil
			}
			n, err := papers.OpenNote(key, self, strings.TrimPrefix(string(k), prefix), r.Sealed)
			if err != nil {
				out.Locked++ // altered or foreign: not this device's to read
				return nil
			}
			if paperID == "" || n.PaperID == paperID {
				out.Notes = append(out.Notes, n)
			}
			return nil
		})
	})
	sort.SliceStable(out.Notes, func(i, j int) bool {
		a, b := out.Notes[i], out.Notes[j]
		if a.PaperID != b.PaperID {
			return a.PaperID < b.PaperID
		}
		if a.Anchor.Page != b.Anchor.Page {
			return a.Anchor.Page < b.Anchor.Page
		}
		if a.Anchor.Y != b.Anchor.Y {
			return a.Anchor.Y < b.Anchor.Y
		}
		return a.Created.Before(b.Created)
	})
	return out, err
}

// PutNote makes a note (an empty ID: a new one, Created now) or replaces
// one (Edited now), sealed for the member's devices. It returns the note
// as saved.
func (p *Profile) PutNote(n papers.Note) (papers.Note, error) { return p.putNote(n, true) }

// putNote saves n; touch says whether the member changed it (a note that
// was only carried to a new version keeps its time of edit).
func (p *Profile) putNote(n papers.Note, touch bool) (papers.Note, error) {
	now := p.now().UTC().Truncate(time.Second)
	if n.ID == "" {
		var b [12]byte
		if _, err := rand.Read(b[:]); err != nil {
			return n, err
		}
		n.ID, n.Created, n.Edited = hex.EncodeToString(b[:]), now, time.Time{}
	} else if touch {
		if n.Created.IsZero() {
			n.Created = now
		}
		n.Edited = now
		if n.Edited.Before(n.Created) {
			n.Edited = n.Created
		}
	}
	if err := n.Validate(); err != nil {
		return n, err
	}
	if _, err := p.Paper(n.PaperID); err != nil {
		return n, err
	}
	keyID, key, err := p.noteKey()
	if err != nil {
		return n, err
	}
	sealed, err := papers.SealNote(key, p.Self().ID, n)
	if err != nil {
		return n, err
	}
	if _, err := p.submit(ops.KindNotePut, ops.NotePut{NoteID: n.ID, KeyID: keyID, Sealed: sealed}, 0); err != nil {
		return n, err
	}
	return n, nil
}

// DeleteNote deletes one of the member's notes.
func (p *Profile) DeleteNote(id string) error {
	var r NoteRecord
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixNote, p.Self().ID, id), &r) })
	if errors.Is(err, store.ErrNotFound) || r.Deleted {
		return ErrNoteNotFound
	} else if err != nil {
		return err
	}
	_, err = p.submit(ops.KindNoteDelete, ops.NoteDelete{NoteID: id}, 0)
	return err
}

// CarryNotes carries the member's notes on paper to version, given the
// text of each of its pages (papers.Carry), and saves those it moved or
// could not place. It returns how many it placed and how many it could
// not.
func (p *Profile) CarryNotes(paperID string, version int, pages []papers.PageText) (placed, unplaced int, err error) {
	mine, err := p.MyNotes(paperID)
	if err != nil {
		return 0, 0, err
	}
	var old []papers.Note
	for _, n := range mine.Notes {
		if n.Version < version {
			old = append(old, n)
		}
	}
	for _, n := range papers.Carry(old, version, pages) {
		if n.Unplaced {
			unplaced++
		} else {
			placed++
		}
		if _, err := p.putNote(n, false); err != nil {
			return placed, unplaced, err
		}
	}
	return placed, unplaced, nil
}
