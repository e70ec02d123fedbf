package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/store"
)

// The hub commands work on a hub's data directory (--data), protected by
// its own passphrase (ECABINET_PASSPHRASE, or asked on the terminal).

func (r *runner) openHub(dir string) (*core.Profile, error) {
	if dir == "" {
		return nil, usagef("cli.usage.missing_flag", "flag", "--data")
	}
	p, _, err := r.openDir(dir)
	if err != nil {
		return nil, err
	}
	if !p.IsHub() {
		return nil, failf("cli.err.not_a_hub", "dir", dir)
	}
	return p, nil
}

// hub init --data DIR --name ORG [--secretary NAME] [--host H,...] [--ttl 10m]
//
// hub init --store postgres://… [--chunks s3://…] --org ORG […]: the same
// hub, made in PostgreSQL (schema included) for the scaled-out layout.
func defineHubInit(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	name := fs.String("name", "", "")
	dsn := fs.String("store", "", "")
	chunks := fs.String("chunks", "", "")
	org := fs.String("org", "", "")
	sec := fs.String("secretary", "Thư ký", "")
	hosts := fs.String("host", "", "")
	ttl := fs.Duration("ttl", replica.DefaultInviteTTL, "")
	return func(r *runner) error {
		if *dsn != "" {
			if *org == "" {
				*org = *name
			}
			if *org == "" {
				return usagef("cli.usage.missing_flag", "flag", "--org")
			}
			var hs []string
			if *hosts != "" {
				hs = append([]string{"127.0.0.1", "::1", "localhost"}, strings.Split(*hosts, ",")...)
			}
			return r.initShared(*dsn, *chunks, *org, *sec, hs, *ttl)
		}
		if *name == "" {
			*name = *org
		}
		if err := required(fs, "data"); err != nil {
			return err
		}
		if *name == "" {
			return usagef("cli.usage.missing_flag", "flag", "--name")
		}
		if core.Exists(*data) {
			return store.ErrProfileExists
		}
		pass, err := r.newPassphrase(envPass, "cli.prompt.new_hub_passphrase")
		if err != nil {
			return err
		}
		var hs []string
		if *hosts != "" {
			hs = append([]string{"127.0.0.1", "::1", "localhost"}, strings.Split(*hosts, ",")...)
		}
		p, res, err := replica.InitHub(*data, pass, *name, *sec, hs, *ttl)
		if err != nil {
			return err
		}
		r.p = p
		return r.emit(res, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.hub_init", map[string]any{"org": res.Org, "dir": *data}))
			table(w, [][]string{
				{"  " + r.T("cli.label.hub_fingerprint"), res.Fingerprint},
				{"  " + r.T("cli.label.invite"), res.Invite},
				{"  " + r.T("cli.label.expires"), r.when(res.Expires)},
			})
			fmt.Fprintln(w, r.T("cli.out.hub_init_next"))
		})
	}
}

// hub serve --data DIR [--listen 127.0.0.1:8443] [--metrics 127.0.0.1:9464] [--log-level info]
//
// --log-level debug also logs each chunk served (its paper, its device and
// its bytes): what an operator, or a test that kills the hub mid-transfer,
// reads to know how many bytes were sent.
//
// Metrics (Prometheus, plain HTTP) have their own listener, on loopback
// unless the operator names another address; --metrics "" turns them off.
// An address that cannot be bound is logged and the hub serves anyway.
// They are never served on the devices' TLS listener, where anyone who
// completes a handshake could read them.
//
// hub serve --store postgres://… --chunks s3://… --cache DIR [--listen …]
// (or --config FILE holding the same settings): one process of a
// scaled-out hub; several with the same settings behind one address are
// one hub.
func defineHubServe(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	dsn := fs.String("store", "", "")
	chunks := fs.String("chunks", "", "")
	cache := fs.String("cache", "", "")
	config := fs.String("config", "", "")
	listen := fs.String("listen", "127.0.0.1:8443", "")
	metrics := fs.String("metrics", "127.0.0.1:9464", "")
	level := fs.String("log-level", "info", "")
	return func(r *runner) error {
		if *config != "" {
			cfg, err := readHubConfig(*config)
			if err != nil {
				return err
			}
			// The file fills what the command line did not say.
			set := setFlags(fs)
			for name, v := range map[string]*string{"store": dsn, "chunks": chunks, "cache": cache, "listen": listen, "metrics": metrics, "log-level": level} {
				if c, ok := cfg[name]; ok && !set[name] {
					*v = c
				}
			}
			return r.serve(*data, *dsn, *chunks, *cache, *listen, *metrics, *level, cfg)
		}
		return r.serve(*data, *dsn, *chunks, *cache, *listen, *metrics, *level, hubConfig{})
	}
}

