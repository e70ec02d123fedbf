package sample

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/papers"
)

// The sample's papers are attached where they say, read back whole from
// the encrypted chunk store, and only the land law is confidential.
func TestCreateProfile_HasItsPapers(t *testing.T) {
	p, err := CreateProfile(filepath.Join(t.TempDir(), "profile"), pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	list, err := p.Papers(core.PaperFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(samplePapers) {
		t.Fatalf("%d papers, want %d", len(list), len(samplePapers))
	}
	for _, v := range list {
		cur, _ := v.CurrentVersion()
		if cur.MediaType != papers.MediaTypePDF || cur.Pages < 2 || !v.Offline || v.Read != papers.ReadUnread {
			t.Errorf("%q: %s, %d pages, offline %v, %s", v.Title, cur.MediaType, cur.Pages, v.Offline, v.Read)
		}
		if want := strings.Contains(v.Title, "Đất đai"); (v.Marking == papers.MarkingConfidential) != want {
			t.Errorf("%q is %s", v.Title, v.Marking)
		}
		if v.Owner.IsBallot() == (v.Owner.MeetingID != "") {
			t.Errorf("%q belongs to %+v", v.Title, v.Owner)
		}
		r, _, err := p.OpenPaper(v.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil || !strings.HasPrefix(string(b), "%PDF-") || int64(len(b)) != cur.Size() {
			t.Errorf("%q reads back %d bytes (%v), want the %d-byte PDF", v.Title, len(b), err, cur.Size())
		}
	}
}
