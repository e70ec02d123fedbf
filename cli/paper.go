package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/ecabinet/ecabinet/assets"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/pdfrender"
	"github.com/ecabinet/ecabinet/replica"
)

// The paper commands: attach, list, show, replace, recall, export and
// fetch papers. The file is read once, into the profile's encrypted chunk
// store; no plaintext copy is made (an export is the one file written in
// clear, where the member asked for it).

func init() {
	boolFlags["confidential"] = true
	boolFlags["no-export"] = true
}

// paperRowJSON is a paper in `paper list`.
type paperRowJSON struct {
	ID        string         `json:"id"`
	Title     string         `json:"title"`
	Owner     papers.Owner   `json:"owner"`
	Marking   papers.Marking `json:"marking"`
	Version   int            `json:"version"`
	FileName  string         `json:"file_name"`
	MediaType string         `json:"media_type"`
	Size      int64          `json:"size"`
	Pages     int            `json:"pages,omitempty"`
	Recalled  bool           `json:"recalled,omitempty"`
	Offline   bool           `json:"offline"`
	Read      string         `json:"read"`
	// Unsent: the current version is not on the hub yet (core.PaperView).
	Unsent bool `json:"unsent,omitempty"`
}

func paperRow(v core.PaperView) paperRowJSON {
	cur, _ := v.CurrentVersion()
	return paperRowJSON{v.ID, v.Title, v.Owner, v.Marking, cur.Number, cur.FileName, cur.MediaType, cur.Size(), cur.Pages,
		v.Recalled, v.Offline, string(v.Read), v.Unsent}
}

// versionJSON is one version in `paper show`.
type versionJSON struct {
	Number    int       `json:"number"`
	FileName  string    `json:"file_name"`
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	Pages     int       `json:"pages,omitempty"`
	Chunks    int       `json:"chunks"`
	SHA256    string    `json:"sha256"`
	AddedBy   string    `json:"added_by"`
	AddedAt   time.Time `json:"added_at"`
	// Offline: every chunk of this version is on this computer.
	Offline bool `json:"offline"`
}

// paperJSON is `paper show`: the paper, its list and, of who has it
// offline, what this device knows: itself.
type paperJSON struct {
	paperRowJSON
	ExportAllowed bool                `json:"export_allowed"`
	Distribution  papers.Distribution `json:"distribution"`
	Recipients    []string            `json:"recipients"`
	Versions      []versionJSON       `json:"versions"`
	OfflineHere   bool                `json:"offline_here"`
	Readable      bool                `json:"readable"`
	// Reads: for the secretariat, who on the list has opened which
	// version (read receipts); absent for anyone else.
	Reads []readJSON `json:"reads,omitempty"`
}

// readJSON is one member's read receipts of a paper.
type readJSON struct {
	Member   string             `json:"member"`
	Name     string             `json:"name"`
	Versions []core.VersionRead `json:"versions"`
}

// openPapers opens the profile with a PDF inspector (pdfrender), so that a
// PDF's pages are counted and a corrupt or protected one is refused.
func (r *runner) openPapers() (*core.Profile, error) {
	p, err := r.open()
	if err != nil {
		return nil, err
	}
	p.SetPDFInspector(func(rd io.ReaderAt, size int64) (int, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		eng, err := pdfrender.NewEngine(ctx, pdfrender.Options{CacheDir: filepath.Join(p.Dir(), "cache", "pdfium"), Instances: 1})
		if err != nil {
			return 0, err
		}
		defer eng.Close()
		doc, err := eng.Open(ctx, rd, size)
		if err != nil {
			return 0, err
		}
		defer doc.Close()
		return doc.PageCount(), nil
	})
	return p, nil
}

// openInput opens the file to attach, refusing what is not a regular file
// and what is over the limit before reading any of it.
func openInput(p *core.Profile, path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, failf("cli.err.paper_unreadable", "path", path)
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, failf("cli.err.paper_unreadable", "path", path)
	}
	if st.Size() > p.PaperLimit() {
		f.Close()
		return nil, papers.ErrTooLarge(p.PaperLimit())
	}
	return f, nil
}

// paperID finds the paper named by id (or the start of its ID) among those
// this member may see.
// openPaper checks --paper, opens the profile and resolves *id (a prefix)
// to the paper's full ID: the start of every command on one paper.
func (r *runner) openPaper(fs *flag.FlagSet, id *string) (*core.Profile, error) {
	if err := required(fs, "paper"); err != nil {
		return nil, err
	}
	p, err := r.open()
	if err != nil {
		return nil, err
	}
	if *id, err = r.paperID(p, *id); err != nil {
		return nil, err
	}
	return p, nil
}

