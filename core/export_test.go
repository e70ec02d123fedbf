package core_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

func TestExport_SignedJSONVerifiesAndTamperingIsCaught(t *testing.T) {
	p, ms := newSecretary(t, t.TempDir())
	defer p.Close()
	b, err := p.IssueBallot(core.BallotInput{Title: "Phiếu lấy ý kiến về Kế hoạch CCHC", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordPaperAnswer(b.ID, ms[0].ID, ballots.ChoiceAgree, "Nhất trí.", []byte("%PDF-1.4 scan")); err != nil {
		t.Fatal(err)
	}
	if _, err := p.RecordAnswerFor(b.ID, ms[1].ID, ballots.ChoiceDisagree, ""); err != nil {
		t.Fatal(err)
	}
	if err := p.CloseBallot(b.ID); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := p.WriteBallotJSON(b.ID, &buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	payload, err := core.VerifyExport([]byte(good))
	if err != nil {
		t.Fatalf("a fresh export does not verify: %v", err)
	}
	if payload.Ballot.ID != b.ID || len(payload.Answers) != 2 || !payload.Answers[0].Paper || payload.Answers[0].MemberName != ms[0].Name {
		t.Fatalf("payload %+v", payload)
	}
	var doc core.SignedExport
	if err := json.Unmarshal([]byte(good), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(string) string
	}{
		{"a choice changed", func(s string) string { return strings.Replace(s, `"choice":"disagree"`, `"choice":"agree"`, 1) }},
		{"a name changed", func(s string) string { return strings.Replace(s, ms[0].Name, "Người khác", 1) }},
		{"another key", func(s string) string {
			other, _ := newSecretary(t, t.TempDir())
			defer other.Close()
			var d core.SignedExport
			_ = json.Unmarshal([]byte(s), &d)
			return strings.Replace(s, d.PublicKey, encodeKey(other.DevicePublicKey()), 1)
		}},
		{"not JSON", func(string) string { return "không phải JSON" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := tc.change(good)
			if bad == good {
				t.Fatal("the change did not apply")
			}
			if _, err := core.VerifyExport([]byte(bad)); err == nil {
				t.Error("a changed export verifies")
			}
		})
	}
	// the CSV has the same rows
	buf.Reset()
	if err := p.WriteBallotCSV(b.ID, &buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][9] != "paper" || rows[1][9] != "true" || rows[2][9] != "true" {
		t.Fatalf("csv %q, %v", rows, err)
	}
}

func encodeKey(k []byte) string {
	b, _ := json.Marshal(k) // base64, as the export writes it
	return strings.Trim(string(b), `"`)
}