// serveContext is what ends `hub serve`: SIGINT or SIGTERM (a test
// cancels it instead).
var serveContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// serve runs `hub serve`, on a data directory or, with dsn, as one process
// of a scaled-out hub.
func (r *runner) serve(data, dsn, chunks, cache, listen, metrics, level string, cfg hubConfig) error {
	if data == "" && dsn == "" {
		return usagef("cli.usage.missing_flag", "flag", "--data")
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return usagef("cli.usage.bad_choice", "flag", "--log-level", "value", level, "list", "debug, info, warn, error")
	}
	log := slog.New(slog.NewJSONHandler(r.stderr, &slog.HandlerOptions{Level: lvl}))
	ctx, stop := serveContext()
	defer stop()
	var h *replica.Hub
	var fp string
	if dsn != "" {
		sh, closeShared, err := r.serveShared(ctx, dsn, chunks, cache, cfg, log)
		if err != nil {
			return err
		}
		defer closeShared()
		h = sh
		fp, _ = h.Fingerprint()
	} else {
		p, err := r.openHub(data)
		if err != nil {
			return err
		}
		if h, err = replica.NewHub(p, log); err != nil {
			return err
		}
		admin, err := replica.ServeAdmin(data, p)
		if err != nil {
			return err
		}
		defer admin.Close()
		defer os.Remove(filepath.Join(data, "admin.sock"))
		fp, _ = replica.HubFingerprint(p)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return failf("cli.err.listen", "addr", listen, "err", err.Error())
	}
	if metrics != "" {
		// Devices matter more than the dashboard: a metrics address
		// already taken (a second hub on this machine) is logged, and
		// the hub serves its devices all the same.
		if mln, err := net.Listen("tcp", metrics); err != nil {
			log.Error("metrics not served", "address", metrics, "err", err)
		} else {
			go func() {
				if err := h.ServeMetrics(ctx, mln); err != nil {
					log.Error("metrics listener stopped", "err", err)
				}
			}()
			log.Info("metrics serving", "address", mln.Addr().String(), "path", replica.PathMetrics)
		}
	}
	log.Info("hub ready", "address", ln.Addr().String(), "fingerprint", fp)
	return h.Serve(ctx, ln)
}

// adminOrOpen runs an admin command through the running hub, or on the
// data directory itself when no hub runs there; on a scaled-out hub, on
// the admin cache at cache (see sharedAdmin).
func (r *runner) adminOrOpen(dir, dsn, cache string, req replica.AdminRequest) (replica.AdminResponse, error) {
	if dsn != "" {
		return r.sharedAdmin(dsn, cache, req)
	}
	if dir == "" {
		return replica.AdminResponse{}, usagef("cli.usage.missing_flag", "flag", "--data")
	}
	resp, err := replica.CallAdmin(dir, req)
	if !errors.Is(err, replica.ErrHubNotRunning) {
		return resp, err
	}
	p, err := r.openHub(dir)
	if err != nil {
		return replica.AdminResponse{}, err
	}
	return replica.Admin(p, req)
}