func (r *runner) paperID(p *core.Profile, id string) (string, error) {
	list, err := p.Papers(core.PaperFilter{})
	if err != nil {
		return "", err
	}
	ids := make([]string, 0, len(list))
	for _, v := range list {
		ids = append(ids, v.ID)
	}
	return resolve("paper", id, ids)
}

// agendaItem takes an agenda item by its position (from 1) or its ID.
func agendaItem(m meetings.Meeting, s string) (string, error) {
	if n, err := strconv.Atoi(s); err == nil && n >= 1 && n <= len(m.Agenda) {
		return m.Agenda[n-1].ID, nil
	}
	return itemID(m, s)
}

// paper add --meeting ID --item N | --ballot ID --file PATH [--title T] [--to MEMBER,...] [--confidential] [--no-export]
func definePaperAdd(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	item := fs.String("item", "", "")
	ballot := fs.String("ballot", "", "")
	file := fs.String("file", "", "")
	title := fs.String("title", "", "")
	to := fs.String("to", "", "")
	confidential := fs.Bool("confidential", false, "")
	noExport := fs.Bool("no-export", false, "")
	return func(r *runner) error {
		if err := required(fs, "file"); err != nil {
			return err
		}
		if (*ballot == "") == (*meeting == "") || (*meeting != "" && *item == "") {
			return usagef("cli.usage.paper_owner")
		}
		p, err := r.openPapers()
		if err != nil {
			return err
		}
		in := core.PaperInput{Title: *title, Confidential: *confidential, NoExport: *noExport, FileName: filepath.Base(*file)}
		if *ballot != "" {
			if in.BallotID, err = r.ballotID(p, *ballot); err != nil {
				return err
			}
		}
		if *meeting != "" {
			mid, err := r.meetingID(p, *meeting)
			if err != nil {
				return err
			}
			m, err := p.Meeting(mid)
			if err != nil {
				return err
			}
			if in.ItemID, err = agendaItem(m, *item); err != nil {
				return err
			}
			in.MeetingID = m.ID
		}
		for _, id := range strings.Split(*to, ",") {
			if id = strings.TrimSpace(id); id != "" {
				mid, err := r.memberID(p, id)
				if err != nil {
					return err
				}
				in.To = append(in.To, mid)
			}
		}
		f, err := openInput(p, *file)
		if err != nil {
			return err
		}
		defer f.Close()
		pp, err := p.AddPaper(in, f)
		if err != nil {
			return err
		}
		cur, _ := pp.CurrentVersion()
		return r.emit(map[string]any{"id": pp.ID, "version": cur.Number, "chunks": len(cur.Manifest.Chunks)}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.paper_added", map[string]any{"title": pp.Title, "id": pp.ID}))
		})
	}
}

// paper list [--meeting ID | --ballot ID]
func definePaperList(fs *flag.FlagSet) action {
	meeting := fs.String("meeting", "", "")
	ballot := fs.String("ballot", "", "")
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		list, err := p.Papers(core.PaperFilter{MeetingID: *meeting, BallotID: *ballot})
		if err != nil {
			return err
		}
		out := make([]paperRowJSON, 0, len(list))
		for _, v := range list {
			out = append(out, paperRow(v))
		}
		return r.emit(out, func(w io.Writer) {
			if len(out) == 0 {
				fmt.Fprintln(w, r.T("cli.out.no_papers"))
				return
			}
			rows := [][]string{{r.T("cli.col.id"), r.T("cli.col.version"), r.T("cli.col.offline"), r.T("cli.col.read"), r.T("cli.col.paper")}}
			for _, v := range out {
				off := r.T("cli.out.no")
				if v.Offline {
					off = r.T("cli.out.yes")
				}
				title := v.Title
				if v.Marking == papers.MarkingConfidential {
					title += " (" + r.T("cli.out.confidential") + ")"
				}
				if v.Unsent {
					title += " · " + r.T("cli.out.paper_unsent")
				}
				rows = append(rows, []string{v.ID, fmt.Sprint(v.Version), off, r.T("cli.read." + v.Read), title})
			}
			table(w, rows)
		})
	}
}

