package e2e

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"
)

// The scale-out scenario of issue 14 (SCALE.md §6): hub processes behind an
// L4 proxy that moves and cuts connections, 30 device processes answering
// two ballots and fetching papers through it, the hubs SIGKILLed and
// restarted at seeded random moments; afterwards every device's tally is
// the same and equal to the count the test makes from what it had each
// device answer and the verdicts the hub gave, the hub's log holds every
// accepted answer once, every paper reads back byte for byte and the
// audit chain verifies. layouts: one Badger hub (here), two hubs on
// PostgreSQL and S3 (scale_pg_test.go).

const (
	scaleDevices = 30
	scaleRounds  = 6
)

// scaleSeed is the scenario's seed: ECABINET_SCALE_SEED replays a run (the
// test logs the seed it used).
func scaleSeed(t *testing.T) uint64 {
	if v := os.Getenv("ECABINET_SCALE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("ECABINET_SCALE_SEED=%q: %v", v, err)
		}
		return n
	}
	return uint64(time.Now().UnixNano())
}

// botBin is e2e/devicebot, built (without -race, like the ecabinet
// binary) the first time a test needs it.
var (
	botBin  string
	botOnce sync.Once
	botErr  error
)

func buildBot(t *testing.T) {
	t.Helper()
	botOnce.Do(func() {
		botBin = filepath.Join(filepath.Dir(bin), "devicebot")
		out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", botBin, "github.com/ecabinet/ecabinet/e2e/devicebot").CombinedOutput()
		if err != nil {
			botErr = fmt.Errorf("build devicebot: %v\n%s", err, out)
		}
	})
	if botErr != nil {
		t.Fatal(botErr)
	}
}

// scaleHub is one `hub serve` process of the scenario.
type scaleHub struct {
	name string
	addr string
	args []string // after the binary: hub serve …
	env  []string
	mu   sync.Mutex
	cmd  *exec.Cmd
	log  *logBuffer
	// starts counts the times it was started.
	starts int
}

func (h *scaleHub) start(t *testing.T) {
	t.Helper()
	if err := h.startErr(); err != nil {
		t.Fatal(err)
	}
}

// startErr starts the hub and waits until it listens; it is start for a
// goroutine other than the test's.
func (h *scaleHub) startErr() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cmd != nil {
		return nil
	}
	cmd := exec.Command(bin, h.args...)
	cmd.Env = append(os.Environ(), append([]string{"ECABINET_PASSPHRASE=" + passphrase, "GOMAXPROCS=1", "LANG=C.UTF-8"}, h.env...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if h.log == nil {
		h.log = &logBuffer{}
	}
	fmt.Fprintf(h.log, "---- start %d\n", h.starts+1)
	cmd.Stdout, cmd.Stderr = h.log, h.log
	if err := cmd.Start(); err != nil {
		return err
	}
	h.cmd = cmd
	h.starts++
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.DialTimeout("tcp", h.addr, time.Second); err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("hub %s never listened on %s:\n%s", h.name, h.addr, h.log)
		}
	}
}

// kill ends the process with sig (SIGKILL: a crash) and reaps it.
func (h *scaleHub) kill(sig syscall.Signal) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cmd == nil {
		return
	}
	h.cmd.Process.Signal(sig) //nolint:errcheck // it may be gone
	done := make(chan struct{})
	go func() { h.cmd.Wait(); close(done) }() //nolint:errcheck // killed on purpose
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		h.cmd.Process.Kill() //nolint:errcheck // did not end on sig
		<-done
	}
	h.cmd = nil
}

