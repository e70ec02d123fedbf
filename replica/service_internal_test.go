package replica

import (
	"testing"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// A status reader that fell behind (a busy UI) still ends on the current
// status: the fan-out hands it the newest in place of those it missed.
func TestServiceSubscribe_GivenASlowReader_ThenItsLastStatusIsTheCurrentOne(t *testing.T) {
	p, err := core.Create(t.TempDir(), []byte("correct horse battery"), meetings.Member{Name: "Nguyễn Thư Ký", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	s := NewService(p)
	ch, stop := s.Subscribe()
	defer stop()
	for i := range 3 * statusBuffer {
		s.update(func(st *Status) { st.Syncing, st.Done, st.Total = true, i+1, 3*statusBuffer })
	}
	s.update(func(st *Status) { st.Syncing = false })
	var last Status
	for len(ch) > 0 {
		last = <-ch
	}
	if last.Syncing || last.Done != 3*statusBuffer {
		t.Errorf("last status read = %+v, want the current one (done, not syncing)", last)
	}
	if last != s.Status() {
		t.Errorf("last status read %+v differs from Status() %+v", last, s.Status())
	}
}
