package ops_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
)

// declaredKinds reads the values of every constant of type Kind declared in
// the package's source, so that a kind added without a table entry fails
// here even if nobody remembers to list it.
func declaredKinds(t *testing.T) map[string]ops.Kind {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	out := map[string]ops.Kind{}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				vs := s.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
					continue
				}
				for i, n := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: kind %s is not a string literal", name, n.Name)
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Fatal(err)
					}
					out[n.Name] = ops.Kind(v)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no Kind constants found: the parser looked in the wrong place")
	}
	return out
}

func TestTable_GivenEveryDeclaredKind_ThenItHasAFullEntry(t *testing.T) {
	declared := declaredKinds(t)
	for name, k := range declared {
		t.Run(name, func(t *testing.T) {
			s, ok := ops.Lookup(k)
			if !ok {
				t.Fatalf("kind %s (%q) has no entry in the table of kinds (ops/kinds.go)", name, k)
			}
			if s.Kind != k {
				t.Errorf("entry kind = %q, want %q", s.Kind, k)
			}
			if s.Maker == 0 {
				t.Error("entry names no role rule (Maker)")
			}
			if s.Audience == 0 {
				t.Error("entry names no audience: it must say who receives it")
			}
			if s.Text == "" {
				t.Error("entry names no description (Text)")
			}
			body := s.New()
			if v := reflect.ValueOf(body); v.Kind() != reflect.Pointer || !v.Elem().IsZero() {
				t.Errorf("New() = %#v, want a pointer to a zero body", body)
			}
			// A zero body still names a record type, and reading it never panics.
			rec := s.Record(ops.Op{Kind: k}, body)
			if rec.Type == ops.RecordNone {
				t.Error("entry names no record type")
			}
			if s.Repair && rec.Type == ops.RecordNone {
				t.Error("a repairable op must name a record")
			}
		})
	}
	// And nothing in the table that is not declared.
	var want []ops.Kind
	for _, k := range declared {
		want = append(want, k)
	}
	got := ops.Kinds()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("table kinds = %v, want the declared %v (a duplicate or an undeclared entry)", got, want)
	}
}