// botReply is e2e/devicebot's reply.
type botReply struct {
	Err         string `json:"err"`
	Net         bool   `json:"net"`
	ID          string `json:"id"`
	Item        string `json:"item"`
	Device      string `json:"device"`
	Fingerprint string `json:"fingerprint"`
	DevSeq      uint64 `json:"dev_seq"`
	Sync        *struct {
		Pushed   int `json:"pushed"`
		Accepted int `json:"accepted"`
		Rejected []struct {
			DevSeq uint64
			Code   string
			Reason string
		} `json:"rejected"`
		Pending int    `json:"pending"`
		Behind  uint64 `json:"behind"`
	} `json:"sync"`
	Counts   map[string]int    `json:"counts"`
	Answers  map[string]string `json:"answers"`
	Signed   bool              `json:"signed"`
	Verified bool              `json:"verified"`
	Closed   bool              `json:"closed"`
	Fetched  int               `json:"fetched"`
	Offline  int               `json:"offline"`
	SHA256   string            `json:"sha256"`
	Papers   []string          `json:"papers"`
	State    *opVerdict        `json:"state"`
}

// bot is one running e2e/devicebot process: one device.
type bot struct {
	name, dir string
	cmd       *exec.Cmd
	in        io.WriteCloser
	out       *bufio.Scanner
	stderr    *logBuffer
	// Filled at enrollment.
	member, device string
}

func startBot(t *testing.T, dir, name string) *bot {
	t.Helper()
	b := &bot{name: name, dir: dir, stderr: &logBuffer{}}
	b.cmd = exec.Command(botBin, dir)
	b.cmd.Env = append(os.Environ(), "ECABINET_PASSPHRASE="+passphrase, "GOMAXPROCS=1")
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	b.cmd.Stderr = b.stderr
	var err error
	if b.in, err = b.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := b.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	b.out = bufio.NewScanner(stdout)
	b.out.Buffer(make([]byte, 1<<16), 1<<22)
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if b.cmd.ProcessState == nil {
			b.cmd.Process.Kill() //nolint:errcheck // by PID; it may have quit
			b.cmd.Wait()         //nolint:errcheck // killed
		}
	})
	return b
}

// call runs one command; a bot that does not answer within two minutes
// (its commands bound themselves far below that) is killed and fails.
func (b *bot) call(req map[string]any) (botReply, error) {
	line, _ := json.Marshal(req)
	if _, err := b.in.Write(append(line, '\n')); err != nil {
		return botReply{}, fmt.Errorf("%s: write: %v\n%s", b.name, err, b.stderr)
	}
	t := time.AfterFunc(2*time.Minute, func() { b.cmd.Process.Kill() }) //nolint:errcheck // hung
	defer t.Stop()
	if !b.out.Scan() {
		return botReply{}, fmt.Errorf("%s: no reply to %v (%v)\n%s", b.name, req, b.out.Err(), b.stderr)
	}
	var r botReply
	if err := json.Unmarshal(b.out.Bytes(), &r); err != nil {
		return botReply{}, fmt.Errorf("%s: reply %q: %v", b.name, b.out.Bytes(), err)
	}
	return r, nil
}

// must runs a command that has to succeed first time.
func (b *bot) must(t *testing.T, req map[string]any) botReply {
	t.Helper()
	r, err := b.call(req)
	if err != nil {
		t.Fatal(err)
	}
	if r.Err != "" {
		t.Fatalf("%s %v: %s", b.name, req, r.Err)
	}
	return r
}

// retry runs a command until it succeeds, retrying the network's and the
// hub's failures (a hub killed, a connection cut) at most 60 times.
func (b *bot) retry(req map[string]any) (botReply, error) {
	var last botReply
	for i := 0; i < 60; i++ {
		r, err := b.call(req)
		if err != nil {
			return r, err
		}
		if r.Err == "" {
			return r, nil
		}
		if !r.Net {
			return r, fmt.Errorf("%s %v: %s", b.name, req, r.Err)
		}
		last = r
		time.Sleep(time.Duration(100+50*i) * time.Millisecond)
	}
	return last, fmt.Errorf("%s %v: still failing after 60 tries: %s", b.name, req, last.Err)
}

// verdicts are what the hub said of one device's pushed ops: the dev_seqs
// it refused, with the code.
type verdicts map[uint64]string

