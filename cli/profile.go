package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/store"
)

// open unlocks the profile for the command; Main closes it.
func (r *runner) open() (*core.Profile, error) {
	p, _, err := r.unlock()
	return p, err
}

// unlock opens the profile with its passphrase, which it also returns, and
// says on stderr what the journal repaired.
func (r *runner) unlock() (*core.Profile, []byte, error) {
	dir, err := r.profileDir()
	if err != nil {
		return nil, nil, err
	}
	p, pass, err := r.openDir(dir)
	if err != nil {
		return nil, nil, err
	}
	if rec := p.Recovered(); rec.Restored > 0 {
		fmt.Fprintln(r.stderr, "ecabinet:", r.T("cli.warn.restored", map[string]any{"N": rec.Restored, "Answers": rec.Answers}))
	}
	return p, pass, nil
}

// openDir opens the profile or hub data in dir with its passphrase, which
// it also returns; Main closes it.
func (r *runner) openDir(dir string) (*core.Profile, []byte, error) {
	if !core.Exists(dir) {
		return nil, nil, store.ErrNoProfile // before asking for a passphrase
	}
	pass, err := r.passphrase()
	if err != nil {
		return nil, nil, err
	}
	p, err := core.Open(dir, pass)
	if err != nil {
		return nil, nil, err
	}
	r.p = p
	return p, pass, nil
}

// init --name NAME [--title TITLE] --role secretary|chair|member
func defineInit(fs *flag.FlagSet) action {
	name := fs.String("name", "", "")
	title := fs.String("title", "", "")
	role := fs.String("role", "", "")
	return func(r *runner) error {
		if err := required(fs, "name", "role"); err != nil {
			return err
		}
		rl, err := parseRole(*role, meetings.RoleSecretary, meetings.RoleChair, meetings.RoleMember)
		if err != nil {
			return err
		}
		dir, err := r.profileDir()
		if err != nil {
			return err
		}
		if core.Exists(dir) {
			return store.ErrProfileExists // before asking for a passphrase
		}
		pass, err := r.newPassphrase(envPass, "cli.prompt.new_profile_passphrase")
		if err != nil {
			return err
		}
		p, err := core.Create(dir, pass, meetings.Member{Name: strings.TrimSpace(*name), Title: strings.TrimSpace(*title), Role: rl})
		if err != nil {
			return err
		}
		r.p = p
		self := p.Self()
		out := map[string]any{"id": self.ID, "device": p.DeviceID(), "fingerprint": p.Fingerprint(), "profile": dir}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.init", map[string]any{"name": self.Name, "role": r.roleName(self.Role), "profile": dir}))
			table(w, [][]string{
				{"  " + r.T("cli.label.member_id"), self.ID},
				{"  " + r.T("cli.label.device"), p.DeviceID()},
				{"  " + r.T("cli.label.fingerprint"), p.Fingerprint()},
			})
			fmt.Fprintln(w, r.T("cli.out.init_next", map[string]any{"profile": shellQuote(dir)}))
		})
	}
}

// required refuses a command whose required flags were not given.
func required(fs *flag.FlagSet, names ...string) error {
	set := setFlags(fs)
	for _, n := range names {
		if !set[n] {
			return usagef("cli.usage.missing_flag", "flag", "--"+n)
		}
	}
	return nil
}

// setFlags returns the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// parseTime reads an RFC 3339 time ("2023-07-19T08:00:00+07:00").
func parseTime(flagName, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, usagef("cli.usage.bad_time", "flag", "--"+flagName, "value", s)
	}
	return t, nil
}

// parseRole reads a role among the allowed ones.
func parseRole(s string, allowed ...meetings.Role) (meetings.Role, error) {
	for _, a := range allowed {
		if string(a) == s {
			return a, nil
		}
	}
	return "", usagef("cli.usage.bad_choice", "flag", "--role", "value", s, "list", joinValues(allowed))
}

// resolve finds the one ID among ids that equals id or, for people typing
// IDs by hand, starts with it (at least four characters).
func resolve(kind, id string, ids []string) (string, error) {
	id = strings.TrimSpace(id)
	var match []string
	for _, x := range ids {
		if x == id {
			return x, nil
		}
		if len(id) >= 4 && strings.HasPrefix(x, id) {
			match = append(match, x)
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		return "", failf("cli.err.not_found_"+kind, "id", id)
	}
	return "", failf("cli.err.ambiguous_id", "id", id, "n", len(match))
}

func (r *runner) memberID(p *core.Profile, id string) (string, error) {
	var ids []string
	for _, m := range p.Members() {
		ids = append(ids, m.ID)
	}
	return resolve("member", id, ids)
}

func (r *runner) meetingID(p *core.Profile, id string) (string, error) {
	var ids []string
	for _, m := range p.Meetings() {
		ids = append(ids, m.ID)
	}
	return resolve("meeting", id, ids)
}

func (r *runner) ballotID(p *core.Profile, id string) (string, error) {
	var ids []string
	for _, b := range p.Ballots() {
		ids = append(ids, b.ID)
	}
	return resolve("ballot", id, ids)
}

func itemID(m meetings.Meeting, id string) (string, error) {
	var ids []string
	for _, it := range m.Agenda {
		ids = append(ids, it.ID)
	}
	return resolve("item", id, ids)
}

// memberName names a member for people, or shows the ID of one not found.
func memberName(p *core.Profile, id string) string {
	if m, err := p.Member(id); err == nil {
		return m.Name
	}
	return id
}

// openMeeting opens the profile and finds the meeting named by id.
func (r *runner) openMeeting(id string) (*core.Profile, meetings.Meeting, error) {
	p, err := r.open()
	if err != nil {
		return nil, meetings.Meeting{}, err
	}
	mid, err := r.meetingID(p, id)
	if err != nil {
		return nil, meetings.Meeting{}, err
	}
	m, err := p.Meeting(mid)
	return p, m, err
}

// openBallot opens the profile and resolves a (possibly shortened) ballot
// ID.
func (r *runner) openBallot(id string) (*core.Profile, string, error) {
	p, err := r.open()
	if err != nil {
		return nil, "", err
	}
	bid, err := r.ballotID(p, id)
	return p, bid, err
}