func TestTable_GivenEveryKind_ThenDescribedInBothLanguages(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		raw, err := os.ReadFile(filepath.Join("..", "assets", "translations", "cli."+lang+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var words map[string]string
		if err := json.Unmarshal(raw, &words); err != nil {
			t.Fatal(err)
		}
		for _, k := range ops.Kinds() {
			key := ops.TextKey(k)
			if words[key] == "" {
				t.Errorf("%s: kind %s: no translation for %q", lang, k, key)
			}
		}
	}
	if got := ops.TextKey("paper.unknown"); got != "" {
		t.Errorf("TextKey of a kind not in the table = %q, want empty", got)
	}
}

func TestRecordOf_GivenEachKind_ThenNamesItsRecord(t *testing.T) {
	dev := device(t, 1)
	item := meetings.AgendaItem{ID: "i1", Title: "Đề án A"}
	tests := []struct {
		kind ops.Kind
		body any
		want ops.Record
	}{
		{ops.KindMemberPut, ops.MemberPut{Member: meetings.Member{ID: "m2", Name: "Lan"}}, ops.Record{Type: ops.RecordMember, ID: "m2", Name: "Lan"}},
		{ops.KindDeviceEnroll, ops.DeviceEnroll{MemberID: "m2", PubKey: []byte{1}}, ops.Record{Type: ops.RecordMember, ID: "m2", Key: []byte{1}}},
		{ops.KindMeetingCreate, ops.MeetingCreate{Meeting: meetings.Meeting{ID: "g1", Title: "Phiên họp"}}, ops.Record{Type: ops.RecordMeeting, ID: "g1", Name: "Phiên họp"}},
		{ops.KindAttendance, ops.Attendance{MeetingID: "g1", MemberID: "m2"}, ops.Record{Type: ops.RecordMeeting, ID: "g1", Member: "m2"}},
		{ops.KindAgendaUpdate, ops.AgendaUpdate{MeetingID: "g1", Item: item}, ops.Record{Type: ops.RecordMeeting, ID: "g1", Item: "i1", ItemName: "Đề án A"}},
		{ops.KindAgendaMove, ops.AgendaMove{MeetingID: "g1", ItemID: "i1", To: 2}, ops.Record{Type: ops.RecordMeeting, ID: "g1", Item: "i1"}},
		{ops.KindConsentMark, ops.ConsentMark{MeetingID: "g1", ItemID: "i1", Mark: meetings.ConsentNoObjection}, ops.Record{Type: ops.RecordMeeting, ID: "g1", Item: "i1", Owner: "m1"}},
		{ops.KindBallotIssue, ops.BallotIssue{Ballot: ballots.Ballot{ID: "b1", Title: "Phiếu"}}, ops.Record{Type: ops.RecordBallot, ID: "b1", Name: "Phiếu"}},
		{ops.KindBallotAnswer, ops.BallotAnswer{Answer: ballots.Answer{BallotID: "b1", MemberID: "m1"}}, ops.Record{Type: ops.RecordBallot, ID: "b1", Owner: "m1"}},
		{ops.KindBallotAnswer, ops.BallotAnswer{Answer: ballots.Answer{BallotID: "b1", MemberID: "m3", Paper: true}}, ops.Record{Type: ops.RecordBallot, ID: "b1", Owner: "m3", Member: "m3"}},
		{ops.KindBallotExtend, ops.BallotExtend{BallotID: "b1", Deadline: t0}, ops.Record{Type: ops.RecordBallot, ID: "b1"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			op := newOp(t, dev, 1, tt.kind, tt.body) // made by member m1
			s, rec, ok := ops.RecordOf(op)
			if !ok || s.Kind != tt.kind {
				t.Fatalf("RecordOf = %v, %v, want the entry of %s", s.Kind, ok, tt.kind)
			}
			if !reflect.DeepEqual(rec, tt.want) {
				t.Errorf("RecordOf = %+v, want %+v", rec, tt.want)
			}
		})
	}
}

func TestRecordOf_GivenUnknownKindOrBadBody_ThenFalse(t *testing.T) {
	dev := device(t, 1)
	if _, _, ok := ops.RecordOf(newOp(t, dev, 1, "paper.unknown", ops.BallotClose{BallotID: "b1"})); ok {
		t.Error("a kind not in the table named a record")
	}
	bad := newOp(t, dev, 1, ops.KindBallotClose, "not a body")
	if _, _, ok := ops.RecordOf(bad); ok {
		t.Error("a body of the wrong shape named a record")
	}
}

func TestRecordOf_GivenFieldOfANewerVersion_ThenStillNamesTheRecord(t *testing.T) {
	dev := device(t, 1)
	newer := struct {
		BallotID string `cbor:"1,keyasint"`
		Later    string `cbor:"9,keyasint"`
	}{"b1", "a field this version does not know"}
	op := newOp(t, dev, 1, ops.KindBallotClose, newer)
	s, _ := ops.Lookup(ops.KindBallotClose)
	if _, err := s.Decode(op); err == nil {
		t.Error("Decode accepted an unknown field; applying must stay strict")
	}
	if _, rec, ok := ops.RecordOf(op); !ok || rec.ID != "b1" {
		t.Errorf("RecordOf = %+v, %v, want ballot b1", rec, ok)
	}
}

func TestMaker_GivenRoles_ThenAllowsAsTheRuleSays(t *testing.T) {
	sec := meetings.Member{Role: meetings.RoleSecretary}
	gone := meetings.Member{Role: meetings.RoleSecretary, Removed: true}
	sys := meetings.Member{Role: meetings.RoleSystem}
	chair := meetings.Member{Role: meetings.RoleChair}
	mem := meetings.Member{Role: meetings.RoleMember}
	tests := []struct {
		maker ops.Maker
		who   meetings.Member
		want  bool
	}{
		{ops.BySecretariat, sec, true},
		{ops.BySecretariat, sys, true},
		{ops.BySecretariat, gone, false},
		{ops.BySecretariat, chair, false},
		{ops.BySecretariat, mem, false},
		{ops.ByVoter, chair, true},
		{ops.ByVoter, mem, true},
		{ops.ByVoter, sec, false},
		{ops.ByMember, mem, true},
		{ops.ByMember, sec, true},
		{ops.ByHub, sys, true},
		{ops.ByHub, sec, false},
		{0, sys, false},
	}
	for _, tt := range tests {
		if got := tt.maker.Allows(tt.who); got != tt.want {
			t.Errorf("Maker(%d).Allows(%s, removed %v) = %v, want %v", tt.maker, tt.who.Role, tt.who.Removed, got, tt.want)
		}
	}
}
