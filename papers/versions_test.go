package papers_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/papers"
)

func TestAddVersion(t *testing.T) {
	t.Run("given a paper when a version is added then it is numbered next and current", func(t *testing.T) {
		p := paper()
		v := version(9) // the number is the paper's to give
		if err := p.AddVersion(v); err != nil {
			t.Fatal(err)
		}
		cur, ok := p.CurrentVersion()
		if !ok || cur.Number != 2 || cur.Manifest.SHA256 != v.Manifest.SHA256 {
			t.Fatalf("current = %+v, %v", cur, ok)
		}
		if err := p.Validate(); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("given an invalid version then refused and nothing changes", func(t *testing.T) {
		p := paper()
		v := version(2)
		v.FileName = ""
		if got := code(t, p.AddVersion(v)); got != "err.paper.file_name_required" {
			t.Fatalf("AddVersion = %q", got)
		}
		if len(p.Versions) != 1 {
			t.Fatalf("%d versions after a refused add", len(p.Versions))
		}
	})
	t.Run("given a recalled paper then refused", func(t *testing.T) {
		p := paper()
		if err := p.Recall(t0); err != nil {
			t.Fatal(err)
		}
		if got := code(t, p.AddVersion(version(2))); got != "err.paper.recalled" {
			t.Fatalf("AddVersion = %q", got)
		}
	})
}

func TestRecall(t *testing.T) {
	p := paper()
	if got := code(t, p.Recall(time.Time{})); got != "err.paper.recalled_at_invalid" {
		t.Fatalf("Recall(zero) = %q", got)
	}
	if p.Recalled {
		t.Fatal("a refused recall recalled")
	}
	if err := p.Recall(t0); err != nil {
		t.Fatal(err)
	}
	if got := code(t, p.Recall(t0.Add(time.Hour))); got != "err.paper.recalled" {
		t.Fatalf("second Recall = %q", got)
	}
	if !p.RecalledAt.Equal(t0) {
		t.Fatalf("RecalledAt = %v, want the first recall's time", p.RecalledAt)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestReadState(t *testing.T) {
	p := paper()
	if err := p.AddVersion(version(2)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		lastOpened int
		want       papers.ReadState
		updated    bool
	}{
		{"given never opened then unread", 0, papers.ReadUnread, false},
		{"given version 1 opened then updated", 1, papers.ReadUpdated, true},
		{"given version 2 opened then read", 2, papers.ReadCurrent, false},
		{"given a number past the current then read", 3, papers.ReadCurrent, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.ReadState(tt.lastOpened); got != tt.want {
				t.Errorf("ReadState(%d) = %q, want %q", tt.lastOpened, got, tt.want)
			}
			if got := p.UpdatedSince(tt.lastOpened); got != tt.updated {
				t.Errorf("UpdatedSince(%d) = %v, want %v", tt.lastOpened, got, tt.updated)
			}
		})
	}
	if got := (papers.Paper{}).ReadState(1); got != papers.ReadUnread {
		t.Errorf("a paper with no versions reads %q", got)
	}
	if _, ok := p.Version(3); ok {
		t.Error("Version(3) found")
	}
	if v, ok := p.Version(1); !ok || v.Number != 1 {
		t.Errorf("Version(1) = %+v, %v", v, ok)
	}
}

// A paper travels in operations and is stored as CBOR: it decodes strictly
// to what was encoded, lineage key and manifests included.
func TestPaper_GivenCBOR_WhenDecoded_ThenTheSamePaper(t *testing.T) {
	p := paper()
	p.Distribution = papers.Distribution{Rule: papers.RuleNamed, Members: []string{"pm", "dpm1"}}
	if err := p.AddVersion(version(2)); err != nil {
		t.Fatal(err)
	}
	b, err := codec.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var got papers.Paper
	if err := codec.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	again, err := codec.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) || got.Lineage != p.Lineage || got.Versions[1].Manifest.SHA256 != p.Versions[1].Manifest.SHA256 {
		t.Fatalf("round trip changed the paper:\n%x\n%x", b, again)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}
