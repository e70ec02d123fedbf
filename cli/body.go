package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// Bodies (cơ quan, ban): one organisation serves several, each member
// belongs to one or more with a role in each, and every meeting and ballot
// belongs to one. Every --body flag defaults to the only body when there
// is one, so that scripts written for one body keep working.

// bodyJSON is a body in `body list`.
type bodyJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// membershipJSON is a member's role in one body.
type membershipJSON struct {
	Body string        `json:"body"`
	Role meetings.Role `json:"role"`
}

// body create --name NAME
func defineBodyCreate(fs *flag.FlagSet) action {
	name := fs.String("name", "", "")
	return func(r *runner) error {
		if err := required(fs, "name"); err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		b, err := p.CreateBody(*name)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": b.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.body_created", map[string]any{"name": b.Name, "id": b.ID}))
		})
	}
}

// body list
func defineBodyList(fs *flag.FlagSet) action {
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		bs := p.Bodies()
		out := make([]bodyJSON, 0, len(bs))
		for _, b := range bs {
			out = append(out, bodyJSON{b.ID, b.Name})
		}
		return r.emit(out, func(w io.Writer) {
			rows := [][]string{{r.T("cli.col.id"), r.T("cli.col.members"), r.T("cli.col.body")}}
			for _, b := range bs {
				rows = append(rows, []string{b.ID, fmt.Sprint(len(p.MembersOf(b.ID))), orDash(b.Name)})
			}
			table(w, rows)
		})
	}
}

// bodyID resolves a --body value ("" stays "": the core takes the only
// body, or says one must be chosen).
func (r *runner) bodyID(p *core.Profile, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", nil
	}
	var ids []string
	for _, b := range p.Bodies() {
		ids = append(ids, b.ID)
	}
	return resolve("body", id, ids)
}

// memberIDs resolves a comma-separated list of member IDs.
func (r *runner) memberIDs(p *core.Profile, list string) ([]string, error) {
	var out []string
	for _, e := range strings.Split(list, ",") {
		if e = strings.TrimSpace(e); e == "" {
			continue
		}
		id, err := r.memberID(p, e)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// bodyName is a body's name for text output.
func bodyName(p *core.Profile, id string) string {
	if b, err := p.Body(id); err == nil && b.Name != "" {
		return b.Name
	}
	return meetings.BodyOf(id)
}

func membershipsJSON(m meetings.Member) []membershipJSON {
	out := []membershipJSON{}
	for _, ms := range m.Memberships() {
		out = append(out, membershipJSON{meetings.BodyOf(ms.Body), ms.Role})
	}
	return out
}
