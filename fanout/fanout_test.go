package fanout_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/ecabinet/ecabinet/fanout"
)

// marker is what these tests' subscribers get when they fell behind.
const marker = -1

func newInts(size int) *fanout.Fanout[int] {
	return fanout.New(size, func(int) int { return marker })
}

// drain reads what is queued for a subscriber now, without waiting.
func drain(ch <-chan int) []int {
	var out []int
	for {
		select {
		case v, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, v)
		default:
			return out
		}
	}
}

func TestPublish_GivenSubscribersAtDifferentSpeeds_ThenNobodyMissesNewsSilently(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		published int
		want      []int
		dropped   uint64
	}{
		{"given room for all then every value in order", 4, 3, []int{0, 1, 2}, 0},
		{"given exactly enough room then every value", 3, 3, []int{0, 1, 2}, 0},
		{"given one too many then one marker instead of the queue", 3, 4, []int{marker}, 1},
		{"given far too many then a marker and what came after it", 3, 6, []int{marker, 4, 5}, 1},
		{"given a full queue again then one marker again", 2, 5, []int{marker}, 2},
		{"given size zero then a buffer of one", 0, 2, []int{marker}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newInts(tt.size)
			ch, stop := f.Subscribe()
			defer stop()
			for i := range tt.published {
				f.Publish(i)
			}
			got := drain(ch)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("received %v, want %v", got, tt.want)
			}
			if f.Dropped() != tt.dropped {
				t.Errorf("Dropped() = %d, want %d", f.Dropped(), tt.dropped)
			}
		})
	}
}

func TestPublish_GivenOneSlowSubscriber_ThenTheOthersStillGetEveryValue(t *testing.T) {
	f := newInts(2)
	slow, stopSlow := f.Subscribe()
	defer stopSlow()
	fast, stopFast := f.Subscribe()
	defer stopFast()
	var got []int
	for i := range 5 {
		f.Publish(i)
		got = append(got, drain(fast)...)
	}
	if fmt.Sprint(got) != "[0 1 2 3 4]" {
		t.Errorf("fast subscriber got %v, want every value", got)
	}
	if s := drain(slow); len(s) == 0 || s[0] != marker {
		t.Errorf("slow subscriber got %v, want the marker first", s)
	}
}

func TestPublish_GivenBehindGetsTheNewest_ThenAStatusSubscriberEndsOnTheLatestState(t *testing.T) {
	f := fanout.New(1, func(latest string) string { return latest })
	ch, stop := f.Subscribe()
	defer stop()
	for _, s := range []string{"offline", "syncing", "synced"} {
		f.Publish(s)
	}
	if got := <-ch; got != "synced" {
		t.Errorf("got %q, want the latest state", got)
	}
}

func TestPublish_GivenAConcurrentReader_ThenItEndsUpWithTheLastValueOrAMarker(t *testing.T) {
	f := newInts(4)
	ch, stop := f.Subscribe()
	var wg sync.WaitGroup
	var last int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := range ch {
			last = v
		}
	}()
	for i := range 10000 {
		f.Publish(i)
	}
	f.Publish(10000)
	stop()
	wg.Wait()
	// Whatever the reader lost, the last thing it saw says so or is the end.
	if last != 10000 && last != marker {
		t.Errorf("last value read = %d: news was lost without a marker", last)
	}
}

func TestSubscribe_GivenStopTwiceOrClose_ThenChannelsCloseOnce(t *testing.T) {
	f := newInts(1)
	a, stopA := f.Subscribe()
	stopA()
	stopA() // no panic
	if _, ok := <-a; ok {
		t.Error("a stopped subscription's channel is still open")
	}
	b, stopB := f.Subscribe()
	f.Close()
	if _, ok := <-b; ok {
		t.Error("Close left a channel open")
	}
	stopB() // no panic after Close
	c, _ := f.Subscribe()
	if _, ok := <-c; ok {
		t.Error("a subscription after Close is open")
	}
	f.Publish(1) // no panic, nobody to send to
}

func Example() {
	f := fanout.New(2, func(int) int { return -1 }) // -1: "refresh everything"
	ch, stop := f.Subscribe()
	defer stop()
	for i := range 3 {
		f.Publish(i) // the third does not fit: the queue becomes one marker
	}
	fmt.Println(<-ch)
	// Output: -1
}