// syncDone syncs until nothing is left to push or pull, recording the
// refusals.
func (b *bot) syncDone(v verdicts) error {
	var last string
	for i := 0; i < 60; i++ {
		r, err := b.call(map[string]any{"cmd": "sync", "timeout": 15000})
		if err != nil {
			return err
		}
		if r.Sync != nil {
			for _, rj := range r.Sync.Rejected {
				v[rj.DevSeq] = rj.Code
			}
		}
		if r.Err == "" && r.Sync != nil && r.Sync.Pending == 0 && r.Sync.Behind == 0 {
			return nil
		}
		if r.Err != "" && !r.Net {
			return fmt.Errorf("%s sync: %s", b.name, r.Err)
		}
		last = r.Err
		time.Sleep(time.Duration(100+50*i) * time.Millisecond)
	}
	return fmt.Errorf("%s: sync still failing after 60 rounds: %s", b.name, last)
}

func (b *bot) quit(t *testing.T) {
	t.Helper()
	b.in.Write([]byte(`{"cmd":"quit"}` + "\n")) //nolint:errcheck // checked by Wait
	b.in.Close()
	done := make(chan error, 1)
	go func() { done <- b.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("%s did not quit cleanly: %v\n%s", b.name, err, b.stderr)
		}
	case <-time.After(30 * time.Second):
		b.cmd.Process.Kill() //nolint:errcheck // hung
		<-done
		t.Errorf("%s did not quit within 30 s", b.name)
	}
}

// opVerdict is devicebot's "verdict": core.OpState as JSON.
type opVerdict struct {
	State  string    `json:"state"`
	HubSeq uint64    `json:"hub_seq"`
	HubAt  time.Time `json:"hub_at"`
	Code   string    `json:"code"`
}

// answerMade is one answer the test had a device make.
type answerMade struct {
	ballot, choice string
	devSeq         uint64
	// verdict is what the device recorded of the hub's answer.
	verdict opVerdict
}

// scaleLayout is how one layout runs its hubs and checks its log.
type scaleLayout struct {
	hubs []*scaleHub
	// secInvite is the secretary's invitation (from hub init).
	secInvite string
	// checkLog is given, once every device has synced, every accepted
	// (device, dev_seq) of an answer and every refused one; it must check
	// the hub's log holds the first once each and none of the second, that
	// hub_seq runs 1..N without a gap and that the log's signatures and
	// audit chain verify.
	checkLog func(t *testing.T, secDevice string, accepted map[devSeq]uint64, refused map[devSeq]bool)
}

type devSeq struct {
	device string
	seq    uint64
}

