package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"sync"

	"github.com/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"

	"github.com/ecabinet/ecabinet/meetings"
)

// How the book is put together with pdfcpu (v0.15.0), all in memory:
//
//  1. Each paper is read into a pdfcpu context from its reader. One that
//     pdfcpu rejects is re-saved through PDFium (Book.Repair) and read
//     again; one that still fails is named in the error.
//  2. The front (fpdf) and the papers are merged context into context
//     (pdfcpu.MergeXRefTables): no PDF is written and read back between
//     steps, which is what keeps a 500-page book near the cost of a plain
//     merge.
//  3. Every page gets the watermark, the footer with the member's name and
//     the date, and "Trang x/y". pdfcpu's own stamps re-compress every
//     page's content stream and make a form per page for "%p" — about 1 ms
//     a page per stamp, twenty times a merge. Instead, a small fpdf "sheet"
//     of forms (the diagonal watermark, the footer line, "Trang ", each
//     digit and "/") is merged once, and each page gets two tiny,
//     uncompressed content streams around its own — "q" before, "Q" and
//     the forms placed after — so no paper's content is decoded or
//     re-encoded. The text is fpdf's Noto Sans (subset, with its Unicode
//     map), so pdftotext reads the Vietnamese back.
//  4. The outline is written directly: one entry per agenda item, one per
//     paper beneath it, and the paper's own outline beneath that, all
//     with explicit page destinations (pdfcpu's AddBookmarks makes a named
//     destination of every title, which fails on two papers that both
//     have a "Phụ lục").
//  5. pdfcpu writes the whole book to the caller's writer.

// paperDoc is a paper read by pdfcpu.
type paperDoc struct {
	ctx     *model.Context
	pages   int
	outline []pdfcpu.Bookmark
}

var disableConfig sync.Once

// pdfConfig is a fresh configuration. pdfcpu would otherwise create a
// configuration directory (and install its fonts) in the user's config
// folder on first use; the book needs neither.
func pdfConfig() *model.Configuration {
	disableConfig.Do(api.DisableConfigDir)
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.CreateBookmarks = false
	conf.Cmd = model.MERGECREATE
	return conf
}

// readPDF reads a PDF into a pdfcpu context. pdfcpu is hardened but large:
// a panic on a hostile file is turned into an error here.
func readPDF(rs io.ReadSeeker) (ctx *model.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			ctx, err = nil, fmt.Errorf("pdfcpu: %v", r)
		}
	}()
	ctx, err = api.ReadAndValidate(rs, pdfConfig())
	if err == nil && ctx.PageCount < 1 {
		err = errors.New("pdfcpu: no pages")
	}
	return ctx, err
}

// isPDFType reports whether a media type or file name says PDF.
func isPDFType(p BookPaper) bool {
	return strings.EqualFold(strings.TrimSpace(p.MediaType), "application/pdf") ||
		strings.HasSuffix(strings.ToLower(p.FileName), ".pdf")
}

// readPaper reads one paper. A file that says it is not a PDF and does not
// look like one is no error: it is listed as not included (notPDF).
func readPaper(ctx context.Context, p BookPaper, repair Repairer) (doc *paperDoc, notPDF bool, err error) {
	if p.MediaType != "" && !isPDFType(p) {
		return nil, true, nil
	}
	if p.Data == nil || p.Size <= 0 {
		if isPDFType(p) {
			return nil, false, bookError(ErrBookUnreadable.Code, p.Title, errors.New("empty file"))
		}
		return nil, true, nil
	}
	head := make([]byte, min(p.Size, 1024))
	if n, err := p.Data.ReadAt(head, 0); n < len(head) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return nil, false, bookError(ErrBookRead.Code, p.Title, err)
	}
	if !bytes.Contains(head, []byte("%PDF-")) {
		if isPDFType(p) {
			return nil, false, bookError(ErrBookUnreadable.Code, p.Title, errors.New("no PDF header"))
		}
		return nil, true, nil
	}
	pc, err := readPDF(io.NewSectionReader(p.Data, 0, p.Size))
	if err != nil && (errors.Is(err, pdfcpu.ErrWrongPassword) || errors.Is(err, pdfcpu.ErrEncrypted)) {
		return nil, false, bookError(ErrBookPassword.Code, p.Title, nil)
	}
	if err != nil && repair != nil {
		fixed, rerr := repair(ctx, p.Data, p.Size)
		if rerr == nil {
			pc, err = readPDF(bytes.NewReader(fixed))
		} else {
			if ctx.Err() != nil {
				return nil, false, ctx.Err()
			}
			var me *meetings.Error
			if errors.As(rerr, &me) && strings.HasSuffix(me.Code, ".password") {
				return nil, false, bookError(ErrBookPassword.Code, p.Title, nil)
			}
			err = fmt.Errorf("%w; PDFium: %v", err, rerr)
		}
	}
	if err != nil {
		return nil, false, bookError(ErrBookUnreadable.Code, p.Title, err)
	}
	doc = &paperDoc{ctx: pc, pages: pc.PageCount}
	// A paper's outline is a courtesy: one pdfcpu cannot follow is left out
	// rather than failing the book.
	if bms, err := pdfcpu.Bookmarks(pc); err == nil {
		doc.outline = bms
	}
	return doc, false, nil
}

