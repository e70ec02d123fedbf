// Package instance lets a second start of the desktop app on the same
// profile find the running one and ask it to bring its window forward,
// instead of failing on the profile lock. It uses a local socket in the
// profile directory (Unix domain sockets work on Linux, macOS and Windows 10+).
package instance

import (
	"bufio"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

const sockName = "instance.sock"

// Signal asks a running instance on dir to show itself. It reports whether
// one answered.
func Signal(dir string) bool {
	c, err := net.DialTimeout("unix", filepath.Join(dir, sockName), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("show\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.TrimSpace(line) == "ok"
}

// Listener answers Signal calls for one profile.
type Listener struct {
	ln   net.Listener
	path string
}

// Listen starts answering on dir; onShow runs (on the listener's goroutine)
// for each request. A stale socket left by a crashed process is replaced.
func Listen(dir string, onShow func()) (*Listener, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, sockName)
	if Signal(dir) {
		return nil, errors.New("another instance is listening")
	}
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	l := &Listener{ln: ln, path: path}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(2 * time.Second))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil || strings.TrimSpace(line) != "show" {
					return
				}
				onShow()
				_, _ = c.Write([]byte("ok\n"))
			}(c)
		}
	}()
	return l, nil
}

// Close stops listening and removes the socket.
func (l *Listener) Close() error {
	err := l.ln.Close()
	_ = os.Remove(l.path)
	return err
}
