package replica

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
)

// DefaultInviteTTL is how long an invite stays valid.
const DefaultInviteTTL = 10 * time.Minute

const settingKeys = "hub/keys"

// invite is a one-time invitation bound to a member (setting
// "invite/<hash of the secret>"; the secret itself is never stored).
type invite struct {
	MemberID string    `cbor:"1,keyasint"`
	Expires  time.Time `cbor:"2,keyasint"`
	Used     time.Time `cbor:"3,keyasint,omitempty"`
	Device   string    `cbor:"4,keyasint,omitempty"`
}

// InitResult is what `hub init` prints.
type InitResult struct {
	Org         string    `json:"org"`
	Fingerprint string    `json:"fingerprint"`
	SecretaryID string    `json:"secretary_id"`
	Invite      string    `json:"invite"`
	Expires     time.Time `json:"expires"`
}

// InitHub creates a hub in dir for the organisation org, serving hosts
// (names or addresses in its certificate), with a first secretary member
// and a one-time invite for their device.
func InitHub(dir string, pass []byte, org, secretaryName string, hosts []string, ttl time.Duration) (*core.Profile, InitResult, error) {
	org = strings.TrimSpace(org)
	if org == "" {
		return nil, InitResult{}, meetings.NewError("err.hub.org_required", "name")
	}
	if len(hosts) == 0 {
		hosts = []string{"127.0.0.1", "::1", "localhost"}
	}
	keys, err := newHubKeys(org, hosts)
	if err != nil {
		return nil, InitResult{}, err
	}
	p, err := core.CreateHub(dir, pass, org)
	if err != nil {
		return nil, InitResult{}, err
	}
	fail := func(err error) (*core.Profile, InitResult, error) {
		p.Close()
		return nil, InitResult{}, err
	}
	if err := p.PutSetting(settingKeys, keys); err != nil {
		return fail(err)
	}
	sec, err := p.AddMember(meetings.Member{Name: secretaryName, Title: org, Role: meetings.RoleSecretary})
	if err != nil {
		return fail(err)
	}
	code, exp, err := CreateInvite(p, sec.ID, ttl)
	if err != nil {
		return fail(err)
	}
	fp, _ := Fingerprint(keys.CACert)
	return p, InitResult{Org: org, Fingerprint: fp, SecretaryID: sec.ID, Invite: code, Expires: exp}, nil
}

func loadKeysIn(st hubstate.Store) (hubKeys, error) {
	var k hubKeys
	ok, err := st.Get(context.Background(), settingKeys, &k)
	if err == nil && !ok {
		err = core.ErrNoSetting
	}
	if err != nil {
		return k, fmt.Errorf("not a hub data directory: %w", err)
	}
	return k, nil
}

// HubFingerprint is the fingerprint people compare when enrolling.
func HubFingerprint(p *core.Profile) (string, error) { return HubFingerprintIn(hubstate.OnProfile(p)) }

// HubFingerprintIn is HubFingerprint of the hub whose state st keeps.
func HubFingerprintIn(st hubstate.Store) (string, error) {
	k, err := loadKeysIn(st)
	if err != nil {
		return "", err
	}
	return Fingerprint(k.CACert)
}

func inviteKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return "invite/" + hex.EncodeToString(h[:16])
}

// CreateInvite makes a one-time invite for a member, valid for ttl. The
// code is "<secret>.<pin>": the pin lets the device check the hub's
// certificate before it sends anything.
func CreateInvite(p *core.Profile, memberID string, ttl time.Duration) (string, time.Time, error) {
	return CreateInviteIn(hubstate.OnProfile(p), p, memberID, ttl)
}

// CreateInviteIn is CreateInvite for the hub whose state st keeps and
// whose replica p is (a scaled-out hub's cache).
func CreateInviteIn(st hubstate.Store, p *core.Profile, memberID string, ttl time.Duration) (string, time.Time, error) {
	if _, err := p.Member(memberID); err != nil {
		return "", time.Time{}, err
	}
	if ttl <= 0 {
		ttl = DefaultInviteTTL
	}
	k, err := loadKeysIn(st)
	if err != nil {
		return "", time.Time{}, err
	}
	pin, err := pinOf(k.CACert)
	if err != nil {
		return "", time.Time{}, err
	}
	var b [10]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", time.Time{}, err
	}
	secret := strings.ToLower(pinEnc.EncodeToString(b[:]))
	exp := time.Now().Add(ttl).UTC()
	if err := st.Put(context.Background(), inviteKey(secret), invite{MemberID: memberID, Expires: exp}); err != nil {
		return "", time.Time{}, err
	}
	return secret + "." + pin, exp, nil
}

