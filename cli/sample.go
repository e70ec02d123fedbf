package cli

import (
	"flag"
	"fmt"
	"io"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/sample"
)

// sample: creates the profile with the sample committee if there is none;
// on an existing profile loads the sample only when it has no meetings yet,
// so running it twice changes nothing.
func defineSample(fs *flag.FlagSet) action {
	return func(r *runner) error {
		dir, err := r.profileDir()
		if err != nil {
			return err
		}
		var p *core.Profile
		created, loaded := false, false
		if !core.Exists(dir) {
			pass, err := r.newPassphrase(envPass, "cli.prompt.new_profile_passphrase")
			if err != nil {
				return err
			}
			if p, err = sample.CreateProfile(dir, pass); err != nil {
				return err
			}
			r.p = p
			created, loaded = true, true
		} else {
			if p, err = r.open(); err != nil {
				return err
			}
			if len(p.Meetings()) == 0 {
				if err := sample.Load(p); err != nil {
					return err
				}
				// and its papers, as a new sample profile has them (an
				// enrolled secretary's profile sends them at its next sync)
				if err := sample.LoadPapers(p); err != nil {
					return err
				}
				loaded = true
			}
		}
		self := p.Self()
		bs := p.Ballots()
		open := 0
		for _, b := range bs {
			if b.Status == ballots.StatusOpen {
				open++
			}
		}
		members, mtgs := len(p.Members()), len(p.Meetings())
		counts := map[string]any{
			"members": members, "meetings": mtgs, "ballots": len(bs), "open": open,
			"name": self.Name, "title": self.Title, "profile": dir, "quoted": shellQuote(dir),
		}
		out := map[string]any{
			"profile": dir, "created": created, "loaded": loaded, "self": self.ID,
			"members": members, "meetings": mtgs, "ballots": len(bs),
		}
		return r.emit(out, func(w io.Writer) {
			if created {
				fmt.Fprintln(w, r.T("cli.out.sample_created", counts))
			}
			if loaded {
				fmt.Fprintln(w, r.T("cli.out.sample_loaded", counts))
			} else {
				fmt.Fprintln(w, r.T("cli.out.sample_kept", counts))
			}
			fmt.Fprintln(w, r.T("cli.out.sample_next", counts))
		})
	}
}
