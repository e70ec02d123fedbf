package replica

import (
	"fmt"
	"time"

	"github.com/ecabinet/ecabinet/codec"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
)

// Version is the protocol version. Every request carries it; a mismatch is
// refused with a message saying which side to update.
const Version = 1

// MaxBody bounds a request or response body: the codec's message limit,
// so that whatever the hub reads, it can decode, and whatever it sends, a
// device can.
const MaxBody = codec.MaxMessage

// Page sizes.
const (
	PushPage = 200
	PullPage = 2000
)

// Paths of the hub's endpoints.
const (
	PathEnroll   = "/v1/enroll"
	PathPush     = "/v1/push"
	PathPull     = "/v1/pull"
	PathSnapshot = "/v1/snapshot"
	PathHealth   = "/healthz"
	PathMetrics  = "/metrics"
)

// ContentType of every protocol body: deterministic CBOR (package codec).
const ContentType = "application/cbor"

// PushRequest carries operations from a device's outbox, oldest first.
type PushRequest struct {
	Version int      `cbor:"1,keyasint"`
	Ops     [][]byte `cbor:"2,keyasint"`
}

// PushResponse has one verdict per pushed operation, in order.
type PushResponse struct {
	Version  int            `cbor:"1,keyasint"`
	Verdicts []core.Verdict `cbor:"2,keyasint"`
}

// PullRequest asks for log entries after Since. With Wait, a pull that
// finds nothing new is held until the log grows or Wait passes (at most
// MaxPullWait: the hub's bound), a long poll; zero answers at once.
type PullRequest struct {
	Version int           `cbor:"1,keyasint"`
	Since   uint64        `cbor:"2,keyasint"`
	Limit   int           `cbor:"3,keyasint"`
	Wait    time.Duration `cbor:"4,keyasint,omitempty"`
}

// PullResponse is a page of the log the device may see; Next is the
// checkpoint to continue from and Head the newest position in the log.
type PullResponse struct {
	Version int           `cbor:"1,keyasint"`
	Entries []core.Pulled `cbor:"2,keyasint"`
	Next    uint64        `cbor:"3,keyasint"`
	Head    uint64        `cbor:"4,keyasint"`
}

// SnapshotRequest asks for the hub's copy of one record.
type SnapshotRequest struct {
	Version int    `cbor:"1,keyasint"`
	Entity  string `cbor:"2,keyasint"`
}

// SnapshotResponse carries it.
type SnapshotResponse struct {
	Version  int           `cbor:"1,keyasint"`
	Snapshot core.Snapshot `cbor:"2,keyasint"`
}

// EnrollRequest redeems an invite for a device key.
type EnrollRequest struct {
	Version int    `cbor:"1,keyasint"`
	Invite  string `cbor:"2,keyasint"`
	PubKey  []byte `cbor:"3,keyasint"`
}

// EnrollResponse gives the device its certificate and what it must trust.
type EnrollResponse struct {
	Version   int             `cbor:"1,keyasint"`
	Cert      []byte          `cbor:"2,keyasint"` // DER, the device's client certificate
	CA        []byte          `cbor:"3,keyasint"` // DER, the hub's CA certificate
	Member    meetings.Member `cbor:"4,keyasint"`
	HubDevice string          `cbor:"5,keyasint"`
	HubPub    []byte          `cbor:"6,keyasint"`
	Org       string          `cbor:"7,keyasint"`
}

// ErrorResponse is any refusal. Code is a translation key.
type ErrorResponse struct {
	Version int    `cbor:"1,keyasint"`
	Code    string `cbor:"2,keyasint"`
	Message string `cbor:"3,keyasint"`
}

// Error is an ErrorResponse received by a client.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("hub: %s (%s)", e.Message, e.Code) }

// Error codes the hub sends (translation keys).
const (
	CodeVersion      = "err.sync.version"
	CodeMalformed    = "err.sync.malformed"
	CodeUnauthorized = "err.sync.unauthorized"
	CodeRevoked      = "err.sync.revoked"
	CodeInvite       = "err.sync.invite_invalid"
	CodeInviteUsed   = "err.sync.invite_used"
	CodeInviteOld    = "err.sync.invite_expired"
	CodeInternal     = "err.sync.internal"
	CodeNotFound     = "err.not_found"
	CodeHubAddress   = "err.sync.hub_address"
	CodeDeviceKnown  = "err.device.already_enrolled"
	CodeTooLarge     = "err.sync.too_large"
	CodeRateLimited  = "err.sync.rate_limited"
	CodeBusy         = "err.sync.busy"
)

// versionError explains a version mismatch from the point of view of the
// side that detects it.
func versionError(theirs, ours int, weAreHub bool) string {
	switch {
	case weAreHub && theirs > ours:
		return fmt.Sprintf("this device speaks protocol %d but the hub only %d: update the hub", theirs, ours)
	case weAreHub:
		return fmt.Sprintf("this device speaks protocol %d but the hub requires %d: update eCabinet on this device", theirs, ours)
	case theirs > ours:
		return fmt.Sprintf("the hub speaks protocol %d but this device only %d: update eCabinet on this device", theirs, ours)
	default:
		return fmt.Sprintf("the hub speaks protocol %d but this device %d: update the hub", theirs, ours)
	}
}
