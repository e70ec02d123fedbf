package e2e

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// l4proxy is the load balancer of SCALE.md §6.2: a TCP proxy in front of
// the hub processes that passes the bytes through (TLS included, so a
// device's client certificate still ends at the hub) to the hub it points
// at when the connection opens. SwitchTo moves new connections to another
// hub; DropAll cuts every open one, as a balancer restarting or a network
// blip would.
type l4proxy struct {
	ln      net.Listener
	targets []string
	cur     atomic.Int32
	mu      sync.Mutex
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
	// accepted counts the connections proxied, per target.
	accepted []atomic.Int64
}

func newProxy(t *testing.T, targets ...string) *l4proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &l4proxy{ln: ln, targets: targets, conns: map[net.Conn]struct{}{}, accepted: make([]atomic.Int64, len(targets))}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

func (p *l4proxy) addr() string { return p.ln.Addr().String() }
func (p *l4proxy) url() string  { return "https://" + p.addr() }

// SwitchTo sends the connections opened from now on to target i.
func (p *l4proxy) SwitchTo(i int) { p.cur.Store(int32(i)) }

// DropAll closes every connection open through the proxy.
func (p *l4proxy) DropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
}

func (p *l4proxy) track(c net.Conn, on bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		if p.conns == nil {
			return false // closed
		}
		p.conns[c] = struct{}{}
	} else if p.conns != nil {
		delete(p.conns, c)
	}
	return true
}

func (p *l4proxy) serve() {
	defer p.wg.Done()
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		i := int(p.cur.Load())
		p.accepted[i].Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			out, err := net.Dial("tcp", p.targets[i])
			if err != nil {
				in.Close() // the hub is down: the device sees a reset and retries
				return
			}
			if !p.track(in, true) || !p.track(out, true) {
				in.Close()
				out.Close()
				return
			}
			done := make(chan struct{}, 2)
			pipe := func(dst, src net.Conn) {
				io.Copy(dst, src) //nolint:errcheck // a cut connection ends the copy
				// One side ended: end both, so that neither end waits on a
				// half-open connection.
				dst.Close()
				src.Close()
				done <- struct{}{}
			}
			go pipe(out, in)
			go pipe(in, out)
			<-done
			<-done
			p.track(in, false)
			p.track(out, false)
		}()
	}
}

func (p *l4proxy) close() {
	p.ln.Close()
	p.DropAll()
	p.mu.Lock()
	p.conns = nil
	p.mu.Unlock()
	p.wg.Wait()
}