// assemble merges the front and the papers, stamps every page, writes the
// outline and the book.
func assemble(ctx context.Context, w io.Writer, b Book, front []byte, widths [sheetPages]float64, frontPages int, items []*bookItem, progress func(BookProgress)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("report: book: %v", r)
		}
	}()
	dest, err := readPDF(bytes.NewReader(front))
	if err != nil {
		return fmt.Errorf("report: book front: %w", err)
	}
	dest.EnsureVersionForWriting()
	// No object streams: pdfcpu deflates each with a fresh zlib writer,
	// and the book has more small objects than the papers it binds (a
	// stamp stream per page, the outline). Measured (BenchmarkBook20, CPU
	// profile): the write's share drops by about a fifth; the book grows
	// by under a tenth (1.07 MB for 493 pages).
	dest.Configuration.WriteObjectStream = false
	sh := &sheet{widths: widths}
	if err := sh.adopt(dest); err != nil {
		return fmt.Errorf("report: book stamp: %w", err)
	}
	for _, it := range items {
		for _, e := range it.entries {
			if e.doc == nil {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := pdfcpu.MergeXRefTables(e.paper.Title, e.doc.ctx, dest, false, false); err != nil {
				return bookError(ErrBookUnreadable.Code, e.paper.Title, err)
			}
			e.doc.ctx = nil // merged: its objects now belong to dest
		}
	}
	total := dest.PageCount

	// One walk of the page tree for every page: pdfcpu's PageDict(i) walks
	// it from the root for each page, cloning the inherited resources at
	// every node on the way (quadratic in a book's pages).
	pages, err := walkPages(dest)
	if err != nil {
		return fmt.Errorf("report: book pages: %w", err)
	}
	if len(pages) != total {
		return fmt.Errorf("report: book has %d pages, its tree %d", total, len(pages))
	}
	if err := sh.stamp(ctx, dest, pages, progress); err != nil {
		return err
	}
	if err := writeOutline(dest, b, items, frontPages, pages); err != nil {
		return fmt.Errorf("report: book outline: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The whole book is made before a byte reaches w, so a failure leaves
	// w untouched.
	var out bytes.Buffer
	if err := api.WriteContext(dest, &out); err != nil {
		return fmt.Errorf("report: book write: %w", err)
	}
	if _, err := w.Write(out.Bytes()); err != nil {
		return err
	}
	progress(BookProgress{Stage: StageWrite, Done: total, Total: total})
	return nil
}

// The sheet's forms, in page order.
const (
	sheetWatermark = iota
	sheetFooter
	sheetPrefix
	sheetDigits // ten pages, "0" … "9"
	sheetSlash  = sheetDigits + 10
	sheetPages  = sheetSlash + 1
)

const (
	ptPerMM     = 72 / 25.4
	stampSize   = 8.0  // pt, the footer
	stampMargin = 36.0 // pt from the page's side edges
	stampBase   = 16.0 // pt from the bottom to the footer's baseline
	glyphH      = 8.0  // mm, height of a glyph form
	glyphBase   = 5.0  // mm from its top to the baseline
	a4W, a4H    = 595.28, 841.89
)

// sheet is the forms stamped on every page: their advances and, once
// adopted, their objects.
type sheet struct {
	widths [sheetPages]float64 // pt: advance of each glyph form
	refs   [sheetPages]types.IndirectRef
	q      types.IndirectRef // the shared "q" stream
	// xobjects names every form: the XObject dictionary of a page that
	// has none of its own.
	xobjects types.IndirectRef
}

// addSheet writes the forms as the last pages of the front's fpdf
// document (so the book embeds one subset of each font, and pdfcpu reads
// one file): first an A4 page with the diagonal watermark, then one small
// page per piece of text, each drawn from x = 0 with its baseline
// glyphBase mm below the top. It returns the pieces' advances in points.
func addSheet(p *page, b Book) [sheetPages]float64 {
	l, pdf := b.Lang, p.pdf
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	date := b.Date.In(b.Location).Format("02/01/2006")
	if l == English {
		date = b.Date.In(b.Location).Format("2 January 2006")
	}
	name := clean(strings.TrimSpace(b.Member.Name))

	// The watermark: the member's name and the date across the page,
	// light enough to read the paper through.
	pdf.AddPageFormat("P", fpdf.SizeType{Wd: 210, Ht: 297})
	mark := name + " · " + date
	pdf.SetFont(family, "B", 10)
	size := min(46, 10*270/max(1, pdf.GetStringWidth(mark)))
	pdf.SetFont(family, "B", size)
	pdf.SetTextColor(150, 30, 30)
	pdf.SetAlpha(0.10, "Normal")
	angle := math.Atan2(297, 210) * 180 / math.Pi
	pdf.TransformBegin()
	pdf.TransformRotate(angle, 105, 148.5)
	tw := pdf.GetStringWidth(mark)
	pdf.Text(105-tw/2, 148.5+size/ptPerMM/3, mark)
	pdf.TransformEnd()
	pdf.SetAlpha(1, "Normal")

	var widths [sheetPages]float64
	pieces := [sheetPages]string{sheetFooter: fmt.Sprintf(labels[l]["book.footer"], name, date), sheetPrefix: labels[l]["book.page_prefix"], sheetSlash: "/"}
	for d := 0; d < 10; d++ {
		pieces[sheetDigits+d] = fmt.Sprint(d)
	}
	pdf.SetFont(family, "", stampSize)
	pdf.SetTextColor(70, 70, 70)
	for i := sheetFooter; i < sheetPages; i++ {
		w := pdf.GetStringWidth(pieces[i])
		widths[i] = w * ptPerMM
		pdf.AddPageFormat("P", fpdf.SizeType{Wd: max(w+1, 2), Ht: glyphH})
		pdf.Text(0, glyphBase, pieces[i])
	}
	pdf.SetTextColor(0, 0, 0)
	return widths
}

// adopt turns the sheet's pages, the last sheetPages pages of dest (the
// front as fpdf wrote it, its page tree one flat list), into forms, and
// takes them off the page tree.
func (s *sheet) adopt(dest *model.Context) error {
	base := dest.PageCount - sheetPages
	if base < 1 {
		return fmt.Errorf("front has %d pages", dest.PageCount)
	}
	for i := range sheetPages {
		d, _, attrs, err := dest.PageDict(base+i+1, false)
		if err != nil {
			return err
		}
		ir, ok := d["Contents"].(types.IndirectRef)
		if !ok {
			return errors.New("sheet page without a content stream")
		}
		entry, ok := dest.FindTableEntryForIndRef(&ir)
		if !ok {
			return errors.New("sheet content stream missing")
		}
		sd, ok := entry.Object.(types.StreamDict)
		if !ok {
			return errors.New("sheet content is not a stream")
		}
		res, ok := d["Resources"]
		if !ok {
			res = attrs.Resources
		}
		box := attrs.MediaBox
		sd.Dict["Type"] = types.Name("XObject")
		sd.Dict["Subtype"] = types.Name("Form")
		sd.Dict["BBox"] = types.NewNumberArray(box.LL.X, box.LL.Y, box.UR.X, box.UR.Y)
		sd.Dict["Resources"] = res
		entry.Object = sd
		s.refs[i] = ir
	}
	rootRef, err := dest.Pages()
	if err != nil {
		return err
	}
	root, err := dest.DereferenceDict(*rootRef)
	if err != nil {
		return err
	}
	kids, ok := root["Kids"].(types.Array)
	if !ok || len(kids) != dest.PageCount {
		return errors.New("the front's page tree is not flat")
	}
	root["Kids"] = kids[:base]
	dest.PageCount = base
	root["Count"] = types.Integer(base)

	q := types.StreamDict{Dict: types.NewDict(), Content: []byte("q\n")}
	if err := q.Encode(); err != nil {
		return err
	}
	ref, err := dest.IndRefForNewObject(q)
	if err != nil {
		return err
	}
	s.q = *ref
	xo := types.NewDict()
	for f := range sheetPages {
		xo[formName(f)] = s.refs[f]
	}
	if ref, err = dest.IndRefForNewObject(xo); err != nil {
		return err
	}
	s.xobjects = *ref
	return nil
}

// addForms names the sheet's forms in the resources of page dictionary d
// (inherited: those it inherits).
func (s *sheet) addForms(dest *model.Context, d, inherited types.Dict) {
	var res types.Dict
	if r, ok := d["Resources"]; ok {
		if rd, err := dest.DereferenceDict(r); err == nil {
			res = rd // the page's own, direct or shared: changed in place
		}
	}
	if res == nil {
		// Inherited (or unreadable): the page gets a copy of its own.
		res = types.NewDict()
		for k, v := range inherited {
			res[k] = v
		}
		d["Resources"] = res
	}
	old, ok := res["XObject"]
	if !ok {
		res["XObject"] = s.xobjects // the shared dictionary of the forms alone
		return
	}
	xo, err := dest.DereferenceDict(old)
	if err != nil || xo == nil {
		res["XObject"] = s.xobjects
		return
	}
	if ref, ok := xo[formName(0)].(types.IndirectRef); ok && ref == s.refs[0] {
		return // a dictionary shared with a page already stamped
	}
	for f := range sheetPages {
		xo[formName(f)] = s.refs[f]
	}
}

// formName is the resource name of sheet form i on every page.
func formName(i int) string { return fmt.Sprintf("EcBk%d", i) }

// stamp adds the forms to every page of dest.
func (s *sheet) stamp(ctx context.Context, dest *model.Context, pages []bookPage, progress func(BookProgress)) error {
	total := len(pages)
	label := func(n int) []int {
		var out []int
		for _, r := range fmt.Sprint(n) {
			out = append(out, sheetDigits+int(r-'0'))
		}
		return out
	}
	totalGlyphs := label(total)
	for i := 1; i <= total; i++ {
		if i%50 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			progress(BookProgress{Stage: StageStamp, Done: i, Total: total})
		}
		pg := pages[i-1]
		d, attrs := pg.d, &pg.attrs
		box := attrs.CropBox
		if box == nil {
			box = attrs.MediaBox
		}
		if box == nil {
			box = types.NewRectangle(0, 0, a4W, a4H)
		}
		w, h := box.Width(), box.Height()
		rot := ((attrs.Rotate % 360) + 360) % 360
		W, H := w, h
		if rot == 90 || rot == 270 {
			W, H = h, w
		}
		var c bytes.Buffer
		c.WriteString("\nQ\nq ")
		// From the page as shown (origin bottom left, upright) to its user
		// space.
		x0, y0 := box.LL.X, box.LL.Y
		switch rot {
		case 90:
			fmt.Fprintf(&c, "0 1 -1 0 %.2f %.2f cm ", x0+w, y0)
		case 180:
			fmt.Fprintf(&c, "-1 0 0 -1 %.2f %.2f cm ", x0+w, y0+h)
		case 270:
			fmt.Fprintf(&c, "0 -1 1 0 %.2f %.2f cm ", x0, y0+h)
		default:
			fmt.Fprintf(&c, "1 0 0 1 %.2f %.2f cm ", x0, y0)
		}
		place := func(form int, x, y float64) {
			fmt.Fprintf(&c, "q 1 0 0 1 %.2f %.2f cm /%s Do Q ", x, y, formName(form))
		}
		// The watermark, scaled to the page and centred.
		sc := min(W/a4W, H/a4H)
		fmt.Fprintf(&c, "q %.4f 0 0 %.4f %.2f %.2f cm /%s Do Q ", sc, sc, (W-sc*a4W)/2, (H-sc*a4H)/2, formName(sheetWatermark))
		// Forms have their baseline (glyphH - glyphBase) mm above their
		// bottom edge.
		y := stampBase - (glyphH-glyphBase)*ptPerMM
		place(sheetFooter, stampMargin, y)
		glyphs := append(append(append([]int{sheetPrefix}, label(i)...), sheetSlash), totalGlyphs...)
		width := 0.0
		for _, g := range glyphs {
			width += s.widths[g]
		}
		x := W - stampMargin - width
		for _, g := range glyphs {
			place(g, x, y)
			x += s.widths[g]
		}
		c.WriteString("Q\n")
		post := types.StreamDict{Dict: types.NewDict(), Content: c.Bytes()}
		if err := post.Encode(); err != nil {
			return err
		}
		postRef, err := dest.IndRefForNewObject(post)
		if err != nil {
			return err
		}

		// The forms go into the page's resources. A page's own resources
		// (direct, or a dictionary the paper's pages share) take the names
		// in place: once per shared dictionary, since the names are ours
		// ("EcBk…") and adding them changes nothing the paper draws.
		// Copying them into every page instead made the writer emit a
		// paper's resources once per page. Inherited resources are copied
		// into the page, leaving the parent's alone.
		s.addForms(dest, d, attrs.Resources)

		contents := types.Array{s.q}
		if obj, ok := d["Contents"]; ok {
			switch o := obj.(type) {
			case types.Array:
				contents = append(contents, o...)
			case types.IndirectRef:
				if deref, err := dest.Dereference(o); err == nil {
					if a, ok := deref.(types.Array); ok {
						contents = append(contents, a...)
						break
					}
				}
				contents = append(contents, o)
			}
		}
		d["Contents"] = append(contents, *postRef)
	}
	progress(BookProgress{Stage: StageStamp, Done: total, Total: total})
	return nil
}

// outlineNode is one entry of the book's outline.
type outlineNode struct {
	title string
	page  int
	open  bool
	kids  []outlineNode
}

// maxOutline bounds how many entries a paper's own outline may add.
const maxOutline = 2000

// paperOutline converts a paper's outline, shifted to where it starts.
func paperOutline(bms []pdfcpu.Bookmark, start, pages int, budget *int, depth int) []outlineNode {
	if depth > 16 {
		return nil
	}
	var out []outlineNode
	for _, bm := range bms {
		if *budget <= 0 {
			break
		}
		*budget--
		page := start
		if bm.PageFrom >= 1 && bm.PageFrom <= pages {
			page = start + bm.PageFrom - 1
		}
		out = append(out, outlineNode{title: bm.Title, page: page, kids: paperOutline(bm.Kids, start, pages, budget, depth+1)})
	}
	return out
}

// writeOutline replaces dest's outline with the book's.
func writeOutline(dest *model.Context, b Book, items []*bookItem, frontPages int, pages []bookPage) error {
	nodes := []outlineNode{{title: text(b.Lang, "book.front"), page: 1}}
	for i, it := range items {
		n := outlineNode{title: text(b.Lang, "book.outline", i+1, clean(it.item.Title)), page: it.start, open: true}
		if n.page == 0 {
			n.page = frontPages // the contents, which says it has no papers
		}
		for _, e := range it.entries {
			if e.start == 0 {
				continue
			}
			budget := maxOutline
			n.kids = append(n.kids, outlineNode{title: clean(e.paper.Title), page: e.start,
				kids: paperOutline(e.doc.outline, e.start, e.doc.pages, &budget, 0)})
		}
		nodes = append(nodes, n)
	}
	pageRef := func(p int) (types.IndirectRef, error) {
		if p < 1 || p > len(pages) {
			return types.IndirectRef{}, fmt.Errorf("no page %d", p)
		}
		return pages[p-1].ref, nil
	}
	var build func(parent types.IndirectRef, nodes []outlineNode) (first, last *types.IndirectRef, count int, err error)
	build = func(parent types.IndirectRef, nodes []outlineNode) (first, last *types.IndirectRef, count int, err error) {
		var prevDict types.Dict
		for _, n := range nodes {
			pr, err := pageRef(n.page)
			if err != nil {
				return nil, nil, 0, err
			}
			title, err := types.EscapedUTF16String(n.title)
			if err != nil {
				return nil, nil, 0, err
			}
			d := types.Dict{"Title": types.StringLiteral(*title), "Parent": parent, "Dest": types.Array{pr, types.Name("Fit")}}
			ref, err := dest.IndRefForNewObject(d)
			if err != nil {
				return nil, nil, 0, err
			}
			if first == nil {
				first = ref
			} else {
				prevDict["Next"] = *ref
				d["Prev"] = *last
			}
			last, prevDict = ref, d
			count++
			if len(n.kids) > 0 {
				f, l, c, err := build(*ref, n.kids)
				if err != nil {
					return nil, nil, 0, err
				}
				d["First"], d["Last"] = *f, *l
				if n.open {
					d["Count"] = types.Integer(c)
					count += c
				} else {
					d["Count"] = types.Integer(-c)
				}
			}
		}
		return first, last, count, nil
	}
	root := types.Dict{"Type": types.Name("Outlines")}
	rootRef, err := dest.IndRefForNewObject(root)
	if err != nil {
		return err
	}
	first, last, count, err := build(*rootRef, nodes)
	if err != nil {
		return err
	}
	root["First"], root["Last"], root["Count"] = *first, *last, types.Integer(count)
	cat, err := dest.Catalog()
	if err != nil {
		return err
	}
	cat["Outlines"] = *rootRef
	cat["PageMode"] = types.Name("UseOutlines")
	return nil
}

// bookPage is one page of the book as the walk of its page tree finds it.
type bookPage struct {
	d     types.Dict
	ref   types.IndirectRef
	attrs model.InheritedPageAttrs
}

// walkPages lists the pages of dest in order with what they inherit
// (resources, media and crop box, rotation), in one walk of the tree.
func walkPages(dest *model.Context) ([]bookPage, error) {
	root, err := dest.Pages()
	if err != nil {
		return nil, err
	}
	var out []bookPage
	seen := map[int]bool{}
	var walk func(ref types.IndirectRef, inh model.InheritedPageAttrs, depth int) error
	walk = func(ref types.IndirectRef, inh model.InheritedPageAttrs, depth int) error {
		if depth > 64 {
			return errors.New("page tree too deep")
		}
		n := ref.ObjectNumber.Value()
		if seen[n] {
			return errors.New("page tree has a cycle")
		}
		seen[n] = true
		d, err := dest.DereferenceDict(ref)
		if err != nil || d == nil {
			return fmt.Errorf("page tree node %d: %v", n, err)
		}
		if r, ok := d["Resources"]; ok {
			if rd, err := dest.DereferenceDict(r); err == nil && rd != nil {
				inh.Resources = rd
			}
		}
		if r := rectOf(dest, d["MediaBox"]); r != nil {
			inh.MediaBox = r
		}
		if r := rectOf(dest, d["CropBox"]); r != nil {
			inh.CropBox = r
		}
		if o, ok := d["Rotate"]; ok {
			if v, err := dest.DereferenceNumber(o); err == nil {
				inh.Rotate = int(math.Round(v))
			}
		}
		kids, isNode := d["Kids"]
		if !isNode {
			out = append(out, bookPage{d: d, ref: ref, attrs: inh})
			return nil
		}
		a, err := dest.DereferenceArray(kids)
		if err != nil {
			return err
		}
		for _, k := range a {
			kr, ok := k.(types.IndirectRef)
			if !ok {
				return errors.New("page tree kid is not a reference")
			}
			if err := walk(kr, inh, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(*root, model.InheritedPageAttrs{}, 0)
}

// rectOf reads a rectangle, or nil.
func rectOf(dest *model.Context, o types.Object) *types.Rectangle {
	if o == nil {
		return nil
	}
	a, err := dest.DereferenceArray(o)
	if err != nil || len(a) != 4 {
		return nil
	}
	var v [4]float64
	for i := range a {
		if v[i], err = dest.DereferenceNumber(a[i]); err != nil {
			return nil
		}
	}
	return types.NewRectangle(min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3]))
}
