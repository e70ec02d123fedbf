package replica_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/replica"
	"github.com/ecabinet/ecabinet/replica/replicatest"
)

func secretariatError(t *testing.T, err error, code string) {
	t.Helper()
	var he *replica.Error
	if !errors.As(err, &he) || he.Code != code {
		t.Fatalf("got %v, want the hub's %s", err, code)
	}
}

// TestSecretariat_InviteListRevokeFromADevice runs the secretariat's office
// over the hub's real TLS listener: a secretary's device invites a new
// member, the member joins with the invitation's text, pulls, and shows in
// the list with its last sync and app version; a member's device is
// refused; the secretary revokes the member's device and it is shut out.
func TestSecretariat_InviteListRevokeFromADevice(t *testing.T) {
	replica.AppVersion = "1.4.0-test"
	t.Cleanup(func() { replica.AppVersion = "" })
	hub, init := startHub(t)
	sec := hub.Enroll(t, init.Invite)
	m, err := sec.AddMember(meetings.Member{Name: "Trần Hồng Hà", Title: "Phó Thủ tướng", Role: meetings.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	ctx := context.Background()
	c, err := replica.NewClient(sec)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()

	// when the secretary asks for an invitation for the new member
	inv, err := c.Invite(ctx, m.ID, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := replica.HubFingerprint(hub.P)
	if inv.Fingerprint != fp || inv.Hub != hub.URL || inv.Member != m.Name {
		t.Fatalf("invitation %+v, want the hub's fingerprint %s and address %s for %s", inv, fp, hub.URL, m.Name)
	}
	if d := time.Until(inv.Expires); d < 6*24*time.Hour || d > 8*24*time.Hour {
		t.Fatalf("invitation expires %v, want about a week from now", inv.Expires)
	}
	// then the member joins with the text they were handed
	got, err := replica.ParseInvitation("Gửi anh Hà:\n" + inv.Text())
	if err != nil || got.Code != inv.Code || got.Hub != inv.Hub {
		t.Fatalf("the invitation's text reads back as %+v, %v", got, err)
	}
	dev := hub.Enroll(t, got.Code)
	if dev.Self().ID != m.ID {
		t.Fatalf("enrolled as %+v, want %s", dev.Self(), m.ID)
	}
	replicatest.Sync(t, dev)
	replicatest.Sync(t, sec)

	rows, err := c.HubDevices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var row replica.DeviceRow
	for _, r := range rows {
		if r.ID == dev.DeviceID() {
			row = r
		}
	}
	if len(rows) != 2 || row.Name != m.Name || row.LastSync.IsZero() || row.App != "1.4.0-test" || row.Revoked {
		t.Fatalf("devices %+v, want the secretary's and %s's, seen with app 1.4.0-test", rows, m.Name)
	}

	// a member's device may not do the secretariat's work
	mc, err := replica.NewClient(dev)
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	_, err = mc.HubDevices(ctx)
	secretariatError(t, err, replica.CodeForbidden)
	_, err = mc.Invite(ctx, m.ID, time.Hour)
	secretariatError(t, err, replica.CodeForbidden)

	// nor does a secretary revoke their own device, or invite a stranger
	secretariatError(t, c.RevokeDevice(ctx, sec.DeviceID()), replica.CodeOwnDevice)
	_, err = c.Invite(ctx, "no-such-member", time.Hour)
	secretariatError(t, err, replica.CodeNotFound)
	secretariatError(t, c.RevokeDevice(ctx, "no-such-device"), replica.CodeNotFound)

	// when the secretary revokes the member's device, it is shut out
	if err := c.RevokeDevice(ctx, dev.DeviceID()); err != nil {
		t.Fatal(err)
	}
	if !replica.IsRevoked(hub.P, dev.DeviceID()) {
		t.Fatal("the hub does not record the revocation")
	}
	mc.Close()
	mc2, _ := replica.NewClient(dev)
	defer mc2.Close()
	if _, err := mc2.SyncOnce(ctx, nil); err == nil {
		t.Fatal("a revoked device still syncs")
	}
	rows, _ = c.HubDevices(ctx)
	for _, r := range rows {
		if r.ID == dev.DeviceID() && !r.Revoked {
			t.Fatalf("the list does not show %s revoked: %+v", r.ID, r)
		}
	}
}

// TestSecretariat_ADemotedSecretaryIsRefused: the role is read from the
// hub's replica at each request, not from the device's certificate.
func TestSecretariat_ADemotedSecretaryIsRefused(t *testing.T) {
	hub, init := startHub(t)
	sec := hub.Enroll(t, init.Invite)
	other, err := sec.AddMember(meetings.Member{Name: "Thư ký hai", Role: meetings.RoleSecretary})
	if err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	sec2 := hub.EnrollMember(t, other.ID)
	replicatest.Sync(t, sec2)
	self := sec2.Self()
	self.Role = meetings.RoleMember
	if err := sec.UpdateMember(self); err != nil {
		t.Fatal(err)
	}
	replicatest.Sync(t, sec)
	c, _ := replica.NewClient(sec2)
	defer c.Close()
	_, err = c.HubDevices(context.Background())
	secretariatError(t, err, replica.CodeForbidden)
}

func TestParseInvitation(t *testing.T) {
	inv := replica.Invitation{Hub: "https://hub.vpcp.gov.vn:8443", Code: "abcdefghijklmnop.qrstuvwxyz234567", Fingerprint: "AB12 CD34", Member: "Nguyễn Văn A", Expires: time.Date(2026, 12, 8, 10, 0, 0, 0, time.UTC)}
	tests := []struct {
		name, text string
		ok         bool
	}{
		{"the whole text", inv.Text(), true},
		{"the link alone, as a QR code holds it", inv.Link(), true},
		{"the link inside a message", "Kính gửi đồng chí, " + inv.Link() + " — Văn phòng", true},
		{"the address and the code retyped", "https://hub.vpcp.gov.vn:8443/ ABCDEFGHIJKLMNOP.QRSTUVWXYZ234567", true},
		{"only the code", "abcdefghijklmnop.qrstuvwxyz234567", false},
		{"a plain-http address", "http://hub.vpcp.gov.vn:8443 abcdefghijklmnop.qrstuvwxyz234567", false},
		{"a broken link and nothing else", "ecabinet:join?hub=%zz&code=x", false},
		{"nothing", "", false},
		{"a pasted document", strings.Repeat("x", 9000) + inv.Link(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := replica.ParseInvitation(tc.text)
			if !tc.ok {
				if !errors.Is(err, replica.ErrNoInvitation) {
					t.Fatalf("got %+v, %v; want ErrNoInvitation", got, err)
				}
				return
			}
			if err != nil || got.Hub != inv.Hub || got.Code != inv.Code {
				t.Fatalf("got %+v, %v; want hub %s and code %s", got, err, inv.Hub, inv.Code)
			}
		})
	}
}

func FuzzParseInvitation(f *testing.F) {
	inv := replica.Invitation{Hub: "https://127.0.0.1:8443", Code: "abcdefghijklmnop.qrstuvwxyz234567", Fingerprint: "AB12"}
	f.Add(inv.Text())
	f.Add(inv.Link())
	f.Add("https://x abcdefghijklmnop.qrstuvwxyz234567")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := replica.ParseInvitation(s)
		if err != nil {
			return
		}
		// whatever it accepts, it reads back the same from its own link
		again, err := replica.ParseInvitation(got.Link())
		if err != nil || again.Hub != got.Hub || again.Code != got.Code {
			t.Fatalf("%q read as %+v, whose link reads as %+v, %v", s, got, again, err)
		}
	})
}
