// Package replica moves operations between devices and the hub: the hub's
// HTTPS server (hub.go), the device's sync client and background replicator
// (client.go, service.go), enrollment with one-time invites and the hub's
// certificate authority (hubadmin.go, ca.go), the hub's readiness endpoint
// (health.go), its admin socket for the commands run beside it (admin.go,
// hubadmin.go) and the backup streamed through it while it serves
// (backup.go), the secretariat's office reached from a secretary's own
// device — invitations, the devices with their last sync, revocation
// (secretariat.go) — and an invitation as text and link (invitation.go),
// the one protocol both speak (protocol.go), and what the hub
// bounds for every client: body sizes, connections, enrollment attempts,
// log lines (limits.go). Papers' encrypted chunks travel apart from the
// operations (chunks.go: uploaded by the adder's device before its op,
// which waits, with the ops after it, while the hub cannot store them —
// UploadHeldError — the ops before it and the pull going on; served only
// to devices of members on the paper's list, 404 to anyone else), fetched
// in the background by the downloader (download.go). A
// scaled-out hub (shared.go) is several processes on one PostgreSQL log and
// state (package hubstate) and one bucket, each serving from its own cache;
// export.go moves a single-machine hub there (`hub export`, `hub init
// --store`).
//
// The rules are not here: the hub and every device apply operations through
// the application core (core.Profile), which checks signatures, members and
// permissions the same way everywhere. This package only carries bytes,
// over TLS 1.3 with client certificates issued by the hub's CA to each
// enrolled device's own Ed25519 key; revocation is checked on every
// connection, resumed ones included.
package replica