// hub invite --data DIR | --store postgres://… [--cache DIR] --member ID [--role ROLE] [--ttl 10m]
func defineHubInvite(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	dsn := fs.String("store", "", "")
	cache := fs.String("cache", "", "")
	member := fs.String("member", "", "")
	role := fs.String("role", "", "")
	ttl := fs.Duration("ttl", replica.DefaultInviteTTL, "")
	return func(r *runner) error {
		if err := required(fs, "member"); err != nil {
			return err
		}
		if *role != "" {
			if _, err := parseRole(*role, meetings.RoleSecretary, meetings.RoleChair, meetings.RoleMember, meetings.RoleGuest); err != nil {
				return err
			}
		}
		resp, err := r.adminOrOpen(*data, *dsn, *cache, replica.AdminRequest{Cmd: "invite", Member: *member, Role: *role, TTL: *ttl})
		if err != nil {
			return err
		}
		out := map[string]any{"invite": resp.Invite, "expires": resp.Expires, "member": *member}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.invite", map[string]any{"expires": r.when(resp.Expires)}))
			fmt.Fprintln(w, "  "+resp.Invite)
		})
	}
}

// hub revoke --data DIR | --store postgres://… [--cache DIR] --device ID
func defineHubRevoke(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	dsn := fs.String("store", "", "")
	cache := fs.String("cache", "", "")
	dev := fs.String("device", "", "")
	return func(r *runner) error {
		if err := required(fs, "device"); err != nil {
			return err
		}
		if _, err := r.adminOrOpen(*data, *dsn, *cache, replica.AdminRequest{Cmd: "revoke", Device: *dev}); err != nil {
			return err
		}
		return r.emit(map[string]any{"revoked": *dev}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.revoked", map[string]any{"device": *dev}))
		})
	}
}

// hub devices --data DIR | --store postgres://… [--cache DIR]
func defineHubDevices(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	dsn := fs.String("store", "", "")
	cache := fs.String("cache", "", "")
	return func(r *runner) error {
		resp, err := r.adminOrOpen(*data, *dsn, *cache, replica.AdminRequest{Cmd: "devices"})
		if err != nil {
			return err
		}
		devs := resp.Devices
		if devs == nil {
			devs = []replica.DeviceRow{}
		}
		return r.emit(devs, func(w io.Writer) {
			rows := [][]string{{strings.TrimSuffix(r.T("cli.label.device"), ":"), strings.TrimSuffix(r.T("cli.label.member"), ":"), strings.TrimSuffix(r.T("cli.label.role"), ":"), ""}}
			for _, d := range devs {
				state := ""
				if d.Revoked {
					state = r.T("cli.out.revoked_mark")
				}
				rows = append(rows, []string{d.ID, d.Name, r.roleName(meetings.Role(d.Role)), state})
			}
			table(w, rows)
		})
	}
}

// enroll --hub https://HOST:PORT --invite CODE
func defineEnroll(fs *flag.FlagSet) action {
	hub := fs.String("hub", "", "")
	invite := fs.String("invite", "", "")
	return func(r *runner) error {
		if err := required(fs, "hub", "invite"); err != nil {
			return err
		}
		dir, err := r.profileDir()
		if err != nil {
			return err
		}
		if core.Exists(dir) {
			return store.ErrProfileExists
		}
		pass, err := r.newPassphrase(envPass, "cli.prompt.new_profile_passphrase")
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		res, err := replica.Enroll(ctx, *hub, *invite, dir, pass)
		if err != nil {
			return err
		}
		p := res.Profile
		r.p = p
		self := p.Self()
		out := map[string]any{"member": self.Name, "member_id": self.ID, "role": self.Role, "device": p.DeviceID(),
			"fingerprint": res.Fingerprint, "org": res.Org, "profile": dir}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.enrolled", map[string]any{"org": res.Org, "name": self.Name, "role": r.roleName(self.Role)}))
			table(w, [][]string{
				{"  " + r.T("cli.label.hub_fingerprint"), res.Fingerprint},
				{"  " + r.T("cli.label.device"), p.DeviceID()},
			})
			fmt.Fprintln(w, r.T("cli.out.enrolled_compare"))
		})
	}
}

