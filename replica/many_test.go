package replica_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/internal/pgtest"
	"github.com/ecabinet/ecabinet/internal/s3test"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

// A device child is this test binary run again as one member's computer:
// it opens its profile, answers ballots offline in the order of its script
// (changing some answers), syncs at random moments, and reports each answer
// it saved.

func TestMain(m *testing.M) {
	if dir := os.Getenv("ECAB_DEVICE_CHILD"); dir != "" {
		os.Exit(deviceChild(dir, os.Getenv("ECAB_DEVICE_SCRIPT")))
	}
	// The scaled-out hub's tests (shared_test.go) need a PostgreSQL and an
	// S3 server: started by the first test that asks, stopped after all.
	os.Exit(pgtest.Around(func() int { return s3test.Main(m) }))
}

func deviceChild(dir, script string) int {
	p, err := core.Open(dir, pass)
	if err != nil {
		fmt.Println("ERROR open", err)
		return 3
	}
	defer p.Close()
	c, err := replica.NewClient(p)
	if err != nil {
		fmt.Println("ERROR client", err)
		return 3
	}
	defer c.Close()
	rnd := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	for _, step := range strings.Fields(script) {
		ballot, choice, _ := strings.Cut(step, ":")
		a, err := p.AnswerBallot(ballot, ballots.Choice(choice), "")
		if err != nil {
			fmt.Println("ERROR answer", err)
			return 4
		}
		fmt.Printf("ANSWER %s %s %s\n", ballot, a.ID, choice)
		if rnd.IntN(6) == 0 {
			c.SyncOnce(context.Background(), nil) // errors: try again later
		}
		time.Sleep(time.Duration(rnd.IntN(20)) * time.Millisecond)
	}
	for i := 0; i < 20; i++ {
		rep, err := c.SyncOnce(context.Background(), nil)
		if err == nil && rep.Done() {
			if len(rep.Rejected) > 0 {
				fmt.Println("ERROR rejected", rep.Rejected[0].Code)
				return 5
			}
			fmt.Println("DONE")
			return 0
		}
		time.Sleep(time.Duration(100+rnd.IntN(400)) * time.Millisecond)
	}
	fmt.Println("ERROR never finished syncing")
	return 6
}

