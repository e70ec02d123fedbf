package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

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

// ballot export --ballot ID --format json|csv [--out FILE]: the same
// files the app's "Export" writes (core.WriteBallotJSON, WriteBallotCSV).
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
		w, done, err := r.output(*out)
		if err != nil {
			return err
		}
		defer done()
		if *format == "csv" {
			return p.WriteBallotCSV(id, w)
		}
		return p.WriteBallotJSON(id, w)
	}
}

// VerifyExport checks a signed export's signature.
func VerifyExport(data []byte) error {
	_, err := core.VerifyExport(data)
	return err
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
			if n == 0 {
				// Nothing to check is not a check that passed.
				fmt.Fprintln(w, r.T("cli.out.audit_empty"))
				return
			}
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
		w, done, err := r.output(*out)
		if err != nil {
			return err
		}
		defer done()
		return p.WriteAuditLog(w)
	}
}

// output is where a command writes its file: path, created, or stdout when
// path is empty; done closes it.
func (r *runner) output(path string) (w io.Writer, done func(), err error) {
	if path == "" {
		return r.stdout, func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, failf("cli.err.write_file", "path", path, "err", err.Error())
	}
	return f, func() { f.Close() }, nil
}

func (r *runner) openAudit(data string) (*core.Profile, error) {
	if data != "" {
		return r.openHub(data)
	}
	return r.open()
}
