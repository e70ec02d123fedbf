package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/ecabinet/ecabinet/meetings"
)

// memberJSON is a member in `member list`.
type memberJSON struct {
	ID    string        `json:"id"`
	Name  string        `json:"name"`
	Title string        `json:"title"`
	Role  meetings.Role `json:"role"`
}

// member add --name NAME [--title TITLE] --role chair|member|secretary|guest
func defineMemberAdd(fs *flag.FlagSet) action {
	name := fs.String("name", "", "")
	title := fs.String("title", "", "")
	role := fs.String("role", "", "")
	return func(r *runner) error {
		if err := required(fs, "name", "role"); err != nil {
			return err
		}
		rl, err := parseRole(*role, meetings.Roles...)
		if err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		m, err := p.AddMember(meetings.Member{Name: *name, Title: *title, Role: rl})
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": m.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.member_added", map[string]any{"name": m.Name, "role": r.roleName(m.Role), "id": m.ID}))
		})
	}
}

// member list
func defineMemberList(fs *flag.FlagSet) action {
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		ms := p.Members()
		out := make([]memberJSON, 0, len(ms))
		for _, m := range ms {
			out = append(out, memberJSON{m.ID, m.Name, m.Title, m.Role})
		}
		self := p.Self().ID
		return r.emit(out, func(w io.Writer) {
			rows := [][]string{{r.T("cli.col.id"), r.T("cli.col.role"), r.T("cli.col.name"), r.T("cli.col.title")}}
			for _, m := range ms {
				name := m.Name
				if m.ID == self {
					name += " " + r.T("cli.label.you")
				}
				rows = append(rows, []string{m.ID, r.roleName(m.Role), name, orDash(m.Title)})
			}
			table(w, rows)
			fmt.Fprintln(w, r.T("cli.out.member_count", map[string]any{"N": len(ms), "Voters": len(meetings.Voters(ms))}))
		})
	}
}
