// Command devicebot is one device of the scale-out end-to-end test
// (e2e/scale_test.go): a long-running process that holds one device
// profile and runs, one at a time, the commands the test writes to its
// standard input (one JSON object a line), answering each with one JSON
// line on its standard output.
//
// It exists because a CLI invocation per action opens Badger and runs the
// passphrase's key derivation every time, which for 30 devices answering
// many times is most of the test's budget. Everything it does goes through
// the same code the CLI and the app use: replica.Enroll, replica.Client's
// SyncOnce, replica.Downloader, core.Profile's AnswerBallot, Tally,
// OpenPaper. It is built without -race, like the ecabinet binary the test
// runs beside it.
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
)

// request is one command. Cmd names it; the other fields are its
// arguments, as each command below reads them.
type request struct {
	Cmd      string `json:"cmd"`
	Hub      string `json:"hub,omitempty"`
	Invite   string `json:"invite,omitempty"`
	Name     string `json:"name,omitempty"`
	Role     string `json:"role,omitempty"`
	Member   string `json:"member,omitempty"`
	Title    string `json:"title,omitempty"`
	Ballot   string `json:"ballot,omitempty"`
	Choice   string `json:"choice,omitempty"`
	Meeting  string `json:"meeting,omitempty"`
	Item     string `json:"item,omitempty"`
	File     string `json:"file,omitempty"`
	Paper    string `json:"paper,omitempty"`
	Deadline string `json:"deadline,omitempty"`
	DevSeq   uint64 `json:"dev_seq,omitempty"`
	// Timeout bounds a network command, in milliseconds (default 20 s).
	Timeout int `json:"timeout,omitempty"`
}

// reply is the answer to one command: Err is empty when it succeeded.
type reply struct {
	Err string `json:"err,omitempty"`
	// Net is true when Err came from the network or the hub (worth a
	// retry), false for a refusal of the request itself.
	Net bool `json:"net,omitempty"`

	ID          string            `json:"id,omitempty"`
	Item        string            `json:"item,omitempty"`
	Device      string            `json:"device,omitempty"`
	Fingerprint string            `json:"fingerprint,omitempty"`
	DevSeq      uint64            `json:"dev_seq,omitempty"`
	Sync        *replica.Report   `json:"sync,omitempty"`
	Counts      map[string]int    `json:"counts,omitempty"`
	Answers     map[string]string `json:"answers,omitempty"`
	Signed      bool              `json:"signed,omitempty"`
	Verified    bool              `json:"verified,omitempty"`
	Closed      bool              `json:"closed,omitempty"`
	Fetched     int               `json:"fetched,omitempty"`
	Offline     int               `json:"offline,omitempty"`
	SHA256      string            `json:"sha256,omitempty"`
	Papers      []string          `json:"papers,omitempty"`
	State       *core.OpState     `json:"state,omitempty"`
}

type bot struct {
	dir  string
	pass []byte
	p    *core.Profile
	c    *replica.Client
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: devicebot PROFILE-DIR (passphrase in ECABINET_PASSPHRASE)")
		os.Exit(2)
	}
	b := &bot{dir: os.Args[1], pass: []byte(os.Getenv("ECABINET_PASSPHRASE"))}
	if core.Exists(b.dir) {
		if err := b.open(); err != nil {
			fmt.Fprintln(os.Stderr, "devicebot:", err)
			os.Exit(1)
		}
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req request
		var rep reply
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			rep.Err = "bad request: " + err.Error()
		} else if req.Cmd == "quit" {
			break
		} else {
			rep = b.do(req)
		}
		if err := out.Encode(rep); err != nil {
			os.Exit(1)
		}
	}
	if b.c != nil {
		b.c.Close()
	}
	if b.p != nil {
		if err := b.p.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "devicebot: close:", err)
			os.Exit(1)
		}
	}
}

func (b *bot) open() error {
	p, err := core.Open(b.dir, b.pass)
	if err != nil {
		return err
	}
	c, err := replica.NewClient(p)
	if err != nil {
		p.Close()
		return err
	}
	b.p, b.c = p, c
	return nil
}

// fail turns err into a reply, telling the network's and the hub's
// failures (retried by the test) from refusals.
func fail(err error) reply {
	var re *replica.Error
	var me *meetings.Error
	switch {
	case errors.As(err, &me):
		return reply{Err: me.Error()}
	case errors.As(err, &re) && re.Status >= 400 && re.Status < 500 && re.Status != 408 && re.Status != 429:
		return reply{Err: err.Error()}
	default:
		return reply{Err: err.Error(), Net: true}
	}
}

