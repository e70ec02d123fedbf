package core

import (
	"errors"
	"testing"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
)

func TestViewer_GivenAnOwnGroup_ThenOnlyItsMemberSeesIt(t *testing.T) {
	sec := viewer{all: true, self: "sec"}
	member := viewerOf(meetings.Member{ID: "m1", Role: meetings.RoleMember})
	for _, tc := range []struct {
		name   string
		v      viewer
		groups []string
		want   bool
	}{
		{"the secretariat, another member's own", sec, []string{"o/m1"}, false},
		{"the secretariat, its own", sec, []string{"o/sec"}, true},
		{"the secretariat, everything else", sec, []string{"m/m1"}, true},
		{"the secretariat, an entry of old (no groups)", sec, nil, true},
		{"the member, their own", member, []string{"o/m1"}, true},
		{"the member, another's own", member, []string{"o/m2"}, false},
	} {
		if got := tc.v.sees(tc.groups); got != tc.want {
			t.Errorf("%s: sees = %v, want %v", tc.name, got, tc.want)
		}
	}
	if g, err := selfAudience(nil, ops.Record{Owner: "m1"}); err != nil || len(g) != 1 || g[0] != "o/m1" {
		t.Fatalf("selfAudience = %v, %v", g, err)
	}
	if _, err := selfAudience(nil, ops.Record{}); err == nil {
		t.Fatal("a private op without an owner was addressed")
	}
}

func TestNoteKey_GivenAWrapForAnotherMembersDevice_ThenRefused(t *testing.T) {
	p, err := Create(t.TempDir(), []byte("correct horse battery"), meetings.Member{Name: "Thư ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	k, _ := papers.NewNoteKey()
	w, err := papers.WrapNoteKey(k, p.Self().ID, "a-device-of-someone-else", p.dev.Pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.submit(ops.KindNoteKey, ops.NoteKey{KeyID: k.ID(), Keys: []papers.WrappedKey{w}}, 0); !errors.Is(err, ErrNoteNotAuthor) {
		t.Fatalf("a wrap for a device that is not the author's: %v", err)
	}
	if _, err := p.submit(ops.KindNotePut, ops.NotePut{NoteID: "n/1", KeyID: "k", Sealed: []byte{1}}, 0); err == nil {
		t.Fatal("a note ID with a slash was stored")
	}
	if _, err := p.submit(ops.KindNotePut, ops.NotePut{NoteID: "n1", KeyID: "k", Sealed: make([]byte, maxSealedNote+1)}, 0); !errors.Is(err, ErrNoteTooLarge) {
		t.Fatalf("an oversized note: %v", err)
	}
}
