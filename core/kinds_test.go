package core

import (
	"testing"

	"github.com/ecabinet/ecabinet/ops"
)

// Every kind of the table of kinds has a handler here (but the profile's
// introduction, applied before there is an actor), and no handler serves a
// kind the table does not know: a new kind cannot be added to one half only.
func TestAppliers_GivenTheTableOfKinds_ThenEveryKindHasOneHandler(t *testing.T) {
	inTable := map[ops.Kind]bool{}
	for _, k := range ops.Kinds() {
		inTable[k] = true
		_, ok := appliers[k]
		if k == ops.KindProfileInit {
			if ok {
				t.Errorf("%s has a handler, but apply introduces a profile through applyInit", k)
			}
			continue
		}
		if !ok {
			t.Errorf("kind %s has no handler in core/kinds.go", k)
		}
	}
	for k := range appliers {
		if !inTable[k] {
			t.Errorf("handler for %s, a kind the table (ops/kinds.go) does not know", k)
		}
	}
}

// The merges field by field are edits that carry a revision.
func TestFieldEdits_GivenTheTable_ThenOnlyRevisedKinds(t *testing.T) {
	for k := range fieldEdits {
		if s, ok := ops.Lookup(k); !ok || !s.Revised {
			t.Errorf("%s is merged field by field but does not carry a revision", k)
		}
	}
}

func TestRecordPrefix_GivenEveryRecordTypeOfTheTable_ThenAStoreKey(t *testing.T) {
	for _, k := range ops.Kinds() {
		s, _ := ops.Lookup(k)
		rec := s.Record(ops.Op{Kind: k}, s.New())
		if rec.Type == ops.RecordShare {
			continue // a member's share names records of the other types (reveal.go)
		}
		if _, ok := recordPrefix[rec.Type]; !ok {
			t.Errorf("%s touches a %q record, which has no store prefix", k, rec.Type)
		}
	}
}
