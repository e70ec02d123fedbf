package app

import (
	"strings"
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/replica/replicatest"
	"github.com/ecabinet/ecabinet/sample"
)

// The sample loaded into a profile enrolled with a hub: its closed 2023
// ballot's answers reach the hub years after the deadline, so none counts
// (0/11) while eleven are kept (sample/hub_test.go). The ballot list's row
// says so, in the chip and in its second line, as the results tab does.
func TestBallots_ResponseChipSaysWhichAnswersCameLate(t *testing.T) {
	h := startHub(t)
	sec := h.Enroll(t, h.Init.Invite)
	replicatest.Sync(t, sec)
	if err := sample.Load(sec); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	var closed ballots.Ballot
	for _, b := range sec.Ballots() {
		if b.Status == ballots.StatusClosed {
			closed = b
		}
	}
	if closed.ID == "" {
		t.Fatal("the sample has no closed ballot")
	}
	n := len(closed.Eligible)
	for _, tc := range []struct {
		code, chip, line string
	}{
		{langVI, "0/11 đã trả lời · 11 muộn", "11 ý kiến máy chủ nhận được sau hạn, không được tính"},
		{langEN, "0/11 answered · 11 late", "11 received by the hub after the deadline, not counted"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			if n != 11 {
				t.Fatalf("the sample's closed ballot has %d eligible members, the texts below say 11", n)
			}
			e := newEnv(t, tc.code, "")
			s := e.open(sec)
			bs := openBallot(t, s, closed.ID)
			row := func() (ballotRow, bool) {
				for _, r := range bs.all {
					if r.b.ID == closed.ID {
						return r, true
					}
				}
				return ballotRow{}, false
			}
			e.l.waitFor(t, "the closed ballot's responses", func() bool {
				r, ok := row()
				return ok && r.responsesKnown && r.lateN > 0
			})
			r, _ := row()
			if r.answeredN != 0 || r.lateN != n {
				t.Fatalf("row: %d answered, %d late; want 0 and %d", r.answeredN, r.lateN, n)
			}
			if text, _ := responseChip(r, bs.now); text != tc.chip {
				t.Errorf("chip %q, want %q", text, tc.chip)
			}
			e.shot() // draws the rows
			if !e.hasText(tc.chip) {
				t.Errorf("the list does not show %q", tc.chip)
			}
			if !e.hasText(tc.line) {
				t.Errorf("the row's second line does not say %q", tc.line)
			}
			// an open ballot before its deadline says nothing of lateness
			for _, o := range bs.all {
				if o.b.Status == ballots.StatusOpen && o.lateN != 0 {
					t.Errorf("open ballot %q: %d late before its deadline", o.b.Title, o.lateN)
				}
				if text, _ := responseChip(o, bs.now); o.b.Status == ballots.StatusOpen && strings.Contains(text, "·") {
					t.Errorf("open ballot's chip %q", text)
				}
			}
		})
	}
}