// TestMany_30MembersAnswer50BallotsOffline: 30 member devices, as separate
// processes, answer 50 ballots offline in random order with random sync
// timing and changed answers. Afterwards every replica's tally equals one
// computed independently from the answers the devices reported, and the
// hub stored each answer exactly once.
func TestMany_30MembersAnswer50BallotsOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns 30 device processes")
	}
	const nMembers, nBallots = 30, 50
	hub, init := startHub(t)
	sec := hub.Enroll(t, init.Invite)
	var members []meetings.Member
	for i := 0; i < nMembers; i++ {
		role := meetings.RoleMember
		if i == 0 {
			role = meetings.RoleChair
		}
		m, err := sec.AddMember(meetings.Member{Name: fmt.Sprintf("Thành viên %02d", i+1), Role: role})
		if err != nil {
			t.Fatal(err)
		}
		members = append(members, m)
	}
	var ballotIDs []string
	for i := 0; i < nBallots; i++ {
		b, err := sec.IssueBallot(core.BallotInput{Title: fmt.Sprintf("Phiếu số %d", i+1), Question: "Thông qua?", Deadline: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		ballotIDs = append(ballotIDs, b.ID)
	}
	replicatest.Sync(t, sec)

	// Each member's device: enrolled, synced, closed; then its script.
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	choices := []ballots.Choice{ballots.ChoiceAgree, ballots.ChoiceAgree, ballots.ChoiceDisagree, ballots.ChoiceOther}
	dirs := make([]string, nMembers)
	scripts := make([]string, nMembers)
	for i, m := range members {
		code, _, err := replica.CreateInvite(hub.P, m.ID, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		dirs[i] = filepath.Join(t.TempDir(), "dev")
		res, err := replica.Enroll(context.Background(), hub.URL, code, dirs[i], pass)
		if err != nil {
			t.Fatal(err)
		}
		replicatest.Sync(t, res.Profile)
		res.Profile.Close()
		var steps []string
		for _, bi := range rnd.Perm(nBallots) {
			steps = append(steps, ballotIDs[bi]+":"+string(choices[rnd.IntN(len(choices))]))
			if rnd.IntN(5) == 0 { // a changed answer, now or later
				steps = append(steps, ballotIDs[bi]+":"+string(choices[rnd.IntN(len(choices))]))
			}
		}
		rnd.Shuffle(len(steps), func(a, b int) {
			// keep each ballot's answers in order: only swap different ballots
			if strings.Split(steps[a], ":")[0] != strings.Split(steps[b], ":")[0] {
				steps[a], steps[b] = steps[b], steps[a]
			}
		})
		scripts[i] = strings.Join(steps, " ")
	}

	// Run the 30 devices at once.
	type history struct{ ballot, id, choice string }
	hist := make([][]history, nMembers)
	var wg sync.WaitGroup
	errs := make(chan error, nMembers)
	for i := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "ECAB_DEVICE_CHILD="+dirs[i], "ECAB_DEVICE_SCRIPT="+scripts[i])
			out, err := cmd.StdoutPipe()
			if err != nil {
				errs <- err
				return
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				errs <- err
				return
			}
			sc := bufio.NewScanner(out)
			done := false
			for sc.Scan() {
				f := strings.Fields(sc.Text())
				switch f[0] {
				case "ANSWER":
					hist[i] = append(hist[i], history{f[1], f[2], f[3]})
				case "DONE":
					done = true
				default:
					errs <- fmt.Errorf("device %d: %s", i, sc.Text())
				}
			}
			if err := cmd.Wait(); err != nil || !done {
				errs <- fmt.Errorf("device %d exited: %v (done %v)", i, err, done)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// The independent count: each member's last reported answer per ballot.
	total := 0
	last := map[string]map[string]string{} // ballot → member → choice
	for i, h := range hist {
		total += len(h)
		for _, a := range h {
			if last[a.ballot] == nil {
				last[a.ballot] = map[string]string{}
			}
			last[a.ballot][members[i].ID] = a.choice
		}
	}
	expect := map[string]ballots.Result{}
	for _, bid := range ballotIDs {
		b, _ := sec.Ballot(bid)
		b.Status = ballots.StatusClosed
		var synthetic []ballots.Answer
		for mid, ch := range last[bid] {
			synthetic = append(synthetic, ballots.Answer{ID: mid, BallotID: bid, MemberID: mid, Choice: ballots.Choice(ch), Seq: 1})
		}
		expect[bid] = ballots.Tally(b, synthetic)
	}

	// Close everything; the hub signs the results; every replica syncs.
	for _, bid := range ballotIDs {
		if err := sec.CloseBallot(bid); err != nil {
			t.Fatal(err)
		}
	}
	replicatest.Sync(t, sec)
	if _, err := hub.P.HubPublishResults(); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	replicas := []*core.Profile{hub.P, sec}
	for _, dir := range dirs {
		p, err := core.Open(dir, pass)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		replicatest.Sync(t, p)
		replicas = append(replicas, p)
	}
	stored := 0
	for _, bid := range ballotIDs {
		_, answers, err := hub.P.Tally(bid)
		if err != nil {
			t.Fatal(err)
		}
		stored += len(answers)
		for _, p := range replicas {
			got, _, err := p.Tally(bid)
			if err != nil {
				t.Fatal(err)
			}
			want := expect[bid]
			if got.Standing != want.Standing || fmt.Sprint(got.Counts) != fmt.Sprint(want.Counts) {
				t.Fatalf("ballot %s on %s: %s %v, independent count %s %v", bid, p.Self().Name, got.Standing, got.Counts, want.Standing, want.Counts)
			}
			if rc, ok := p.BallotResult(bid); !ok || !rc.Verified {
				t.Fatalf("ballot %s on %s: signed result %+v", bid, p.Self().Name, rc)
			}
		}
	}
	if stored != total {
		t.Fatalf("the hub stores %d answers; the devices saved %d", stored, total)
	}
	t.Logf("%d devices, %d ballots, %d answers (changes included): every replica agrees with the independent count", nMembers, nBallots, total)
}
