package core_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/meetings"
)

// The crash tests run a child copy of this test binary that saves answers
// in a loop and reports each one only after core says it is saved; the
// parent kills it with SIGKILL at random moments.

func TestMain(m *testing.M) {
	if dir := os.Getenv("ECAB_CRASH_CHILD"); dir != "" {
		os.Exit(crashChild(dir))
	}
	// pgtest.Main runs the tests and stops the PostgreSQL server the
	// shared-log tests started, if any (shared_test.go).
	code := pgtest.Main(m)
	if yearDir != "" {
		os.RemoveAll(yearDir)
	}
	os.Exit(code)
}

// crashChild opens the profile, checks that every answer reported by earlier
// children is present and verifies, then saves answers until killed (or
// ECAB_CRASH_COUNT have been saved).
func crashChild(dir string) int {
	p, err := core.Open(dir, pass)
	if err != nil {
		fmt.Println("OPEN-FAILED", err)
		return 3
	}
	want, _ := os.ReadFile(filepath.Join(dir, "..", "reported.txt"))
	ballotIDs := strings.Fields(os.Getenv("ECAB_CRASH_BALLOTS"))
	have := map[string]bool{}
	for _, b := range ballotIDs {
		as, err := p.Answers(b)
		if err != nil {
			fmt.Println("VERIFY-FAILED", err)
			return 4
		}
		for _, a := range as {
			have[a.ID] = true
		}
	}
	for _, id := range strings.Fields(string(want)) {
		if !have[id] {
			fmt.Println("MISSING", id)
			return 5
		}
	}
	fmt.Printf("READY %d %d\n", len(have), p.Recovered().Restored)
	members := p.Members()
	limit := -1
	if n := os.Getenv("ECAB_CRASH_COUNT"); n != "" {
		fmt.Sscan(n, &limit)
	}
	choices := []ballots.Choice{ballots.ChoiceAgree, ballots.ChoiceDisagree, ballots.ChoiceOther}
	var voters []meetings.Member
	for _, m := range members {
		if m.Role.Votes() {
			voters = append(voters, m)
		}
	}
	for i := 0; limit < 0 || i < limit; i++ {
		m := voters[i%len(voters)]
		a, err := p.RecordAnswerFor(ballotIDs[i%len(ballotIDs)], m.ID, choices[i%3], fmt.Sprintf("ý kiến số %d", i))
		if err != nil {
			fmt.Println("SAVE-FAILED", err)
			return 6
		}
		fmt.Println("SAVED", a.ID)
	}
	fmt.Println("DONE")
	time.Sleep(time.Hour) // wait to be killed, as a crash would
	return 0
}

// crashFixture makes a secretary profile with two open ballots.
func crashFixture(t *testing.T) (dir string, ballotIDs []string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "profile")
	p, _ := newSecretary(t, dir)
	for _, title := range []string{"Phiếu số 1", "Phiếu số 2"} {
		b, err := p.IssueBallot(core.BallotInput{Title: title, Question: "Đồng ý thông qua?", Deadline: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ballotIDs = append(ballotIDs, b.ID)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, ballotIDs
}

type childRun struct {
	cmd   *exec.Cmd
	lines chan string
}

func startChild(t *testing.T, dir string, ballotIDs []string, count int) *childRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ECAB_CRASH_CHILD="+dir, "ECAB_CRASH_BALLOTS="+strings.Join(ballotIDs, " "))
	if count >= 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("ECAB_CRASH_COUNT=%d", count))
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return &childRun{cmd: cmd, lines: lines}
}

// waitReady waits for the child's READY line and fails on anything else.
func (c *childRun) waitReady(t *testing.T) (restored int) {
	t.Helper()
	// Not a speed limit: a child built with the race detector on a loaded
	// machine may take minutes to reopen. A hang is still caught, by the
	// test's own deadline (go test -timeout), with room left to report it.
	wait := 60 * time.Second
	if d, ok := t.Deadline(); ok {
		wait = max(wait, time.Until(d)-30*time.Second)
	}
	timeout := time.After(wait)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatal("child exited before it was ready")
			}
			if strings.HasPrefix(l, "READY") {
				var have int
				fmt.Sscanf(l, "READY %d %d", &have, &restored)
				return restored
			}
			t.Fatalf("child: %s", l)
		case <-timeout:
			t.Fatal("child never became ready")
		}
	}
}

