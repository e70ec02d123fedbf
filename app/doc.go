// Package app holds the desktop screens (Fyne). It never imports
// fyne.io/fyne/v2/app: main.go creates the Fyne application and hands it to
// Run, so every screen can be tested with fyne.io/fyne/v2/test and no
// display.
//
// One file per screen: unlock.go and firstrun.go before a profile is open
// (welcome.go is their shared frame, profiles.go the choice between this
// computer's profiles and the switch from Settings), then shell.go (the table of screens
// that builds the navigation rail and the Ctrl+1… shortcuts, the status
// bar), home.go (the first screen: what needs me; home_papers.go counts each next
// session's papers), meetings.go and
// meeting_detail.go (consent.go is its consent agenda tab, conclusions.go
// the minutes' conclusions), ballots.go, ballot_detail.go, answer.go
// (scan.go reads a paper answer's scan) and results.go (ballots_track.go
// is the secretariat's response tracking, filters and who is asked),
// members.go, settings.go, and for the secretariat devices.go (each
// member's devices, revocation; invite.go makes an invitation with its QR
// code) and stats.go (the figures by year); join.go enrolls with a committee's hub, sync.go runs the
// replicator and the status bar, notices.go holds answer states, reminders
// and the hub's refusals; export.go saves a ballot's results and reports.go
// the PDF documents (invitation, minutes, summary of opinions), book_panel.go
// the member's meeting book on the meeting (made in the background, its
// progress, open in the reader, save); bodies.go
// the bodies: the body filter and the names on rows of the merged lists, the
// body picker, a meeting's participants and restricted mark, the member
// form's role per body.
// reader.go is the paper reader (PDFs through pdfrender, from an
// io.ReaderAt, never a file): reader_pages.go its virtualised column of
// pages, reader_side.go the thumbnails and contents, reader_other.go files
// that are not PDFs, reader_window.go its own window and `ecabinet read`,
// reader_notes.go the member's private notes (added by right-click or the
// note tool, drawn on the pages, listed in the sidebar's Notes tab, edited,
// deleted, exported as Markdown, carried to a new version).
// papers.go is the Papers screen (Tài liệu: everything received, grouped by
// meeting and ballot, with its badges and search), papers_attach.go the
// Papers tab of a meeting and a ballot (attach from a dialog or a drop,
// edit, replace, recall), papers_read.go opening a paper in the reader
// (reader.go and its files), its one-time notice of what is recorded, and
// the index of the papers' text (searched in memory, kept in the encrypted
// store); receipts.go the secretariat's "Read" panel of a paper.
// keys.go holds the keys that are not shortcuts (Esc closes a dialog, F1
// opens the help; keyButton, the dialogs' button that does not keep them)
// and "Sync now" that says when it cannot; calendar.go is the date fields'
// calendar in the app's language; filechooser.go the app's own file dialog
// (attach, scans, exports), which Esc closes and the keyboard works, as
// Fyne's cannot be made to; safety.go asks
// before steps that are probably slips. run.go sizes the window to fit a
// 768-px screen and remembers its size.
//
// overflow.go is the row of header actions that offers what does not fit
// from a More (⋯) menu, so a pane never grows past its share of the window.
//
// widgets.go holds the small building blocks (chips, banners, text lines,
// the rail entry), forms.go the form and confirmation dialogs, errors.go the
// one way errors reach people, format.go dates and words, i18n.go the
// language, theme.go the look.
//
// Threading follows one rule. Callbacks run on the UI goroutine and only
// read the core's in-memory model there (lists, records); anything that
// touches the disk or verifies signatures — opening a profile, saving a
// change, tallying a ballot, counting the changes waiting — runs on a
// goroutine (ui.background), and its result comes back through ui.post,
// which is fyne.Do in the app. Core events arrive the same way: one
// goroutine per shell reads Profile.Subscribe, folds a burst of events into
// one set of changes and posts it; each screen re-reads what changed (and,
// after the core's TopicAll marker, which says the goroutine fell behind
// and missed events, everything).
//
// Every string a person reads comes from lang.X with a key present in
// assets/translations/app.vi.json and app.en.json (tests check both ways);
// errors from the core are translated by their core.ErrorKey.
package app
