// Package core is the application core: one opened profile and every use
// case carried out on it (create a meeting, edit the agenda, issue a ballot,
// answer it, tally it …). The desktop screens (app/) and the headless
// commands (cli/) are two thin faces on it; neither talks to the store
// directly.
//
// Every change is made the same way (submit.go): build an ops.Op, sign it
// with the device key, apply it inside a store transaction using the domain
// rules (apply.go: the kind's entry in the table of kinds, ops/kinds.go, and
// its handler, kinds.go), and commit it together with its journal record. The
// in-memory model (model.go) is updated after the commit and an Event is
// published (events.go) so that screens can refresh without polling.
// Who may make a kind is checked against the actor's role in the body of
// the meeting or ballot it touches (rules.go; bodies.go keeps the bodies,
// members.go the memberships).
//
// bodies.go keeps the organisation's bodies (meetings/body.go): the main
// body exists without a record, named after the organisation.
//
// papers.go keeps papers (papers/): the record in the store and the model,
// the file in the profile's encrypted chunk store (store/blob, the
// "papers" directory), the lineage key unwrapped per device
// (papers/wrap.go), who receives a paper (PaperRecipients, the ToPaperList
// audience) and opening a version as an io.ReaderAt. papers_rewrap.go
// hands a paper's key on to a recipient's device enrolled since it was
// last wrapped (after each pull: the secretariat's devices for every
// recipient, a member's device for that member's own other devices).
//
// notes.go keeps a member's private notes on papers (papers/notes.go):
// sealed under the member's note key, which is wrapped for each of their
// devices (papers/notekey.go) and shared with a device enrolled later at
// sync (ShareNoteKeys); they reach only the author's devices (ToSelf, the
// "o/" group of audience.go), never the secretariat; CarryNotes carries
// them to a new version.
//
// receipts.go makes and keeps read receipts (paper.read, to the reader's
// devices and the body's secretariat: PaperReads), papertext.go this
// device's search text of the papers, in the encrypted store.
//
// backup.go backs a profile up while it is open and restores one, and
// checks a hub's whole log (VerifyLog) beside the audit chain (audit.go).
//
// Who sees what: hub.go orders operations in the hub's log and serves each
// device its share; audience.go says who may see each record (one function
// per record type) and turns each kind's audience rule into the groups a
// log entry is addressed to, which hub.go indexes so that a pull reads only
// the viewer's groups; reveal.go makes the hub's record.reveal and
// record.withdraw when an op changes who may see a record, and applies them
// on devices; progress.go is what a member who does not receive the
// others' answers knows of them (AnswersShown, the hub's running count).
// rules.go holds the role rules per body (who may act on which body's
// records); meetings.go's SetMeetingAudience sets a meeting's participants
// and restriction.
//
// shared.go is the scaled-out hub's shared-log mode (issue 14): several
// hub processes, each with its own cache (a hub Profile), write through
// one ordered log (hublog; PostgreSQL), every write one critical section,
// and each cache replays the others' entries into the very state their
// writer made (ShareLog, HubCatchUp, CreateHubReplica, HubEntries).
//
// stats.go counts the organisation's figures by year (sessions held,
// ballots processed, answers given and how many offline, papers).
//
// book.go gathers the member's meeting book (report.BuildBook) from the
// papers on this computer; bookcache.go's BookKeeper makes it in the
// background once they are all here and again when one changes, and keeps
// it encrypted in the chunk store (never a PDF on the disk), saved only
// as a paper's export rule allows (BookExportable).
package core
