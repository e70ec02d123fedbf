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
//
// backup.go backs a profile up while it is open and restores one, and
// checks a hub's whole log (VerifyLog) beside the audit chain (audit.go).
// stats.go counts the organisation's figures by year (sessions held,
// ballots processed, answers given and how many offline, papers).
package core
