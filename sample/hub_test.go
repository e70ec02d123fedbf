package sample_test

import (
	"testing"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/replica/replicatest"
	"github.com/ecabinet/ecabinet/sample"
)

var hubPass = []byte("mật khẩu thử nghiệm")

// The sample loaded into a profile enrolled with a hub: the closed 2023
// ballot's answers are sent to the hub now, years after its deadline, so
// under the reception-time rule the hub honestly stamps them late and none
// counts (0/11), while a profile without a hub counts all eleven. They are
// kept, not dropped on the push; the results view says why (app/results.go).
func TestLoad_IntoAnEnrolledProfile_TheClosedBallotsAnswers(t *testing.T) {
	h := replicatest.Start(t, hubPass, replicatest.Options{})
	p := h.Enroll(t, h.Init.Invite)
	replicatest.Sync(t, p)
	if err := sample.Load(p); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, p)
	closed := 0
	for _, b := range p.Ballots() {
		if b.Status != ballots.StatusClosed {
			continue
		}
		res, answers, err := p.Tally(b.ID)
		if err != nil {
			t.Fatal(err)
		}
		late := 0
		for _, a := range answers {
			if b.IsLate(a) && !a.ReceivedAt.IsZero() && a.ReceivedAt.After(b.Deadline) {
				late++
			}
		}
		if len(answers) != res.Members || late != len(answers) || res.Answered != 0 {
			t.Errorf("%s: %d/%d answered, %d answers kept, %d received late; want all %d kept, all late, none counted",
				b.Title, res.Answered, res.Members, len(answers), late, res.Members)
		}
		closed++
	}
	if closed == 0 {
		t.Fatal("the sample has no closed ballot")
	}
}
