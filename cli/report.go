package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/pdfrender"
	"github.com/ecabinet/ecabinet/report"
)

// report invitation|minutes --meeting ID [--out FILE|DIR], report summary
// --ballot ID [--out FILE|DIR]: the PDF documents the app's "Export PDF" writes
// (core.SaveReport), in the language of --lang. The file is written whole
// or not at all.
func defineReportInvitation(fs *flag.FlagSet) action {
	return defineReport(fs, report.KindInvitation, "meeting")
}

func defineReportMinutes(fs *flag.FlagSet) action {
	return defineReport(fs, report.KindMinutes, "meeting")
}

func defineReportSummary(fs *flag.FlagSet) action {
	return defineReport(fs, report.KindSummary, "ballot")
}

// reportPath is where a document is saved: --out, or, when --out is
// empty or a folder, the document's own name (as the app offers it) in the
// current folder or that one.
func reportPath(p *core.Profile, kind report.Kind, id string, lang report.Lang, out string) string {
	if st, err := os.Stat(out); out == "" || (err == nil && st.IsDir()) {
		return filepath.Join(out, p.ReportFileName(kind, id, lang))
	}
	return out
}

// defineReport declares --meeting or --ballot (subject) and --out.
func defineReport(fs *flag.FlagSet, kind report.Kind, subject string) action {
	id := fs.String(subject, "", "")
	out := fs.String("out", "", "")
	return func(r *runner) error {
		if err := required(fs, subject); err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		resolve := r.meetingID
		if subject == "ballot" {
			resolve = r.ballotID
		}
		full, err := resolve(p, *id)
		if err != nil {
			return err
		}
		lang := report.Lang(r.lang)
		if !lang.Valid() {
			lang = report.Vietnamese
		}
		path := reportPath(p, kind, full, lang, *out)
		if err := p.SaveReport(kind, full, lang, path); err != nil {
			return err
		}
		size := int64(0)
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
		return r.emit(map[string]any{"kind": string(kind), subject: full, "lang": string(lang), "out": path, "bytes": size}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.report_saved", map[string]any{"path": path}))
		})
	}
}

// report book --meeting ID [--member ID] [--out FILE]: the meeting book
// (core.SaveBook) of the profile's member, or, for the secretariat, of
// another member (their papers, their name in the watermark), with the
// papers on this computer. A paper pdfcpu cannot read is re-saved through
// PDFium, started only then. Without --out the book is saved in the
// current folder under its usual name.
func defineReportBook(fs *flag.FlagSet) action {
	id := fs.String("meeting", "", "")
	member := fs.String("member", "", "")
	out := fs.String("out", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting"); err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		full, err := r.meetingID(p, *id)
		if err != nil {
			return err
		}
		lang := report.Lang(r.lang)
		if !lang.Valid() {
			lang = report.Vietnamese
		}
		who := ""
		if *member != "" {
			if who, err = r.memberID(p, *member); err != nil {
				return err
			}
		}
		path := reportPath(p, report.KindBook, full, lang, *out)
		opt := core.BookOptions{Lang: lang, Member: who, Repair: pdfrender.Repair(pdfrender.Options{Instances: 1})}
		if err := p.SaveBook(context.Background(), full, opt, path); err != nil {
			return err
		}
		size := int64(0)
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
		return r.emit(map[string]any{"kind": string(report.KindBook), "meeting": full, "lang": string(lang), "out": path, "bytes": size}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.report_saved", map[string]any{"path": path}))
		})
	}
}

// minutes conclude --meeting ID --item ID --text TEXT: the conclusion on
// an agenda item, for the minutes (an empty --text clears it).
func defineMinutesConclude(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	txt := fs.String("text", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting", "item", "text"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		iid, err := itemID(m, *item)
		if err != nil {
			return err
		}
		if err := p.SetConclusion(m.ID, iid, *txt); err != nil {
			return err
		}
		title := m.Agenda[position(m, iid)-1].Title
		return r.emit(map[string]any{"meeting": m.ID, "item": iid, "conclusion": strings.TrimSpace(*txt)}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.concluded", map[string]any{"item": title}))
		})
	}
}

// minutes finalise --meeting ID: after it the conclusions stay as they are.
func defineMinutesFinalise(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	return func(r *runner) error {
		if err := required(fs, "meeting"); err != nil {
			return err
		}
		p, m, err := r.openMeeting(*meeting)
		if err != nil {
			return err
		}
		if err := p.FinaliseMinutes(m.ID); err != nil {
			return err
		}
		m, _ = p.Meeting(m.ID)
		return r.emit(map[string]any{"meeting": m.ID, "finalised": m.Finalised}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.finalised", map[string]any{"title": m.Title}))
		})
	}
}
