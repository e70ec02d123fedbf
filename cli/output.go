package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// usageError is a mistake in the command line: exit status 2, the message
// and the command's usage line on stderr.
type usageError struct {
	key  string
	data map[string]any
}

func (e *usageError) Error() string { return fmt.Sprintf("%s %v", e.key, e.data) }

func usagef(key string, kv ...any) *usageError {
	return &usageError{key: key, data: kvMap(kv)}
}

// cliError is an error the commands themselves detect (no passphrase, the
// two passphrases differ, an ambiguous ID …): exit status 1.
type cliError struct {
	key  string
	data map[string]any
}

func (e *cliError) Error() string { return fmt.Sprintf("%s %v", e.key, e.data) }

func failf(key string, kv ...any) *cliError { return &cliError{key: key, data: kvMap(kv)} }

func kvMap(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// errorMessage explains err in the runner's language.
func (r *runner) errorMessage(err error) string {
	var ce *cliError
	if errors.As(err, &ce) {
		return r.T(ce.key, ce.data)
	}
	if msg, ok := r.hubError(err); ok {
		return msg
	}
	key := core.ErrorKey(err)
	// A domain error's Args fill its message, as in the app (errorText).
	var args map[string]any
	var de *meetings.Error
	if errors.As(err, &de) {
		args = de.Args
	}
	msg := r.T(key, args)
	if key == "err.unexpected" {
		msg += " (" + err.Error() + ")"
	}
	return msg
}

// emit prints the command's result: v as one JSON document with --json,
// else what text writes.
func (r *runner) emit(v any, text func(w io.Writer)) error {
	if r.g.JSON {
		enc := json.NewEncoder(r.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	text(r.stdout)
	return nil
}

// table writes aligned columns; the last column may be long. Lines carry
// no trailing blanks when their last cells are empty.
func table(w io.Writer, rows [][]string) {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, row := range rows {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line != "" {
			io.WriteString(w, strings.TrimRight(line, " \n")+"\n")
		}
	}
}

// when formats a time for people, in the computer's time zone with its
// offset, the Vietnamese way (day/month/year) or the ISO way.
func (r *runner) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.Local()
	layout := "2006-01-02 15:04"
	if r.lang == langVI {
		layout = "15:04 02/01/2006"
	}
	return t.Format(layout) + " (UTC" + t.Format("-07:00") + ")"
}

func (r *runner) roleName(role meetings.Role) string { return r.T("cli.role." + string(role)) }

func (r *runner) meetingStatus(s meetings.Status) string {
	return r.T("cli.meeting_status." + string(s))
}

func (r *runner) ballotStatus(s ballots.Status) string { return r.T("cli.ballot_status." + string(s)) }

func (r *runner) choiceName(c ballots.Choice) string { return r.T("cli.choice." + string(c)) }

// joinValues lists the values a flag accepts, for a bad_choice message.
func joinValues[T ~string](vs []T) string {
	names := make([]string, len(vs))
	for i, v := range vs {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// orDash shows an empty value as a dash.
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