func TestCrash_KillWhileSavingLosesNothingReported(t *testing.T) {
	dir, ballotIDs := crashFixture(t)
	reportedPath := filepath.Join(filepath.Dir(dir), "reported.txt")
	var reported []string
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	const kills = 50
	for i := 0; i < kills; i++ {
		c := startChild(t, dir, ballotIDs, -1)
		c.waitReady(t) // the child has reopened and found every reported answer
		time.Sleep(time.Duration(rnd.IntN(150)) * time.Millisecond)
		if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		for l := range c.lines {
			switch {
			case strings.HasPrefix(l, "SAVED "):
				reported = append(reported, strings.TrimPrefix(l, "SAVED "))
			default:
				t.Fatalf("kill %d: child said %q", i, l)
			}
		}
		_ = c.cmd.Wait()
		if err := os.WriteFile(reportedPath, []byte(strings.Join(reported, "\n")), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// A final reopen in this process checks everything once more.
	p, err := core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	have := map[string]bool{}
	for _, b := range ballotIDs {
		as, err := p.Answers(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			have[a.ID] = true
		}
	}
	for _, id := range reported {
		if !have[id] {
			t.Fatalf("answer %s was reported saved but is missing after %d kills", id, kills)
		}
	}
	if len(reported) < kills {
		t.Fatalf("only %d answers were saved across %d runs: the test did not exercise saving", len(reported), kills)
	}
	t.Logf("%d kills, %d answers reported saved, all present and verified", kills, len(reported))
}

// TestCrash_JournalRestoresWhatBadgerDrops reproduces DESIGN.md §7: after a
// kill, one flipped byte in the middle of Badger's write log makes Badger
// silently drop later writes; the journal puts them back.
func TestCrash_JournalRestoresWhatBadgerDrops(t *testing.T) {
	dir, ballotIDs := crashFixture(t)
	const n = 200
	c := startChild(t, dir, ballotIDs, n)
	c.waitReady(t)
	var reported []string
	for l := range c.lines {
		if strings.HasPrefix(l, "SAVED ") {
			reported = append(reported, strings.TrimPrefix(l, "SAVED "))
		}
		if l == "DONE" {
			break
		}
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
	if len(reported) != n {
		t.Fatalf("child reported %d saves, want %d", len(reported), n)
	}
	flipMiddleOfWriteLog(t, filepath.Join(dir, "db"))

	p, err := core.Open(dir, pass)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	rec := p.Recovered()
	if rec.Restored == 0 || rec.Answers == 0 {
		t.Fatalf("journal restored %+v: Badger lost nothing, so the test did not reproduce the loss", rec)
	}
	have := map[string]bool{}
	for _, b := range ballotIDs {
		as, err := p.Answers(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			have[a.ID] = true
		}
	}
	for _, id := range reported {
		if !have[id] {
			t.Fatalf("answer %s missing after journal repair", id)
		}
	}
	t.Logf("Badger lost %d operations (%d answers); the journal restored them all", rec.Restored, rec.Answers)
}

// flipMiddleOfWriteLog flips one byte halfway through the written part of
// the newest memtable write-ahead log (*.mem).
func flipMiddleOfWriteLog(t *testing.T, dbDir string) {
	t.Helper()
	mems, _ := filepath.Glob(filepath.Join(dbDir, "*.mem"))
	if len(mems) == 0 {
		t.Fatal("no Badger write log (*.mem) found")
	}
	path := mems[len(mems)-1]
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end := len(bytes.TrimRight(b, "\x00"))
	if end < 1024 {
		t.Fatalf("write log %s holds only %d bytes", path, end)
	}
	b[end/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
