package replica

import (
	"context"
	"errors"
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/meetings"
)

// The secretariat's office at the hub: a secretary's enrolled device asks
// for an invitation, lists the devices with when each last synced and with
// which version of eCabinet, and revokes one — what `hub invite`, `hub
// devices` and `hub revoke` do through the admin socket, which only the
// hub's own machine can reach. The request is authenticated like a sync
// (mTLS, enrolled, not revoked) and then by role: the device's member must
// be a secretary in the hub's own replica, so a member's device, or a
// secretary demoted by a signed change, gets CodeForbidden.

// PathSecretariat is the endpoint of the secretariat's requests.
const PathSecretariat = "/v1/secretariat"

// HeaderApp carries the version of eCabinet a device runs, on every
// request; the hub records it with the device's last pull.
const HeaderApp = "X-Ecabinet-App"

// CodeForbidden: the device's member may not do secretariat work.
const CodeForbidden = "err.sync.secretariat_only"

// CodeOwnDevice: a secretary may not revoke the device asking.
const CodeOwnDevice = "err.sync.revoke_own_device"

// Secretariat commands.
const (
	SecInvite  = "invite"
	SecDevices = "devices"
	SecRevoke  = "revoke"
)

// MaxInviteTTL bounds how long an invitation made from the app stays
// valid: long enough to hand it over by letter, short enough that a lost
// one does not open the hub for long.
const MaxInviteTTL = 30 * 24 * time.Hour

// SecretariatRequest is one request of the secretariat.
type SecretariatRequest struct {
	Version int           `cbor:"1,keyasint"`
	Cmd     string        `cbor:"2,keyasint"`
	Member  string        `cbor:"3,keyasint,omitempty"`
	Device  string        `cbor:"4,keyasint,omitempty"`
	TTL     time.Duration `cbor:"5,keyasint,omitempty"`
}

func (r *SecretariatRequest) version() int { return r.Version }

// SecretariatResponse is its answer.
type SecretariatResponse struct {
	Version     int         `cbor:"1,keyasint"`
	Invite      string      `cbor:"2,keyasint,omitempty"`
	Expires     time.Time   `cbor:"3,keyasint,omitempty"`
	Fingerprint string      `cbor:"4,keyasint,omitempty"`
	Devices     []DeviceRow `cbor:"5,keyasint,omitempty"`
}

// AppVersion is the version of eCabinet this binary reports to the hub;
// main may set it at start (cli.Version). Empty: the module's build
// information, or "dev".
var AppVersion = ""

var buildVersion = sync.OnceValue(func() string {
	v := "dev"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += "-" + s.Value[:12]
			}
		}
	}
	return v
})

func appVersion() string {
	if AppVersion != "" {
		return AppVersion
	}
	return buildVersion()
}

// seenEvery is how often a device's last pull is written down: a device
// that pulls every few seconds must not cost a write each time, and "last
// synced" is read in minutes and days.
const seenEvery = time.Minute

// seenLog throttles the hub's writes of deviceSeen.
type seenLog struct {
	mu   sync.Mutex
	last map[string]hubstate.Seen
}

// noteSeen records that dev pulled now with the app version in the
// request, at most once per seenEvery unless the version changed. A
// failure to record is logged, never the pull's failure.
func (h *Hub) noteSeen(r *http.Request, dev string) {
	now := h.now().UTC()
	app := r.Header.Get(HeaderApp)
	if len(app) > 64 {
		app = app[:64]
	}
	h.seen.mu.Lock()
	if h.seen.last == nil {
		h.seen.last = map[string]hubstate.Seen{}
	}
	prev, ok := h.seen.last[dev]
	if ok && prev.App == app && now.Sub(prev.At) < seenEvery {
		h.seen.mu.Unlock()
		return
	}
	h.seen.last[dev] = hubstate.Seen{At: now, App: app}
	h.seen.mu.Unlock()
	if err := h.st.NoteSeen(r.Context(), dev, now, app); err != nil {
		h.log.Error("recording a device's last sync failed", "device", dev, "err", err)
	}
}