// paper show --paper ID
func definePaperShow(fs *flag.FlagSet) action {
	id := fs.String("paper", "", "")
	return func(r *runner) error {
		p, err := r.openPaper(fs, id)
		if err != nil {
			return err
		}
		v, err := p.PaperView(*id)
		if err != nil {
			return err
		}
		rec, err := p.PaperRecipients(v.ID)
		if err != nil {
			return err
		}
		bs, err := p.Blobs()
		if err != nil {
			return err
		}
		out := paperJSON{paperRowJSON: paperRow(v), ExportAllowed: v.ExportAllowed, Distribution: v.Distribution,
			Recipients: rec, OfflineHere: v.Offline, Readable: v.Readable}
		if out.Distribution.Members == nil {
			out.Distribution.Members = []string{}
		}
		if reads, err := p.PaperReads(v.ID); err == nil {
			for _, rd := range reads {
				// ISO times in UTC in the JSON, whatever the computer's
				// zone: the text below shows them in its zone.
				vs := make([]core.VersionRead, 0, len(rd.Versions))
				for _, vr := range rd.Versions {
					vs = append(vs, core.VersionRead{Version: vr.Version, At: vr.At.UTC()})
				}
				out.Reads = append(out.Reads, readJSON{rd.Member.ID, rd.Member.Name, vs})
			}
		} else if !core.IsForbidden(err) {
			return err
		}
		for _, ver := range v.Versions {
			u, err := bs.Usage(ver.Manifest)
			if err != nil {
				return err
			}
			out.Versions = append(out.Versions, versionJSON{ver.Number, ver.FileName, ver.MediaType, ver.Size(), ver.Pages,
				len(ver.Manifest.Chunks), ver.SHA256().String(), ver.AddedBy, ver.AddedAt, u.Complete()})
		}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, v.Title)
			fmt.Fprintln(w, r.T("cli.out.paper_recipients", map[string]any{"n": len(rec)}))
			for _, ver := range out.Versions {
				off := r.T("cli.out.no")
				if ver.Offline {
					off = r.T("cli.out.yes")
				}
				fmt.Fprintln(w, r.T("cli.out.paper_version", map[string]any{"n": ver.Number, "file": ver.FileName, "size": ver.Size, "offline": off}))
			}
			if out.Reads != nil {
				fmt.Fprintln(w, r.T("cli.out.paper_reads"))
				for _, rd := range out.Reads {
					if len(rd.Versions) == 0 {
						fmt.Fprintln(w, "  "+r.T("cli.out.paper_not_opened", map[string]any{"name": rd.Name}))
						continue
					}
					for _, vr := range rd.Versions {
						fmt.Fprintln(w, "  "+r.T("cli.out.paper_read_by", map[string]any{"name": rd.Name, "n": vr.Version, "at": r.readWhen(vr.At)}))
					}
				}
			}
		})
	}
}

// readWhen is a read receipt's time as the app's Read panel shows it
// ("19/07/2023 08:00", "19 Jul 2023 08:00"), in this computer's zone.
func (r *runner) readWhen(t time.Time) string {
	t = t.Local()
	if r.lang == langVI {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// paper replace --paper ID --file PATH
func definePaperReplace(fs *flag.FlagSet) action {
	id := fs.String("paper", "", "")
	file := fs.String("file", "", "")
	return func(r *runner) error {
		if err := required(fs, "paper", "file"); err != nil {
			return err
		}
		p, err := r.openPapers()
		if err != nil {
			return err
		}
		if *id, err = r.paperID(p, *id); err != nil {
			return err
		}
		f, err := openInput(p, *file)
		if err != nil {
			return err
		}
		defer f.Close()
		ver, err := p.ReplacePaper(*id, filepath.Base(*file), f)
		if err != nil {
			return err
		}
		return r.emit(map[string]any{"id": *id, "version": ver.Number}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.paper_replaced", map[string]any{"n": ver.Number, "id": *id}))
		})
	}
}

// paper recall --paper ID
func definePaperRecall(fs *flag.FlagSet) action {
	id := fs.String("paper", "", "")
	return func(r *runner) error {
		p, err := r.openPaper(fs, id)
		if err != nil {
			return err
		}
		if err := p.RecallPaper(*id); err != nil {
			return err
		}
		return r.emit(map[string]any{"id": *id, "recalled": true}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.paper_recalled", map[string]any{"id": *id}))
		})
	}
}