// sync: one round with the hub; exit 0 only when nothing is left to push
// or pull. Refusals are told in words on stderr.
func defineSync(fs *flag.FlagSet) action {
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		c, err := replica.NewClient(p)
		if err != nil {
			if errors.Is(err, replica.ErrNotEnrolled) {
				return failf("cli.err.not_enrolled")
			}
			return err
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		rep, err := c.SyncOnce(ctx, nil)
		for _, v := range rep.Rejected {
			fmt.Fprintln(r.stderr, "ecabinet:", r.rejection(p, v))
		}
		if err != nil {
			return err
		}
		if !rep.Done() {
			return failf("cli.err.sync_incomplete", "pending", rep.Pending, "behind", rep.Behind)
		}
		type rejJSON struct {
			DevSeq  uint64 `json:"dev_seq"`
			Code    string `json:"code"`
			Reason  string `json:"reason"`
			Message string `json:"message"`
		}
		rejs := []rejJSON{}
		for _, v := range rep.Rejected {
			rejs = append(rejs, rejJSON{v.DevSeq, v.Code, v.Reason, r.rejection(p, v)})
		}
		out := map[string]any{"pushed": rep.Pushed, "accepted": rep.Accepted, "rejected": rejs, "pulled": rep.Pulled,
			"applied": rep.Applied, "repaired": rep.Repaired, "pending": rep.Pending, "checkpoint": p.Checkpoint()}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.synced", map[string]any{"pushed": rep.Pushed, "accepted": rep.Accepted, "rejected": len(rep.Rejected), "pulled": rep.Pulled}))
		})
	}
}

// rejection says in words why the hub refused one of this device's changes.
func (r *runner) rejection(p *core.Profile, v core.Verdict) string {
	st, _ := p.OpState(v.DevSeq)
	if st.Kind == "ballot.answer" && v.Code == "err.ballot.not_open" {
		return r.T("cli.sync.answer_after_close")
	}
	return r.T("cli.sync.rejected", map[string]any{"what": r.T(opKey(st.Kind)), "why": r.T(v.Code)})
}

// opKey is the translation key describing a kind of change (the table of
// kinds, ops/kinds.go); for a kind this version does not know, the kind
// itself, which T shows as it is.
func opKey(k ops.Kind) string {
	if key := ops.TextKey(k); key != "" {
		return key
	}
	return string(k)
}

// hubError explains errors from talking to the hub.
func (r *runner) hubError(err error) (string, bool) {
	var ue *replica.UploadHeldError
	if errors.As(err, &ue) { // which paper waits, not only the hub's words
		return r.errorMessage(ue.Domain()), true
	}
	var he *replica.Error
	if errors.As(err, &he) {
		if r.tr.Has(he.Code) && he.Code != replica.CodeVersion {
			return r.T(he.Code), true
		}
		return he.Message, true
	}
	var ne net.Error
	var oe *net.OpError
	switch {
	case strings.Contains(err.Error(), "tls: ") && (strings.Contains(err.Error(), "bad certificate") || strings.Contains(err.Error(), "certificate")):
		return r.T("cli.err.hub_refused_device"), true
	case errors.As(err, &oe), errors.As(err, &ne):
		return r.T("cli.err.hub_unreachable"), true
	}
	return "", false
}

