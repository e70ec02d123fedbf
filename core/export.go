package core

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
)

// A ballot's answers leave the application in two forms: CSV for a
// spreadsheet, and JSON signed by this device, which anyone holding the
// device's public key can check was not changed after it was written. The
// desktop app and the command line both write them through here, so the two
// files are the same whichever way they were made.

// ExportAnswer is one answer in an export, late ones included and marked.
type ExportAnswer struct {
	ID         string         `json:"id"`
	MemberID   string         `json:"member_id"`
	MemberName string         `json:"member_name"`
	Choice     ballots.Choice `json:"choice"`
	Comment    string         `json:"comment,omitempty"`
	SignedAt   time.Time      `json:"signed_at"`
	ReceivedAt time.Time      `json:"received_at,omitzero"`
	Late       bool           `json:"late"`
	Counted    bool           `json:"counted"`
	// Paper marks an answer given on paper and recorded by the secretariat.
	Paper bool `json:"paper,omitempty"`
	// Papers is the version of each of the ballot's papers that was
	// current when the answer was given (paper ID → version number).
	Papers map[string]int `json:"papers,omitempty"`
}

// ExportPayload is what a signed JSON export signs: the ballot, the tally
// made on this computer, the hub's signed result when there is one, and
// every answer in the order it was signed.
type ExportPayload struct {
	Ballot     ballots.Ballot `json:"ballot"`
	Result     ballots.Result `json:"result"`
	HubResult  *ResultCheck   `json:"hub_result,omitempty"`
	Answers    []ExportAnswer `json:"answers"`
	ExportedAt time.Time      `json:"exported_at"`
	ExportedBy string         `json:"exported_by"`
}

// SignedExport wraps the payload with the device's signature over the exact
// bytes of Payload, so anyone with the device key can check the file.
type SignedExport struct {
	Payload   json.RawMessage `json:"payload"`
	Device    string          `json:"device"`
	PublicKey string          `json:"public_key"`
	Signature string          `json:"signature"`
	Algorithm string          `json:"algorithm"`
}

// BallotExport gathers what an export of a ballot holds. It tallies the
// ballot (disk and signatures), so screens call it off the UI goroutine.
// Answers that fail their signature check are left out, as in the tally.
func (p *Profile) BallotExport(id string) (ExportPayload, error) {
	b, err := p.Ballot(id)
	if err != nil {
		return ExportPayload{}, err
	}
	res, answers, err := p.Tally(id)
	if err != nil && !errors.Is(err, ErrBadSignature) {
		return ExportPayload{}, err
	}
	eff := ballots.Counted(b, answers)
	rows := make([]ExportAnswer, 0, len(answers))
	for _, a := range answers {
		name := a.MemberID
		if m, err := p.Member(a.MemberID); err == nil {
			name = m.Name
		}
		e, ok := eff[a.MemberID]
		rows = append(rows, ExportAnswer{ID: a.ID, MemberID: a.MemberID, MemberName: name, Choice: a.Choice,
			Comment: a.Comment, SignedAt: a.At, ReceivedAt: a.ReceivedAt, Late: b.IsLate(a),
			Counted: ok && e.ID == a.ID, Paper: a.Paper, Papers: a.Papers})
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].SignedAt.Before(rows[j].SignedAt) })
	out := ExportPayload{Ballot: b, Result: res, Answers: rows, ExportedAt: p.now().UTC(), ExportedBy: p.Self().Name}
	if rc, ok := p.BallotResult(id); ok {
		out.HubResult = &rc
	}
	return out, nil
}

// WriteBallotJSON writes a ballot's export as JSON signed by this device
// (one line; see SignedExport).
func (p *Profile) WriteBallotJSON(id string, w io.Writer) error {
	payload, err := p.BallotExport(id)
	if err != nil {
		return err
	}
	pb, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	doc := SignedExport{Payload: pb, Device: p.dev.ID, PublicKey: base64.StdEncoding.EncodeToString(p.dev.Pub),
		Signature: base64.StdEncoding.EncodeToString(p.dev.Sign(pb)), Algorithm: "Ed25519 over the bytes of payload"}
	// Not indented: the payload's bytes must stay exactly the signed ones.
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// WriteBallotCSV writes a ballot's answers as CSV, one row per answer in
// the order they were signed; the last column says whether the answer was
// given on paper.
func (p *Profile) WriteBallotCSV(id string, w io.Writer) error {
	payload, err := p.BallotExport(id)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"answer_id", "member_id", "member_name", "choice", "comment", "signed_at", "received_at", "late", "counted", "paper"}); err != nil {
		return err
	}
	for _, a := range payload.Answers {
		recv := ""
		if !a.ReceivedAt.IsZero() {
			recv = a.ReceivedAt.Format(time.RFC3339)
		}
		if err := cw.Write([]string{a.ID, a.MemberID, a.MemberName, string(a.Choice), a.Comment, a.SignedAt.Format(time.RFC3339), recv,
			strconv.FormatBool(a.Late), strconv.FormatBool(a.Counted), strconv.FormatBool(a.Paper)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// VerifyExport checks a signed export's signature and returns its payload.
func VerifyExport(data []byte) (ExportPayload, error) {
	var doc SignedExport
	if err := json.Unmarshal(data, &doc); err != nil {
		return ExportPayload{}, err
	}
	pub, err := base64.StdEncoding.DecodeString(doc.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return ExportPayload{}, errors.New("export: bad public key")
	}
	sig, err := base64.StdEncoding.DecodeString(doc.Signature)
	if err != nil {
		return ExportPayload{}, errors.New("export: bad signature encoding")
	}
	if !ed25519.Verify(pub, doc.Payload, sig) {
		return ExportPayload{}, errors.New("export: signature does not verify")
	}
	var payload ExportPayload
	if err := json.Unmarshal(doc.Payload, &payload); err != nil {
		return ExportPayload{}, err
	}
	return payload, nil
}

// WriteAuditLog writes the audit log as JSON lines, one entry a line, in
// chain order (what `audit export` writes).
func (p *Profile) WriteAuditLog(w io.Writer) error {
	entries, err := p.AuditEntries()
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}
