// Package ballots holds written opinion ballots (phiếu lấy ý kiến): ballots,
// answers, their lifecycle (draft → open → closed) and the rule engine that
// turns answers into a standing under a configurable policy.
//
// It is plain Go with no I/O: no Fyne, no Badger, no network.
package ballots