// writeNoisePDF writes a PDF of n pages of seeded noise text (uncompressed,
// so it spans several chunks).
func writeNoisePDF(t *testing.T, path string, n int, seed uint64) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 14))
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	f.SetFont("Helvetica", "", 8)
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789 "
	for i := range n {
		f.AddPage()
		for l := range 40 {
			var s strings.Builder
			for range 90 {
				s.WriteByte(letters[rng.IntN(len(letters))])
			}
			f.Text(10, float64(10+l*6), fmt.Sprintf("%d %s", i+1, s.String()))
		}
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// runScale runs the scenario on a layout whose hubs are not started yet.
func runScale(t *testing.T, root string, lay scaleLayout) {
	buildBot(t)
	seed := scaleSeed(t)
	t.Logf("seed %d (ECABINET_SCALE_SEED=%d replays it)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	t0 := time.Now()
	step := func(what string) { t.Logf("%6.1fs %s", time.Since(t0).Seconds(), what) }

	for _, h := range lay.hubs {
		t.Cleanup(func() {
			h.kill(syscall.SIGKILL)
			if t.Failed() {
				t.Logf("hub %s log:\n%s", h.name, h.log)
			}
		})
		h.start(t)
	}
	targets := make([]string, len(lay.hubs))
	for i, h := range lay.hubs {
		targets[i] = h.addr
	}
	px := newProxy(t, targets...)
	step("hubs up")

	// The secretary: members, a meeting, two ballots (one closed by hand,
	// one at its deadline by the hub), then the invitations.
	sec := startBot(t, filepath.Join(root, "secretary"), "secretary")
	er := sec.must(t, map[string]any{"cmd": "enroll", "hub": px.url(), "invite": lay.secInvite})
	sec.member, sec.device = er.ID, er.Device
	fingerprint := er.Fingerprint
	members := make([]string, scaleDevices)
	for i := range members {
		members[i] = sec.must(t, map[string]any{"cmd": "add-member", "name": fmt.Sprintf("Thành viên %02d", i+1), "role": "member"}).ID
	}
	mt := sec.must(t, map[string]any{"cmd": "meeting", "title": "Phiên họp Chính phủ thường kỳ tháng 12"})
	b1 := sec.must(t, map[string]any{"cmd": "ballot", "title": "Kế hoạch cải cách hành chính"}).ID
	sec.must(t, map[string]any{"cmd": "publish", "meeting": mt.ID})
	if err := sec.syncDone(verdicts{}); err != nil {
		t.Fatal(err)
	}
	invites := make([]string, scaleDevices)
	for i, m := range members {
		invites[i] = sec.must(t, map[string]any{"cmd": "invite", "member": m}).ID
	}
	step("secretary set up")

	// The devices enroll, four at a time (each derives its key).
	bots := make([]*bot, scaleDevices)
	for i := range bots {
		bots[i] = startBot(t, filepath.Join(root, fmt.Sprintf("device-%02d", i+1)), fmt.Sprintf("device-%02d", i+1))
	}
	par(t, bots, 4, func(i int, b *bot) error {
		r, err := b.call(map[string]any{"cmd": "enroll", "hub": px.url(), "invite": invites[i]})
		if err != nil {
			return err
		}
		if r.Err != "" {
			return fmt.Errorf("%s enroll: %s", b.name, r.Err)
		}
		if r.Fingerprint != fingerprint || r.ID != members[i] {
			return fmt.Errorf("%s enrolled as %s seeing %s, want %s seeing %s", b.name, r.ID, r.Fingerprint, members[i], fingerprint)
		}
		b.member, b.device = r.ID, r.Device
		return b.syncDone(verdicts{})
	})
	// The papers, attached once the secretary knows every device, so that
	// their keys are wrapped for all.
	if err := sec.syncDone(verdicts{}); err != nil {
		t.Fatal(err)
	}
	originals := map[string]string{} // paper ID → sha256 of the file
	for i, pages := range []int{60, 8} {
		file := filepath.Join(root, fmt.Sprintf("to-trinh-%d.pdf", i+1))
		data := writeNoisePDF(t, file, pages, seed+uint64(i))
		id := sec.must(t, map[string]any{"cmd": "paper", "meeting": mt.ID, "item": mt.Item, "file": file, "title": fmt.Sprintf("Tờ trình số %d", i+1)}).ID
		sum := sha256.Sum256(data)
		originals[id] = hex.EncodeToString(sum[:])
	}
	// The second ballot closes at its deadline, while the devices answer;
	// the hub's pass that closes it runs when a hub starts (and every 30 s).
	deadline := time.Now().Add(6 * time.Second)
	b2 := sec.must(t, map[string]any{"cmd": "ballot", "title": "Dự thảo Nghị định", "deadline": deadline.UTC().Format(time.RFC3339Nano)}).ID
	if err := sec.syncDone(verdicts{}); err != nil {
		t.Fatal(err)
	}
	step("devices enrolled, papers attached")

	// The hubs' troubles, at seeded moments while the devices work.
	stop := make(chan struct{})
	chaosDone := make(chan struct{})
	var chaosLog []string
	crng := rand.New(rand.NewPCG(seed, 2))
	go func() {
		defer close(chaosDone)
		for n := 0; n < 80; n++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Duration(300+crng.IntN(900)) * time.Millisecond):
			}
			switch k := crng.IntN(10); {
			case k < 3:
				px.DropAll()
				chaosLog = append(chaosLog, "drop")
			case k < 5 && len(lay.hubs) > 1:
				to := crng.IntN(len(lay.hubs))
				px.SwitchTo(to)
				chaosLog = append(chaosLog, fmt.Sprintf("switch %d", to))
			case k < 8:
				i := crng.IntN(len(lay.hubs))
				lay.hubs[i].kill(syscall.SIGKILL)
				time.Sleep(time.Duration(100+crng.IntN(700)) * time.Millisecond)
				if err := lay.hubs[i].startErr(); err != nil {
					t.Error(err)
					return
				}
				chaosLog = append(chaosLog, fmt.Sprintf("kill %d", i))
			}
		}
	}()

	// Each device answers both ballots scaleRounds times, syncing after
	// each round, and fetches the papers in the first.
	made := make([][]answerMade, scaleDevices)
	refused := make([]verdicts, scaleDevices)
	seeds := make([]uint64, scaleDevices)
	for i := range seeds {
		seeds[i] = rng.Uint64()
	}
	choices := []string{"agree", "disagree", "other"}
	// Meanwhile the secretary attaches one more paper: its chunks go up
	// while hubs die and connections drop.
	third := filepath.Join(root, "to-trinh-3.pdf")
	lateData := writeNoisePDF(t, third, 40, seed+7)
	lateSum := sha256.Sum256(lateData)
	secDone := make(chan error, 1)
	go func() {
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Millisecond)
		r, err := sec.call(map[string]any{"cmd": "paper", "meeting": mt.ID, "item": mt.Item, "file": third, "title": "Tờ trình số 3"})
		if err == nil && r.Err != "" {
			err = fmt.Errorf("secretary: paper: %s", r.Err)
		}
		if err == nil {
			originals[r.ID] = hex.EncodeToString(lateSum[:])
			err = sec.syncDone(verdicts{})
		}
		secDone <- err
	}()
	par(t, bots, scaleDevices, func(i int, b *bot) error {
		drng := rand.New(rand.NewPCG(seeds[i], 3))
		refused[i] = verdicts{}
		if err := b.syncDone(refused[i]); err != nil { // the second ballot
			return err
		}
		for round := 0; round < scaleRounds; round++ {
			for _, bl := range []string{b1, b2} {
				c := choices[drng.IntN(len(choices))]
				r, err := b.call(map[string]any{"cmd": "answer", "ballot": bl, "choice": c})
				if err != nil {
					return err
				}
				if r.Err != "" {
					if bl == b2 && time.Now().After(deadline) {
						continue // past the deadline, the device itself refuses
					}
					return fmt.Errorf("%s answer: %s", b.name, r.Err)
				}
				made[i] = append(made[i], answerMade{ballot: bl, choice: c, devSeq: r.DevSeq})
			}
			time.Sleep(time.Duration(drng.IntN(1500)) * time.Millisecond)
			if err := b.syncDone(refused[i]); err != nil {
				return err
			}
			if round == 0 || round == scaleRounds-1 {
				if _, err := b.retry(map[string]any{"cmd": "fetch", "timeout": 30000}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err := <-secDone; err != nil {
		t.Error(err)
	}
	close(stop)
	<-chaosDone
	step(fmt.Sprintf("devices answered; chaos: %s", strings.Join(chaosLog, ", ")))
	if t.Failed() {
		return
	}

	// The end: every hub up, the first ballot closed by the secretary, the
	// second's deadline passed; a hub that starts closes what is due and
	// signs the closed ballots' results.
	for _, h := range lay.hubs {
		h.start(t)
	}
	px.SwitchTo(0)
	sec.must(t, map[string]any{"cmd": "close", "ballot": b1})
	if err := sec.syncDone(verdicts{}); err != nil {
		t.Fatal(err)
	}
	if w := time.Until(deadline.Add(time.Second)); w > 0 {
		time.Sleep(w)
	}
	for _, h := range lay.hubs {
		h.kill(syscall.SIGKILL)
		h.start(t)
	}
	step("ballots closed")

	// The independent count: per ballot, per member, the last answer the
	// hub accepted by the deadline (a later one is kept but not counted:
	// ballots.Ballot.IsLate), from the verdicts each device got: refused in
	// a sync's report, or accepted at a hub_seq and time (the receipt the
	// device verified and recorded).
	want := map[string]map[string]string{b1: {}, b2: {}}
	accepted, refusedOps := map[devSeq]uint64{}, map[devSeq]bool{}
	late := 0
	par(t, bots, 6, func(i int, b *bot) error {
		for j, a := range made[i] {
			r, err := b.call(map[string]any{"cmd": "verdict", "dev_seq": a.devSeq})
			if err != nil {
				return err
			}
			if r.Err != "" || r.State == nil {
				return fmt.Errorf("%s verdict of %d: %s", b.name, a.devSeq, r.Err)
			}
			made[i][j].verdict = *r.State
		}
		return nil
	})
	for i, b := range bots {
		for _, a := range made[i] {
			k := devSeq{b.device, a.devSeq}
			v := a.verdict
			_, told := refused[i][a.devSeq]
			switch {
			case v.State == "rejected" && told:
				refusedOps[k] = true
				if a.ballot == b1 {
					t.Errorf("%s: the hub refused an answer to the open ballot: %s", b.name, v.Code)
				}
			case v.State == "accepted" && !told && v.HubSeq > 0:
				accepted[k] = v.HubSeq
				if a.ballot == b2 && v.HubAt.After(deadline) {
					late++
					continue
				}
				want[a.ballot][b.member] = a.choice
			default:
				t.Errorf("%s: answer %d ended %+v (refused in a sync: %v)", b.name, a.devSeq, v, told)
			}
		}
	}
	if len(want[b2]) == 0 {
		t.Error("no answer to the second ballot was accepted before its deadline")
	}
	t.Logf("%d answers accepted (%d of them after the deadline), %d refused", len(accepted), late, len(refusedOps))
	if t.Failed() {
		return
	}

	// Every device: synced, both results signed and verified, the same
	// answers counted as the independent count, the papers whole.
	all := append([]*bot{sec}, bots...)
	tallies := make([]map[string]botReply, len(all))
	par(t, all, 6, func(i int, b *bot) error {
		tallies[i] = map[string]botReply{}
		for _, bl := range []string{b1, b2} {
			for n := 0; ; n++ {
				if err := b.syncDone(verdicts{}); err != nil {
					return err
				}
				r, err := b.call(map[string]any{"cmd": "tally", "ballot": bl})
				if err != nil {
					return err
				}
				if r.Err != "" {
					return fmt.Errorf("%s tally: %s", b.name, r.Err)
				}
				if r.Signed {
					if !r.Verified || !r.Closed {
						return fmt.Errorf("%s: the hub's result of %s: verified %v, closed %v", b.name, bl, r.Verified, r.Closed)
					}
					tallies[i][bl] = r
					break
				}
				if n == 40 {
					return fmt.Errorf("%s: no signed result of %s", b.name, bl)
				}
				time.Sleep(500 * time.Millisecond)
			}
		}
		if b == sec {
			return nil
		}
		var r botReply
		for n := 0; ; n++ {
			var err error
			if r, err = b.retry(map[string]any{"cmd": "fetch", "timeout": 30000}); err != nil {
				return err
			}
			if r.Offline == len(originals) {
				break
			}
			if n == 20 {
				return fmt.Errorf("%s holds %d of %d papers offline", b.name, r.Offline, len(originals))
			}
			time.Sleep(300 * time.Millisecond)
		}
		for id, sum := range originals {
			r, err := b.call(map[string]any{"cmd": "read", "paper": id})
			if err != nil {
				return err
			}
			if r.Err != "" || r.SHA256 != sum {
				return fmt.Errorf("%s reads paper %s as %s (%s), the file is %s", b.name, id, r.SHA256, r.Err, sum)
			}
		}
		return nil
	})
	if t.Failed() {
		return
	}
	for _, bl := range []string{b1, b2} {
		wantCounts := map[string]int{}
		for _, c := range want[bl] {
			wantCounts[c]++
		}
		for i, b := range all {
			got := tallies[i][bl]
			if fmt.Sprint(got.Answers) != fmt.Sprint(want[bl]) {
				t.Errorf("%s counts on ballot %s the answers %v; the test made %v", b.name, bl, got.Answers, want[bl])
			}
			for _, c := range choices {
				if got.Counts[c] != wantCounts[c] {
					t.Errorf("%s tallies %v on ballot %s, want %v", b.name, got.Counts, bl, wantCounts)
					break
				}
			}
		}
	}
	step(fmt.Sprintf("tallies agree: %d accepted answers, %d refused", len(accepted), len(refusedOps)))

	// The devices stop; the real binary exports the papers of some of them.
	for _, b := range all {
		b.quit(t)
	}
	erng := rand.New(rand.NewPCG(seed, 4))
	for _, i := range erng.Perm(len(bots))[:3] {
		d := device{t, bots[i].dir}
		for id, sum := range originals {
			out := filepath.Join(root, fmt.Sprintf("export-%d-%s.pdf", i, id))
			d.ok(nil, "paper", "export", "--paper", id, "--out", out)
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if s := sha256.Sum256(got); hex.EncodeToString(s[:]) != sum {
				t.Errorf("%s: paper export of %s differs from the attached file", bots[i].name, id)
			}
		}
	}
	var av struct {
		OK bool `json:"ok"`
	}
	device{t, sec.dir}.ok(&av, "audit", "verify")
	if !av.OK {
		t.Error("the secretary's audit verify fails")
	}
	step("exports and the secretary's audit checked")
	lay.checkLog(t, sec.device, accepted, refusedOps)
	step("the hub's log checked")
	for _, h := range lay.hubs {
		h.kill(syscall.SIGKILL)
	}
}

// decode reads a command's JSON output into v.
func decode(t *testing.T, out string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
}

// par runs f for every bot, at most n at once, failing t with the errors.
func par(t *testing.T, bots []*bot, n int, f func(i int, b *bot) error) {
	t.Helper()
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	errs := make([]error, len(bots))
	for i, b := range bots {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(i, b)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// checkLogEntries checks a hub's log read in order as (hub_seq, signed op)
// pairs: hub_seq 1..N without a gap, every (device, dev_seq) once, every
// accepted answer in it and no refused one.
func checkLogEntries(t *testing.T, seqs []uint64, keys []devSeq, accepted map[devSeq]uint64, refused map[devSeq]bool) {
	t.Helper()
	seen := map[devSeq]int{}
	for i, s := range seqs {
		if s != uint64(i+1) {
			t.Fatalf("the log's entry %d has hub_seq %d: a gap or a repeat", i+1, s)
		}
		if seen[keys[i]] > 0 {
			t.Errorf("(%s, %d) is in the log twice: hub_seq %d and %d", keys[i].device, keys[i].seq, seen[keys[i]], s)
		}
		seen[keys[i]] = int(s)
	}
	var missing []string
	for k, at := range accepted {
		switch s := seen[k]; {
		case s == 0:
			missing = append(missing, fmt.Sprintf("(%s, %d)", k.device, k.seq))
		case uint64(s) != at:
			t.Errorf("(%s, %d) is at hub_seq %d in the log; its receipt says %d", k.device, k.seq, s, at)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d accepted answers are not in the log: %v", len(missing), missing)
	}
	for k := range refused {
		if seen[k] != 0 {
			t.Errorf("the refused answer (%s, %d) is in the log at %d", k.device, k.seq, seen[k])
		}
	}
	t.Logf("log: %d entries, %d accepted answers among them", len(seqs), len(accepted))
}
