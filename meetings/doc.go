// Package meetings holds the committee and meeting domain: bodies, members
// and their roles in each body (body.go), meetings with their lifecycle (draft → published → in session →
// closed), agenda items, attendance and quorum.
//
// It is plain Go with no I/O: no Fyne, no Badger, no network. Validation
// failures are *Error values whose Code is a translation key, so the desktop
// app and the headless commands can show them in the user's language.
package meetings