func (b *bot) do(req request) reply {
	timeout := 20 * time.Second
	if req.Timeout > 0 {
		timeout = time.Duration(req.Timeout) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if req.Cmd != "enroll" && b.p == nil {
		return reply{Err: "not enrolled"}
	}
	switch req.Cmd {
	case "enroll":
		if b.p != nil {
			return reply{Err: "already enrolled"}
		}
		res, err := replica.Enroll(ctx, req.Hub, req.Invite, b.dir, b.pass)
		if err != nil {
			return fail(err)
		}
		c, err := replica.NewClient(res.Profile)
		if err != nil {
			res.Profile.Close()
			return fail(err)
		}
		b.p, b.c = res.Profile, c
		return reply{ID: b.p.Self().ID, Device: b.p.DeviceID(), Fingerprint: res.Fingerprint}
	case "add-member":
		m, err := b.p.AddMember(meetings.Member{Name: req.Name, Role: meetings.Role(req.Role)})
		if err != nil {
			return fail(err)
		}
		return reply{ID: m.ID}
	case "invite":
		inv, err := b.c.Invite(ctx, req.Member, 24*time.Hour)
		if err != nil {
			return fail(err)
		}
		return reply{ID: inv.Code, Fingerprint: inv.Fingerprint}
	case "meeting":
		m, err := b.p.CreateMeeting(core.MeetingInput{Title: req.Title, Start: time.Now().Add(72 * time.Hour)})
		if err != nil {
			return fail(err)
		}
		it, err := b.p.AddAgendaItem(m.ID, meetings.AgendaItem{Title: "Mục một: " + req.Title, Minutes: 30})
		if err != nil {
			return fail(err)
		}
		return reply{ID: m.ID, Item: it.ID}
	case "publish":
		if err := b.p.SetMeetingStatus(req.Meeting, meetings.StatusPublished); err != nil {
			return fail(err)
		}
		return reply{}
	case "paper":
		f, err := os.Open(req.File)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		pp, err := b.p.AddPaper(core.PaperInput{MeetingID: req.Meeting, ItemID: req.Item, Title: req.Title, FileName: req.Title + ".pdf"}, f)
		if err != nil {
			return fail(err)
		}
		return reply{ID: pp.ID}
	case "ballot":
		in := core.BallotInput{Title: req.Title, Question: "Đồng ý thông qua " + req.Title + "?", Deadline: time.Now().Add(48 * time.Hour)}
		if req.Deadline != "" {
			d, err := time.Parse(time.RFC3339Nano, req.Deadline)
			if err != nil {
				return fail(err)
			}
			in.Deadline = d
		}
		bl, err := b.p.IssueBallot(in)
		if err != nil {
			return fail(err)
		}
		return reply{ID: bl.ID}
	case "close":
		if err := b.p.CloseBallot(req.Ballot); err != nil {
			return fail(err)
		}
		return reply{}
	case "answer":
		a, err := b.p.AnswerBallot(req.Ballot, ballots.Choice(req.Choice), "")
		if err != nil {
			return fail(err)
		}
		// The answer's op is the newest in the outbox: its dev_seq is
		// how the test matches it with the hub's verdict.
		items, err := b.p.Outbox(1 << 20)
		if err != nil || len(items) == 0 {
			return reply{Err: fmt.Sprintf("the answer is not in the outbox (%v)", err)}
		}
		return reply{ID: a.ID, DevSeq: items[len(items)-1].DevSeq}
	case "sync":
		rep, err := b.c.SyncOnce(ctx, nil)
		r := reply{Sync: &rep}
		if err != nil {
			f := fail(err)
			r.Err, r.Net = f.Err, f.Net
		}
		return r
	case "verdict":
		// What the hub said of one of this device's ops, as the device
		// recorded it (the receipt verified when it arrived).
		st, err := b.p.OpState(req.DevSeq)
		if err != nil {
			return fail(err)
		}
		return reply{State: &st}
	case "tally":
		bl, err := b.p.Ballot(req.Ballot)
		if err != nil {
			return fail(err)
		}
		res, answers, err := b.p.Tally(req.Ballot)
		if err != nil {
			return fail(err)
		}
		r := reply{Counts: map[string]int{}, Answers: map[string]string{}, Closed: bl.Status == ballots.StatusClosed}
		for c, n := range res.Counts {
			r.Counts[string(c)] = n
		}
		for id, a := range ballots.Counted(bl, answers) {
			r.Answers[id] = string(a.Choice)
		}
		if rc, ok := b.p.BallotResult(req.Ballot); ok {
			r.Signed, r.Verified = true, rc.Verified
		}
		return r
	case "fetch":
		rep, err := replica.NewDownloader(b.p, b.c).RunOnce(ctx)
		if err != nil {
			return fail(err)
		}
		return reply{Fetched: rep.Fetched, Offline: rep.Offline}
	case "papers":
		list, err := b.p.Papers(core.PaperFilter{})
		if err != nil {
			return fail(err)
		}
		r := reply{Papers: []string{}}
		for _, v := range list {
			r.Papers = append(r.Papers, v.ID)
		}
		return r
	case "read":
		rd, _, err := b.p.OpenPaper(req.Paper, 0)
		if err != nil {
			return fail(err)
		}
		defer rd.Close()
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(rd, 0, rd.Size())); err != nil {
			return fail(err)
		}
		return reply{SHA256: hex.EncodeToString(h.Sum(nil))}
	}
	return reply{Err: "unknown command " + req.Cmd}
}
