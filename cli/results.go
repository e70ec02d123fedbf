package cli

import (
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
)

// ballot remind --ballot ID [--message TEXT]
func defineBallotRemind(fs *flag.FlagSet) action {
	ballot := fs.String("ballot", "", "")
	msg := fs.String("message", "", "")
	return func(r *runner) error {
		if err := required(fs, "ballot"); err != nil {
			return err
		}
		p, id, err := r.openBallot(*ballot)
		if err != nil {
			return err
		}
		if err := p.RemindBallot(id, *msg); err != nil {
			return err
		}
		b, _ := p.Ballot(id)
		return r.emit(map[string]any{"ballot": id, "reminded": true}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.reminded", map[string]any{"title": b.Title}))
		})
	}
}

// exportAnswer is one answer in an export, late ones included and marked.
type exportAnswer struct {
	ID         string         `json:"id"`
	MemberID   string         `json:"member_id"`
	MemberName string         `json:"member_name"`
	Choice     ballots.Choice `json:"choice"`
	Comment    string         `json:"comment,omitempty"`
	SignedAt   time.Time      `json:"signed_at"`
	ReceivedAt time.Time      `json:"received_at,omitzero"`
	Late       bool           `json:"late"`
	Counted    bool           `json:"counted"`
}

// exportPayload is what `ballot export --format json` signs.
type exportPayload struct {
	Ballot     ballots.Ballot    `json:"ballot"`
	Result     ballots.Result    `json:"result"`
	HubResult  *core.ResultCheck `json:"hub_result,omitempty"`
	Answers    []exportAnswer    `json:"answers"`
	ExportedAt time.Time         `json:"exported_at"`
	ExportedBy string            `json:"exported_by"`
}

// signedExport wraps the payload with the device's signature over the exact
// bytes of Payload, so anyone with the device key can check the file.
type signedExport struct {
	Payload   json.RawMessage `json:"payload"`
	Device    string          `json:"device"`
	PublicKey string          `json:"public_key"`
	Signature string          `json:"signature"`
	Algorithm string          `json:"algorithm"`
}

// ballot export --ballot ID --format json|csv [--out FILE]
func defineBallotExport(fs *flag.FlagSet) action {
	ballot := fs.String("ballot", "", "")
	format := fs.String("format", "json", "")
	out := fs.String("out", "", "")
	return func(r *runner) error {
		if err := required(fs, "ballot"); err != nil {
			return err
		}
		if *format != "json" && *format != "csv" {
			return usagef("cli.usage.bad_choice", "flag", "--format", "value", *format, "list", "json, csv")
		}
		p, id, err := r.openBallot(*ballot)
		if err != nil {
			return err
		}
		b, _ := p.Ballot(id)
		res, answers, err := p.Tally(id)
		if err != nil && !errors.Is(err, core.ErrBadSignature) {
			return err
		}
		eff := ballots.Effective(countable(b, answers))
		rows := make([]exportAnswer, 0, len(answers))
		for _, a := range answers {
			counted := false
			if e, ok := eff[a.MemberID]; ok && e.ID == a.ID {
				counted = true
			}
			rows = append(rows, exportAnswer{a.ID, a.MemberID, memberName(p, a.MemberID), a.Choice, a.Comment, a.At, a.ReceivedAt, b.IsLate(a), counted})
		}
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].SignedAt.Before(rows[j].SignedAt) })
		w := r.stdout
		if *out != "" {
			f, err := os.Create(*out)
			if err != nil {
				return failf("cli.err.write_file", "path", *out, "err", err.Error())
			}
			defer f.Close()
			w = f
		}
		if *format == "csv" {
			cw := csv.NewWriter(w)
			cw.Write([]string{"answer_id", "member_id", "member_name", "choice", "comment", "signed_at", "received_at", "late", "counted"})
			for _, a := range rows {
				recv := ""
				if !a.ReceivedAt.IsZero() {
					recv = a.ReceivedAt.Format(time.RFC3339)
				}
				cw.Write([]string{a.ID, a.MemberID, a.MemberName, string(a.Choice), a.Comment, a.SignedAt.Format(time.RFC3339), recv, strconv.FormatBool(a.Late), strconv.FormatBool(a.Counted)})
			}
			cw.Flush()
			return cw.Error()
		}
		payload := exportPayload{Ballot: b, Result: res, Answers: rows, ExportedAt: time.Now().UTC(), ExportedBy: p.Self().Name}
		if rc, ok := p.BallotResult(id); ok {
			payload.HubResult = &rc
		}
		pb, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		sig, err := p.DeviceSigner().Sign(nil, pb, noHash{})
		if err != nil {
			return err
		}
		doc := signedExport{Payload: pb, Device: p.DeviceID(), PublicKey: base64.StdEncoding.EncodeToString(p.DevicePublicKey()),
			Signature: base64.StdEncoding.EncodeToString(sig), Algorithm: "Ed25519 over the bytes of payload"}
		// Not indented: the payload's bytes must stay exactly the signed ones.
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	}
}