// hub backup --data DIR --out FILE: a consistent, encrypted copy, made by
// the running hub through its admin socket (it holds the directory), or
// from the directory itself when no hub runs there. The copy is written
// beside FILE and renamed into place only once it is complete, so FILE is
// always a whole backup: the new one, or the one it had before.
func defineHubBackup(fs *flag.FlagSet) action {
	data := fs.String("data", "", "")
	out := fs.String("out", "", "")
	return func(r *runner) error {
		if err := required(fs, "data", "out"); err != nil {
			return err
		}
		if !core.Exists(*data) {
			return store.ErrNoProfile
		}
		tmp := *out + ".partial"
		f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
		if err != nil {
			return failf("cli.err.write_file", "path", *out, "err", err.Error())
		}
		done := false
		defer func() {
			if !done {
				f.Close()
				os.Remove(tmp)
			}
		}()
		running := true
		_, err = replica.BackupRunning(*data, f)
		if errors.Is(err, replica.ErrHubNotRunning) {
			running = false
			var p *core.Profile
			if p, err = r.openHub(*data); err == nil {
				err = p.Backup(f)
			}
		}
		if err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return failf("cli.err.write_file", "path", *out, "err", err.Error())
		}
		if err := f.Close(); err != nil {
			return failf("cli.err.write_file", "path", *out, "err", err.Error())
		}
		done = true
		if err := checkBackupFile(tmp); err != nil {
			os.Remove(tmp)
			return err
		}
		if err := os.Rename(tmp, *out); err != nil {
			os.Remove(tmp)
			return failf("cli.err.write_file", "path", *out, "err", err.Error())
		}
		st, err := os.Stat(*out)
		if err != nil {
			return failf("cli.err.write_file", "path", *out, "err", err.Error())
		}
		res := map[string]any{"file": *out, "bytes": st.Size(), "hub_running": running}
		return r.emit(res, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.hub_backup", map[string]any{"file": *out, "size": humanBytes(st.Size())}))
		})
	}
}

// checkBackupFile reads a written backup back to its last frame.
func checkBackupFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return failf("cli.err.read_file", "path", path, "err", err.Error())
	}
	defer f.Close()
	if err := core.CheckBackup(f); err != nil {
		return failf("cli.err.backup_incomplete")
	}
	return nil
}

// humanBytes is a size for people: 12.3 MB.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// hub restore --in FILE --data DIR: a new hub data directory from a
// backup, unlocked with the passphrase the hub had when it was made; then
// every signature in its log, its audit chain and its signed results are
// checked before it is reported restored.
func defineHubRestore(fs *flag.FlagSet) action {
	in := fs.String("in", "", "")
	data := fs.String("data", "", "")
	return func(r *runner) error {
		if err := required(fs, "in", "data"); err != nil {
			return err
		}
		if core.Exists(*data) {
			return store.ErrProfileExists
		}
		if err := checkBackupFile(*in); err != nil {
			return err
		}
		f, err := os.Open(*in)
		if err != nil {
			return failf("cli.err.read_file", "path", *in, "err", err.Error())
		}
		defer f.Close()
		pass, err := r.passphrase()
		if err != nil {
			return err
		}
		if err := core.Restore(*data, pass, f); err != nil {
			return err
		}
		p, err := r.openHub(*data)
		if err != nil {
			return err
		}
		signed, err := p.VerifyLog()
		if err != nil {
			return err
		}
		audit, err := p.AuditVerify()
		var ap *core.AuditProblem
		if errors.As(err, &ap) {
			return failf("cli.err.audit_broken", "n", ap.N, "reason", ap.Reason)
		} else if err != nil {
			return err
		}
		results := 0
		for _, b := range p.Ballots() {
			rc, ok := p.BallotResult(b.ID)
			if !ok {
				continue
			}
			if !rc.Verified {
				return failf("cli.err.result_unverified", "ballot", b.Title, "problem", rc.Problem)
			}
			results++
		}
		head, _ := p.HubHead()
		res := map[string]any{"data": *data, "head": head, "signatures_verified": signed, "audit_entries": audit, "results_verified": results}
		return r.emit(res, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.hub_restore", map[string]any{"dir": *data}))
			table(w, [][]string{
				{"  " + r.T("cli.label.signatures_verified"), fmt.Sprint(signed)},
				{"  " + r.T("cli.label.audit_entries"), fmt.Sprint(audit)},
				{"  " + r.T("cli.label.results_verified"), fmt.Sprint(results)},
				{"  " + r.T("cli.label.log_head"), fmt.Sprint(head)},
			})
			fmt.Fprintln(w, r.T("cli.out.hub_restore_next"))
		})
	}
}
