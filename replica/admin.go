package replica

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/meetings"
)

// While `hub serve` holds the hub's data directory, `hub invite`, `hub
// revoke` and `hub devices` reach it through a socket in that directory
// (readable by its owner only) instead of opening the store themselves.

const adminSock = "admin.sock"

// AdminRequest is one administrative command.
type AdminRequest struct {
	Cmd    string        `cbor:"1,keyasint"` // "invite", "revoke", "devices", "backup"
	Member string        `cbor:"2,keyasint,omitempty"`
	Device string        `cbor:"3,keyasint,omitempty"`
	TTL    time.Duration `cbor:"4,keyasint,omitempty"`
	Role   string        `cbor:"5,keyasint,omitempty"`
}

// AdminResponse is its result.
type AdminResponse struct {
	Invite  string      `cbor:"1,keyasint,omitempty"`
	Expires time.Time   `cbor:"2,keyasint,omitempty"`
	Devices []DeviceRow `cbor:"3,keyasint,omitempty"`
	Code    string      `cbor:"4,keyasint,omitempty"`
	Error   string      `cbor:"5,keyasint,omitempty"`
}

// Admin carries out an administrative command on an opened hub.
func Admin(p *core.Profile, req AdminRequest) (AdminResponse, error) {
	return AdminIn(hubstate.OnProfile(p), p, req)
}

// AdminIn is Admin for the hub whose state st keeps and whose replica p is
// (a scaled-out hub's cache, attached to the shared log).
func AdminIn(st hubstate.Store, p *core.Profile, req AdminRequest) (AdminResponse, error) {
	switch req.Cmd {
	case "invite":
		if req.Role != "" {
			m, err := p.Member(req.Member)
			if err != nil {
				return AdminResponse{}, err
			}
			if m.Role != meetings.Role(req.Role) {
				m.Role = meetings.Role(req.Role)
				if err := p.UpdateMember(m); err != nil {
					return AdminResponse{}, err
				}
			}
		}
		code, exp, err := CreateInviteIn(st, p, req.Member, req.TTL)
		return AdminResponse{Invite: code, Expires: exp}, err
	case "revoke":
		return AdminResponse{}, RevokeIn(st, p, req.Device)
	case "devices":
		d, err := DevicesIn(st, p)
		return AdminResponse{Devices: d}, err
	}
	return AdminResponse{}, errors.New("unknown admin command")
}

// ServeAdmin answers admin commands on dir/admin.sock until ln is closed.
func ServeAdmin(dir string, p *core.Profile) (io.Closer, error) {
	path := filepath.Join(dir, adminSock)
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	_ = os.Chmod(path, 0o600)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(30 * time.Second))
				b, err := io.ReadAll(io.LimitReader(c, 1<<16))
				if err != nil {
					return
				}
				var req AdminRequest
				var resp AdminResponse
				if err := codec.Unmarshal(b, &req); err != nil {
					resp.Error = err.Error()
				} else if req.Cmd == AdminBackup {
					serveBackup(c, p)
					return
				} else if resp, err = Admin(p, req); err != nil {
					resp.Code, resp.Error = core.ErrorKey(err), err.Error()
				}
				out, _ := codec.Marshal(resp)
				c.Write(out)
			}()
		}
	}()
	return ln, nil
}

// ErrHubNotRunning: no running hub answered on the admin socket.
var ErrHubNotRunning = errors.New("no running hub on this data directory")

// CallAdmin sends a command to the hub running on dir.
func CallAdmin(dir string, req AdminRequest) (AdminResponse, error) {
	c, err := net.DialTimeout("unix", filepath.Join(dir, adminSock), 2*time.Second)
	if err != nil {
		return AdminResponse{}, ErrHubNotRunning
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	b, err := codec.Marshal(req)
	if err != nil {
		return AdminResponse{}, err
	}
	if _, err := c.Write(b); err != nil {
		return AdminResponse{}, err
	}
	if uc, ok := c.(*net.UnixConn); ok {
		_ = uc.CloseWrite()
	}
	out, err := io.ReadAll(io.LimitReader(c, 1<<20))
	if err != nil {
		return AdminResponse{}, err
	}
	var resp AdminResponse
	if err := codec.Unmarshal(out, &resp); err != nil {
		return AdminResponse{}, err
	}
	if resp.Error != "" {
		return resp, &Error{Code: resp.Code, Message: resp.Error}
	}
	return resp, nil
}