// VerifyExport checks a signed export's signature.
func VerifyExport(data []byte) error {
	var doc signedExport
	if err := json.Unmarshal(data, &doc); err != nil {
		return err
	}
	pub, err := base64.StdEncoding.DecodeString(doc.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return errors.New("export: bad public key")
	}
	sig, err := base64.StdEncoding.DecodeString(doc.Signature)
	if err != nil {
		return errors.New("export: bad signature encoding")
	}
	if !ed25519.Verify(pub, doc.Payload, sig) {
		return errors.New("export: signature does not verify")
	}
	return nil
}

// countable keeps the answers the rule engine counts: on time, offered,
// from eligible members.
func countable(b ballots.Ballot, answers []ballots.Answer) []ballots.Answer {
	var out []ballots.Answer
	for _, a := range answers {
		if a.BallotID == b.ID && b.IsEligible(a.MemberID) && b.Offers(a.Choice) && !b.IsLate(a) {
			out = append(out, a)
		}
	}
	return out
}

// audit verify [--data DIR]: checks the hash chain of the hub's log (with
// --data) or of this profile's copy.
func defineAuditVerify(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	return func(r *runner) error {
		p, err := r.openAudit(*data)
		if err != nil {
			return err
		}
		n, verr := p.AuditVerify()
		head, hash := p.AuditHead()
		var ap *core.AuditProblem
		if errors.As(verr, &ap) {
			fmt.Fprintln(r.stderr, "ecabinet:", r.T("cli.err.audit_broken", map[string]any{"n": ap.N, "reason": ap.Reason}))
			return failf("cli.err.audit_failed", "n", ap.N)
		}
		if verr != nil {
			return verr
		}
		out := map[string]any{"entries": n, "head": head, "head_hash": fmt.Sprintf("%x", hash), "ok": true}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.audit_ok", map[string]any{"n": n, "hash": fmt.Sprintf("%x", hash)}))
		})
	}
}

// audit export [--data DIR] [--out FILE]: the chain as JSON lines.
func defineAuditExport(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	out := fs.String("out", "", "")
	return func(r *runner) error {
		p, err := r.openAudit(*data)
		if err != nil {
			return err
		}
		entries, err := p.AuditEntries()
		if err != nil {
			return err
		}
		w := r.stdout
		if *out != "" {
			f, err := os.Create(*out)
			if err != nil {
				return failf("cli.err.write_file", "path", *out, "err", err.Error())
			}
			defer f.Close()
			w = f
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
}

func (r *runner) openAudit(data string) (*core.Profile, error) {
	if data != "" {
		return r.openHub(data)
	}
	return r.open()
}

type noHash struct{}

func (noHash) HashFunc() crypto.Hash { return 0 }