// paper fetch: download now the papers this member may see (the app does
// it in the background after each sync).
func definePaperFetch(fs *flag.FlagSet) action {
	return func(r *runner) error {
		p, err := r.open()
		if err != nil {
			return err
		}
		c, err := replica.NewClient(p)
		if err != nil {
			if errors.Is(err, replica.ErrNotEnrolled) {
				return failf("cli.err.not_enrolled")
			}
			return err
		}
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		dl := replica.NewDownloader(p, c)
		rep, err := dl.RunOnce(ctx)
		if err != nil {
			return err
		}
		// Streams: how many chunks were fetched at once, the bound on what
		// an interrupted round fetches again (one chunk per stream).
		out := struct {
			replica.DownloadReport
			Streams int `json:"streams"`
		}{rep, dl.Streams}
		return r.emit(out, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.papers_fetched", map[string]any{"fetched": rep.Fetched, "offline": rep.Offline, "papers": rep.Papers}))
			// "0/3 papers" alone reads as a fault when the keys simply
			// have not reached this device yet (core/papers_rewrap.go).
			if rep.AwaitingKey > 0 {
				fmt.Fprintln(w, r.T("cli.out.papers_awaiting_key", map[string]any{"n": rep.AwaitingKey}))
			}
		})
	}
}

// paper export --paper ID --out FILE
func definePaperExport(fs *flag.FlagSet) action {
	id := fs.String("paper", "", "")
	out := fs.String("out", "", "")
	return func(r *runner) error {
		if err := required(fs, "paper", "out"); err != nil {
			return err
		}
		p, err := r.open()
		if err != nil {
			return err
		}
		if *id, err = r.paperID(p, *id); err != nil {
			return err
		}
		pp, err := p.Paper(*id)
		if err != nil {
			return err
		}
		mode, err := pp.ExportMode()
		if err != nil {
			return err
		}
		rd, ver, err := p.OpenPaper(*id, 0)
		if err != nil {
			return err
		}
		defer rd.Close()
		var data io.Reader = io.NewSectionReader(rd, 0, rd.Size())
		label := ""
		if mode == papers.ExportWatermarked {
			if ver.MediaType != papers.MediaTypePDF {
				return papers.ErrExportRefused // a watermark needs pages
			}
			label = fmt.Sprintf("%s · %s", p.Self().Name, time.Now().Format("02/01/2006"))
			b, err := watermarked(p, rd, label)
			if err != nil {
				return err
			}
			data = bytes.NewReader(b)
		}
		if err := writeAtomic(*out, data); err != nil {
			return err
		}
		return r.emit(map[string]any{"id": *id, "version": ver.Number, "out": *out, "mode": string(mode), "watermark": label}, func(w io.Writer) {
			fmt.Fprintln(w, r.T("cli.out.paper_exported", map[string]any{"out": *out}))
		})
	}
}

// watermarked renders every page with the label drawn across it and binds
// the pages into a new PDF: the copy carries whose it was on every page.
func watermarked(p *core.Profile, rd io.ReaderAt, label string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	eng, err := pdfrender.NewEngine(ctx, pdfrender.Options{CacheDir: filepath.Join(p.Dir(), "cache", "pdfium"), Instances: 1})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	size := rd.(interface{ Size() int64 }).Size()
	doc, err := eng.Open(ctx, rd, size)
	if err != nil {
		return nil, err
	}
	defer doc.Close()
	wm, err := pdfrender.NewWatermark(assets.NotoSansRegular)
	if err != nil {
		return nil, err
	}
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt"})
	for i := range doc.PageCount() {
		ps, err := doc.PageSize(i)
		if err != nil {
			return nil, err
		}
		img, err := doc.RenderScale(ctx, i, 2)
		if err != nil {
			return nil, err
		}
		if err := wm.Apply(img, label); err != nil {
			return nil, err
		}
		var jb bytes.Buffer
		if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 85}); err != nil {
			return nil, err
		}
		name := fmt.Sprintf("p%d", i)
		f.AddPageFormat("P", fpdf.SizeType{Wd: ps.Width, Ht: ps.Height})
		f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, &jb)
		f.ImageOptions(name, 0, 0, ps.Width, ps.Height, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// writeAtomic writes the file beside its final name and renames it, so a
// failure (a full disk) leaves no half file.
func writeAtomic(path string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ecabinet-export-*")
	if err != nil {
		return failf("cli.err.write_failed", "path", path)
	}
	_, err = io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return failf("cli.err.write_failed", "path", path)
	}
	return nil
}
