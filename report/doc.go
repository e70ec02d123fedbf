// Package report writes the documents a Government Office sends out, as
// PDF, offline, with fpdf: the invitation and agenda of a meeting (giấy
// mời, chương trình), the summary of opinions of a ballot (báo cáo tổng
// hợp ý kiến) and the minutes and conclusions of a session (biên bản, kết
// luận), and each member's meeting book (tập tài liệu họp: cover, agenda,
// contents, then the papers the member may see, merged with pdfcpu), in
// Vietnamese or in English.
//
// It knows only the domain (meetings, ballots) and the embedded fonts:
// the application core gathers a plain input value (Invitation, Summary,
// Minutes, Book) and calls WriteInvitation, WriteSummary, WriteMinutes or
// BuildBook, so the documents are tested here without a profile.
//
// Files:
//   - labels.go: the wording of the documents in both languages.
//   - page.go: the page (A4, margins, fonts, footer with "Trang x/y") and
//     text cleaning (NFC) and dates.
//   - blocks.go: the parts every document shares: the heading with the
//     national motto, the signature block, tables that wrap and continue
//     across pages.
//   - invitation.go, summary.go, minutes.go: the three documents.
//   - book.go: the meeting book's input (Book, BookPaper, Repairer,
//     progress), its errors and its front pages (cover, agenda, contents).
//   - bookpdf.go: reading the papers with pdfcpu (PDFium's re-save as the
//     second try), merging them in memory, stamping the watermark, footer
//     and page numbers from one sheet of forms, and the outline.
//   - names.go: default file names.
package report
