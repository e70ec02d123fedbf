package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ecabinet/ecabinet/meetings"
)

// memberJSON is a member in `member list`. Role is the member's role as
// recorded (for a profile with one body, their role in it; with several,
// "secretary" for the organisation's secretariat and "member" otherwise);
// Bodies gives their role in each body they belong to.
type memberJSON struct {
	ID     string           `json:"id"`
	Name   string           `json:"name"`
	Title  string           `json:"title"`
	Role   meetings.Role    `json:"role"`
	Bodies []membershipJSON `json:"bodies"`
}

// member add --name NAME [--title TITLE] --role ROLE [--body ID]: a new
// member with ROLE in the body. member add --member ID --role ROLE [--body
// ID]: an existing member joins the body with ROLE (or changes their role
// there).
func defineMemberAdd(fs *flag.FlagSet) action {
	name := fs.String("name", "", "")
	title := fs.String("title", "", "")
	role := fs.String("role", "", "")
	body := fs.String("body", "", "")
	member := fs.String("member", "", "")
	return func(r *runner) error {
		set := setFlags(fs)
		if set["member"] && (set["name"] || set["title"]) {
			return usagef("cli.usage.member_or_name")
		}
		need := []string{"name", "role"}
		if set["member"] {
			need = []string{"member", "role"}
		}
		if err := required(fs, need...); err != nil {
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
		bid, err := r.bodyID(p, *body)
		if err != nil {
			return err
		}
		if set["member"] {
			id, err := r.memberID(p, *member)
			if err != nil {
				return err
			}
			if err := p.SetMembership(id, bid, rl); err != nil {
				return err
			}
			m, err := p.Member(id)
			if err != nil {
				return err
			}
			return r.emit(map[string]any{"id": m.ID, "bodies": membershipsJSON(m)}, func(w io.Writer) {
				fmt.Fprintln(w, r.T("cli.out.membership_set", map[string]any{"name": m.Name, "role": r.roleName(rl), "body": bodyName(p, bid)}))
			})
		}
		nm := meetings.Member{Name: *name, Title: *title, Role: rl}
		if len(p.Bodies()) > 1 || (bid != "" && bid != meetings.MainBody) {
			// With one body a new member is recorded as earlier versions
			// did (the main body with their role); with several, as a
			// membership of the body.
			if bid == "" {
				return usagef("cli.usage.missing_flag", "flag", "--body")
			}
			nm.Bodies = []meetings.Membership{{Body: bid, Role: rl}}
		}
		m, err := p.AddMember(nm)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": m.ID}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.member_added", map[string]any{"name": m.Name, "role": r.roleName(rl), "id": m.ID}))
		})
	}
}

// member leave --member ID --body ID: the member leaves the body (not the
// organisation: their other bodies stay; their last body cannot go, remove
// the member instead). Their devices lose that body's records at their
// next sync.
func defineMemberLeave(fs *flag.FlagSet) action {
	member := fs.String("member", "", "")
	body := fs.String("body", "", "")
	return func(r *runner) error {
		if err := required(fs, "member", "body"); err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		bid, err := r.bodyID(p, *body)
		if err != nil {
			return err
		}
		id, err := r.memberID(p, *member)
		if err != nil {
			return err
		}
		if err := p.RemoveMembership(id, bid); err != nil {
			return err
		}
		m, err := p.Member(id)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": m.ID, "left": bid, "bodies": membershipsJSON(m)}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.membership_removed", map[string]any{"name": m.Name, "body": bodyName(p, bid)}))
		})
	}
}

// member list [--body ID]: with --body, that body's members, each with
// their role there.
func defineMemberList(fs *flag.FlagSet) action {
	body := fs.String("body", "", "")
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		ms := p.Members()
		if *body != "" {
			bid, err := r.bodyID(p, *body)
			if err != nil {
				return err
			}
			ms = p.MembersOf(bid)
		}
		out := make([]memberJSON, 0, len(ms))
		for _, m := range ms {
			full, _ := p.Member(m.ID)
			out = append(out, memberJSON{m.ID, m.Name, m.Title, m.Role, membershipsJSON(full)})
		}
		self := p.Self().ID
		several := len(p.Bodies()) > 1
		return r.emit(out, func(w io.Writer) {
			// With several bodies and none chosen, the roles are those
			// in each body (the last column), not one role.
			perBody := several && *body == ""
			head := []string{r.T("cli.col.id"), r.T("cli.col.role"), r.T("cli.col.name"), r.T("cli.col.title")}
			if perBody {
				head = []string{r.T("cli.col.id"), r.T("cli.col.name"), r.T("cli.col.title"), r.T("cli.col.bodies")}
			}
			rows := [][]string{head}
			voters := 0
			for i, m := range ms {
				name := m.Name
				if m.ID == self {
					name += " " + r.T("cli.label.you")
				}
				row := []string{m.ID, r.roleName(m.Role), name, orDash(m.Title)}
				votes := m.Role.Votes() // in the body listed, or the only one
				if perBody {
					row = []string{m.ID, name, orDash(m.Title)}
					var in []string
					anyVotes := false
					for _, b := range out[i].Bodies {
						in = append(in, bodyName(p, b.Body)+": "+r.roleName(b.Role))
						anyVotes = anyVotes || b.Role.Votes()
					}
					row = append(row, strings.Join(in, "; "))
					votes = anyVotes
				}
				if votes {
					voters++
				}
				rows = append(rows, row)
			}
			table(w, rows)
			fmt.Fprintln(w, r.T("cli.out.member_count", map[string]any{"N": len(ms), "Voters": voters}))
		})
	}
}