// secretariat serves PathSecretariat for an enrolled device.
func (h *Hub) secretariat(w http.ResponseWriter, r *http.Request, dev string) {
	var req SecretariatRequest
	if e := readBody(w, r, h.Limits.EnrollBody, &req); e != nil {
		h.fail(w, e)
		return
	}
	// A member added or a device enrolled through another process of a
	// scaled-out hub must be known here.
	if !h.caughtUp(w, r, dev) {
		return
	}
	m, err := h.p.DeviceMember(dev)
	if err != nil || m.Removed || m.Role != meetings.RoleSecretary {
		h.fail(w, &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: "only the secretariat may do this"})
		return
	}
	resp := SecretariatResponse{Version: Version}
	switch req.Cmd {
	case SecInvite:
		target, err := h.p.Member(req.Member)
		if err != nil || target.Removed {
			h.fail(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such member at the hub (sync first if the member was just added)"})
			return
		}
		ttl := min(max(req.TTL, time.Minute), MaxInviteTTL)
		code, exp, err := CreateInviteIn(h.st, h.p, target.ID, ttl)
		if err == nil {
			resp.Fingerprint, err = Fingerprint(h.keys.CACert)
		}
		if err != nil {
			h.log.Error("invite failed", "err", err)
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not make the invitation; try again"})
			return
		}
		resp.Invite, resp.Expires = code, exp
		h.log.Info("invitation made by the secretariat", "by", dev, "member", target.ID, "expires", exp)
	case SecDevices:
		if resp.Devices, err = DevicesIn(h.st, h.p); err != nil {
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not list its devices; try again"})
			return
		}
	case SecRevoke:
		switch err := h.revokeFor(dev, req.Device); {
		case errors.Is(err, core.ErrNotFound):
			h.fail(w, &Error{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such device"})
			return
		case err != nil:
			var e *Error
			if errors.As(err, &e) {
				h.fail(w, e)
				return
			}
			h.fail(w, &Error{Status: http.StatusServiceUnavailable, Code: CodeInternal, Message: "the hub could not revoke the device; try again"})
			return
		}
		h.log.Info("device revoked by the secretariat", "by", dev, "device", req.Device)
	default:
		h.fail(w, &Error{Status: http.StatusBadRequest, Code: CodeMalformed, Message: "unknown secretariat command"})
		return
	}
	h.reply(w, resp)
}

// revokeFor revokes target at the request of the device by; a device
// does not revoke itself nor the hub (that would lock the secretariat out
// of the hub with no way back but the hub's own machine).
func (h *Hub) revokeFor(by, target string) error {
	if target == by || target == h.p.DeviceID() {
		return &Error{Status: http.StatusForbidden, Code: CodeOwnDevice, Message: "a device cannot revoke itself or the hub"}
	}
	return RevokeIn(h.st, h.p, target)
}

// Invitation is what the secretariat hands a new member: the hub's
// address, the one-time code and the fingerprint to compare after
// joining (invitation.go writes and reads it as text).
type Invitation struct {
	Hub         string    `json:"hub"`
	Code        string    `json:"code"`
	Fingerprint string    `json:"fingerprint"`
	Member      string    `json:"member,omitempty"`
	Expires     time.Time `json:"expires"`
}

// Invite asks the hub for a one-time invitation for member, valid for ttl
// (at most MaxInviteTTL). Only a secretary's device may.
func (c *Client) Invite(ctx context.Context, member string, ttl time.Duration) (Invitation, error) {
	var resp SecretariatResponse
	if err := call(ctx, c.http, c.link.URL, PathSecretariat, SecretariatRequest{Version: Version, Cmd: SecInvite, Member: member, TTL: ttl}, &resp); err != nil {
		return Invitation{}, err
	}
	inv := Invitation{Hub: c.link.URL, Code: resp.Invite, Fingerprint: resp.Fingerprint, Expires: resp.Expires}
	if m, err := c.p.Member(member); err == nil {
		inv.Member = m.Name
	}
	return inv, nil
}

// HubDevices lists the devices enrolled at the hub, with their last sync.
func (c *Client) HubDevices(ctx context.Context) ([]DeviceRow, error) {
	var resp SecretariatResponse
	if err := call(ctx, c.http, c.link.URL, PathSecretariat, SecretariatRequest{Version: Version, Cmd: SecDevices}, &resp); err != nil {
		return nil, err
	}
	return resp.Devices, nil
}

// RevokeDevice shuts a device out of the hub from its next connection on.
func (c *Client) RevokeDevice(ctx context.Context, device string) error {
	var resp SecretariatResponse
	return call(ctx, c.http, c.link.URL, PathSecretariat, SecretariatRequest{Version: Version, Cmd: SecRevoke, Device: device}, &resp)
}