// splitInvite separates an invite code into its secret and the hub pin.
func splitInvite(code string) (secret, pin string, err error) {
	secret, pin, ok := strings.Cut(strings.ToLower(strings.TrimSpace(code)), ".")
	if !ok || len(secret) != 16 || len(pin) != 16 {
		return "", "", errors.New("malformed invite code")
	}
	return secret, pin, nil
}

// errInvite carries an invite refusal code.
type errInvite string

func (e errInvite) Error() string { return string(e) }

// redeem uses an invite once for the device key pub; it returns the
// member. A key already enrolled (any member's device, the hub's own, a
// revoked one) is refused and the invite left unused.
func redeem(st hubstate.Store, p *core.Profile, code string, pub []byte, now time.Time) (string, error) {
	dev := identity.IDOf(pub)
	secret, _, err := splitInvite(code)
	if err != nil {
		return "", errInvite(CodeInvite)
	}
	var member string
	err = hubstate.Update(context.Background(), st, inviteKey(secret), func(inv *invite, found bool) error {
		switch {
		case !found:
			return errInvite(CodeInvite)
		case !inv.Used.IsZero():
			return errInvite(CodeInviteUsed)
		case now.After(inv.Expires):
			return errInvite(CodeInviteOld)
		}
		if known, err := p.KnowsDevice(pub); err != nil {
			return err
		} else if known {
			return errInvite(CodeDeviceKnown)
		}
		inv.Used, inv.Device = now.UTC(), dev
		member = inv.MemberID
		return nil
	})
	return member, err
}

// Revoke shuts a device out of the hub from its next connection on.
func Revoke(p *core.Profile, device string) error { return RevokeIn(hubstate.OnProfile(p), p, device) }

// RevokeIn is Revoke for the hub whose state st keeps: every process of a
// scaled-out hub reads the revocation at the device's next connection.
func RevokeIn(st hubstate.Store, p *core.Profile, device string) error {
	devs, err := p.Devices()
	if err != nil {
		return err
	}
	for _, d := range devs {
		if d.ID == device {
			return st.Put(context.Background(), revokedPrefix+device, time.Now().UTC())
		}
	}
	return core.ErrNotFound
}

// revokedPrefix names revocations among the settings.
const revokedPrefix = "revoked/"

// IsRevoked reports whether a device was revoked.
func IsRevoked(p *core.Profile, device string) bool {
	return isRevokedIn(hubstate.OnProfile(p), device)
}

// isRevokedIn reports whether a device was revoked; a state that cannot be
// read counts as revoked: refusing a device for a moment costs a retry,
// serving a revoked one costs what revocation is for.
func isRevokedIn(st hubstate.Store, device string) bool {
	revoked, err := revocationIn(st, device)
	return revoked || err != nil
}

// revocationIn says whether a device was revoked, or that the state
// cannot tell now (a scaled-out hub's database down): callers that can
// say "try again" to the device (503) rather than "you are revoked" need
// the difference.
func revocationIn(st hubstate.Store, device string) (revoked bool, err error) {
	// Bounded: a database that hangs must not hold handshakes for ever.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return st.Has(ctx, revokedPrefix+device)
}

// DeviceRow is one line of `hub devices`.
type DeviceRow struct {
	ID      string `json:"id"`
	Member  string `json:"member_id"`
	Name    string `json:"member_name"`
	Role    string `json:"role"`
	Revoked bool   `json:"revoked"`
	// LastSync and App are the device's last pull and the version of
	// eCabinet it ran then (zero and empty before its first pull).
	LastSync time.Time `json:"last_sync,omitzero"`
	App      string    `json:"app_version,omitempty"`
}

// Devices lists the enrolled devices (the hub's own excluded).
func Devices(p *core.Profile) ([]DeviceRow, error) { return DevicesIn(hubstate.OnProfile(p), p) }

// DevicesIn is Devices for the hub whose state st keeps.
func DevicesIn(st hubstate.Store, p *core.Profile) ([]DeviceRow, error) {
	devs, err := p.Devices()
	if err != nil {
		return nil, err
	}
	var out []DeviceRow
	for _, d := range devs {
		if d.ID == p.DeviceID() {
			continue
		}
		m, _ := p.Member(d.Member)
		row := DeviceRow{ID: d.ID, Member: d.Member, Name: m.Name, Role: string(m.Role), Revoked: isRevokedIn(st, d.ID)}
		if s, ok, _ := st.LastSeen(context.Background(), d.ID); ok {
			row.LastSync, row.App = s.At, s.App
		}
		out = append(out, row)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Fingerprint is the fingerprint of the hub h serves.
func (h *Hub) Fingerprint() (string, error) { return Fingerprint(h.keys.CACert) }
