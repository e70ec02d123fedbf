package store

// Key prefixes of the records. One place, so the layout can be read at a
// glance and migrated by SchemaVersion.
const (
	PrefixMember  = "member"  // member/<id> → meetings.Member
	PrefixMeeting = "meeting" // meeting/<id> → meetings.Meeting
	PrefixBallot  = "ballot"  // ballot/<id> → ballots.Ballot
	PrefixBody    = "body"    // body/<id> → meetings.Body
	PrefixPaper   = "paper"   // paper/<id> → core.PaperRecord (the paper, lineage left out, and its wrapped keys)
	PrefixAnswer  = "answer"  // answer/<ballot>/<answer> → signed op bytes
	PrefixOp      = "op"      // op/<device>/<seq> → signed op bytes (applied ops)
	PrefixOutbox  = "outbox"  // outbox/<seq> → op ID waiting for the hub
	PrefixDevice  = "device"  // device/<id> → Ed25519 public key
	// PrefixDeviceMember maps a device to the member it signs for.
	PrefixDeviceMember = "devmember" // devmember/<id> → member ID
)

// PrefixMine indexes the profile member's own latest answer per ballot:
// mine/<ballot> → ballots.Answer, so the inbox needs no scan of all answers.
const PrefixMine = "mine"

// Papers, per device: this device's unwrapped lineage key of each paper it
// may read (never replicated: every device unwraps its own), and the
// highest version of each paper the profile's member opened ("updated"
// badges are about what this reader saw).
const (
	PrefixPaperKey  = "paperkey"  // paperkey/<paper> → papers.LineageKey
	PrefixPaperRead = "paperread" // paperread/<paper> → int (version number)
)

// Private notes (core/notes.go), on the author's devices and the hub:
// each note sealed under its author's note key, and that key wrapped for
// each of the author's devices. The hub holds them and can open neither.
const (
	PrefixNote    = "note"    // note/<member>/<note> → core.NoteRecord
	PrefixNoteKey = "notekey" // notekey/<member>/<key ID> → core.NoteKeyRecord
)

// PrefixPaperReceipt holds the read receipts a replica receives (the
// member's own, and every reader's on the secretariat's devices):
// paperreceipt/<paper>/<member> → core.PaperReceipt.
const PrefixPaperReceipt = "paperreceipt"

// PrefixPaperText is this device's search index of papers (core/papertext.go):
// papertext/<paper>/<version> → core.PaperText, the folded words of each page.
const PrefixPaperText = "papertext"

// Keys of sync state.
const (
	PrefixOpState  = "opstate"  // opstate/<devseq> → what the hub said of a local op
	PrefixHubSeq   = "hubseq"   // hubseq/<entity key> → hub position the local copy reflects
	PrefixNeedSnap = "needsnap" // needsnap/<entity key> → the local copy diverged; fetch the hub's
	PrefixHubLog   = "hublog"   // hublog/<hubseq> → core.LogEntry (hub only)
	PrefixPushed   = "pushed"   // pushed/<device>/<devseq> → core.Verdict (hub only)
	// PrefixHubIdx indexes the log by audience group (core/audience.go):
	// hubidx/<group>/<hubseq> → nothing, so that a device's pull reads only
	// the entries its member may see (hub only).
	PrefixHubIdx = "hubidx"
	// PrefixHubRec indexes the entries hanging from a record (answers,
	// marks, reminders, results): hubrec/<entity key>/<hubseq> → nothing,
	// what a reveal re-sends to a member who joins its audience (hub only).
	PrefixHubRec   = "hubrec"
	PrefixRefusals = "refusals" // refusals/<device> → which refused verdicts are kept (hub only)
	PrefixSetting  = "setting"  // setting/<name> → any CBOR value
	PrefixAudit    = "audit"    // audit/<n> → core.AuditEntry (hash-chained)
	PrefixResult   = "result"   // result/<ballot> → core.ResultCheck
	PrefixReminder = "reminder" // reminder/<ballot> → core.Reminder
	PrefixProgress = "progress" // progress/<ballot> → core.Progress (the hub's running count)
	PrefixConsent  = "consent"  // consent/<meeting>/<item>/<member> → meetings.ConsentMark
	PrefixEditBase = "editbase" // editbase/<devseq> → the fields a local edit started from (core)
	PrefixResolved = "resolved" // resolved/<devseq> → core.Resolution of a refused local change
)

// PrefixHubReveal holds the reveals a membership change still owes a
// member, made in transactions of bounded size after the one that recorded
// the change: hubreveal/<hubseq of the change> → core.pendingReveal (hub
// only).
const PrefixHubReveal = "hubreveal"
