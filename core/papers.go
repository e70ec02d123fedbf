package core

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/ecabinet/ecabinet/identity"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/ops"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store"
	"github.com/ecabinet/ecabinet/store/blob"
)

// Papers (papers/): the record of each paper is kept like a meeting's, in
// the store and the model; its file is never in Badger but in the
// profile's chunk store (store/blob, the "papers" directory beside the
// database), encrypted under the paper's lineage key. That key reaches a
// device only wrapped to it (papers/wrap.go): each device unwraps its own
// copy and keeps it under PrefixPaperKey, so the hub, which logs every
// paper op, holds wrapped keys and ciphertext and can open neither.

// PaperRecord is a paper as every replica stores it: the paper with its
// Lineage left zero, and the lineage key wrapped to each device that may
// open it, by device ID.
type PaperRecord struct {
	Paper papers.Paper                 `cbor:"1,keyasint"`
	Keys  map[string]papers.WrappedKey `cbor:"2,keyasint,omitempty"`
}

// DefaultPaperLimit is the largest file a paper version may have unless
// the organisation sets another (the hub's setting; 200 MB).
const DefaultPaperLimit = 200 << 20

// Errors of papers, beyond the domain's (papers.ErrorCodes).
var (
	ErrPaperExists       = &meetings.Error{Code: "err.paper.exists"}
	ErrPaperKeyInClear   = &meetings.Error{Code: "err.paper.key_in_clear"}
	ErrPaperNoKey        = &meetings.Error{Code: "err.paper.no_key"}
	ErrPaperChunksAbsent = &meetings.Error{Code: "err.paper.chunks_missing"}
	ErrPaperMislabelled  = &meetings.Error{Code: "err.paper.mislabelled"}
	ErrPaperNotOffline   = &meetings.Error{Code: "err.paper.not_offline"}
	ErrPaperUnreadable   = &meetings.Error{Code: "err.paper.file_unreadable"}
)

// PaperErrorCodes lists the translation keys of papers that core itself
// returns.
var PaperErrorCodes = []string{
	"err.paper.exists", "err.paper.key_in_clear", "err.paper.no_key", "err.paper.chunks_missing",
	"err.paper.mislabelled", "err.paper.not_offline", "err.paper.file_unreadable",
}

// PDFInspector counts the pages of a PDF read from r (and refuses a
// corrupt or password-protected one with a translated error). The app and
// the command line set it to pdfrender's; without one a PDF's pages are
// counted from its page objects, which is enough for a well-formed file.
type PDFInspector func(r io.ReaderAt, size int64) (pages int, err error)

// paperState is what the profile keeps open for papers: its chunk store
// and the hooks the hub and the app set.
type paperState struct {
	once    sync.Once
	blobs   *blob.Store
	err     error
	inspect PDFInspector
	limit   int64
	// hubHas answers, on the hub, whether its chunk store holds a chunk;
	// an op naming a chunk it lacks is refused.
	hubHas func(papers.ChunkID) (bool, error)
}

// Blobs is the profile's chunk store, opened on first use.
func (p *Profile) Blobs() (*blob.Store, error) {
	p.paperSt.once.Do(func() {
		limit := p.paperSt.limit
		if limit <= 0 {
			limit = DefaultPaperLimit
		}
		p.paperSt.blobs, p.paperSt.err = blob.OpenStore(filepath.Join(p.Dir(), "papers"), blob.Options{MaxFileSize: limit})
	})
	return p.paperSt.blobs, p.paperSt.err
}

// SetPDFInspector sets how a PDF's pages are counted and checked.
func (p *Profile) SetPDFInspector(f PDFInspector) { p.paperSt.inspect = f }

// SetPaperLimit sets the largest file a new version may have (before the
// first use of the chunk store).
func (p *Profile) SetPaperLimit(n int64) { p.paperSt.limit = n }

// PaperLimit is the largest file a new version may have.
func (p *Profile) PaperLimit() int64 {
	if p.paperSt.limit > 0 {
		return p.paperSt.limit
	}
	return DefaultPaperLimit
}

// SetHubChunks tells the hub's replica how to ask its chunk store whether
// it holds a chunk: a paper op is accepted only when every chunk its
// version names is there (the device uploads them first).
func (p *Profile) SetHubChunks(has func(papers.ChunkID) (bool, error)) { p.paperSt.hubHas = has }

// --- reading ---

// Paper returns one paper's record (without its lineage key).
func (p *Profile) Paper(id string) (papers.Paper, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	r, ok := p.m.papers[id]
	if !ok {
		return papers.Paper{}, ErrNotFound
	}
	return r.Paper, nil
}

// ownerAudience is who a paper's owner reaches: the meeting's participants
// (every voter when it lists none) or the ballot's eligible members. The
// caller holds modelMu.
func (p *Profile) ownerAudience(o papers.Owner) []string {
	if o.IsBallot() {
		return slices.Clone(p.m.ballots[o.BallotID].Eligible)
	}
	m := p.m.meetings[o.MeetingID]
	if len(m.Participants) > 0 {
		return slices.Clone(m.Participants)
	}
	return voterIDs(meetings.InBody(p.m.memberList(), meetings.BodyOf(m.Body)))
}

// PaperRecipients is the paper's audience, as member IDs: its distribution
// list resolved against its owner (papers.Distribution.Resolve) and the
// secretariat, sorted. It is what the hub's ToPaperList rule sends a paper
// op to, and what decides who is given the key; a recalled paper's
// recipients stay the same (they must learn of the recall).
func (p *Profile) PaperRecipients(id string) ([]string, error) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	r, ok := p.m.papers[id]
	if !ok {
		return nil, ErrNotFound
	}
	return p.recipientsLocked(r.Paper), nil
}

func (p *Profile) recipientsLocked(pp papers.Paper) []string {
	set := map[string]bool{}
	for _, id := range pp.Distribution.Resolve(p.ownerAudience(pp.Owner)) {
		if m, ok := p.m.members[id]; ok && !m.Removed {
			set[id] = true
		}
	}
	body := p.paperBody(pp.Owner)
	for _, m := range p.m.members {
		if m.Role != meetings.RoleSystem && secretariatOf(m, body) {
			set[m.ID] = true
		}
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// MemberMaySee reports whether member may hold paper id's chunks
// (papers.CanSee against the stored record): what the hub asks before it
// serves one. On the hub the member must also see the paper's meeting or
// ballot now: its ops reach them only with it (a draft meeting's papers
// wait for its publication), and a chunk served before then would tell
// that the paper exists.
func (p *Profile) MemberMaySee(memberID, id string) bool {
	p.modelMu.RLock()
	r, ok := p.m.papers[id]
	m := p.m.members[memberID]
	ok = ok && p.canSeePaper(m, r.Paper)
	p.modelMu.RUnlock()
	if !ok || !p.hub {
		return ok
	}
	typ, rid := ops.RecordMeeting, r.Paper.Owner.MeetingID
	if r.Paper.Owner.IsBallot() {
		typ, rid = ops.RecordBallot, r.Paper.Owner.BallotID
	}
	sees := false
	err := p.st.View(func(tx *store.Tx) error {
		a, err := audienceOf(plainTxn(tx), typ, rid)
		sees = err == nil && a.exists && viewerOf(m).sees(a.groups)
		return err
	})
	return err == nil && sees
}

// PaperView is a paper as a list shows it to this profile's member.
type PaperView struct {
	papers.Paper
	// Offline: every chunk of the current version is on this computer.
	Offline bool `json:"offline"`
	// Unsent: on a device enrolled with a hub, the op that added the
	// current version is still waiting on this computer (the secretariat's
	// own paper not yet on the hub: members cannot have it yet).
	Unsent bool `json:"unsent,omitempty"`
	// Read is what the member has seen of it (papers.ReadState).
	Read papers.ReadState `json:"read"`
	// Readable: this device holds the paper's key.
	Readable bool `json:"readable"`
}

// PaperFilter picks papers: those of a meeting (all its items), of one
// agenda item, or of a ballot; the zero filter is every paper.
type PaperFilter struct {
	MeetingID, ItemID, BallotID string
}

func (f PaperFilter) match(o papers.Owner) bool {
	switch {
	case f.BallotID != "":
		return o.BallotID == f.BallotID
	case f.ItemID != "":
		return o.MeetingID == f.MeetingID && o.AgendaItemID == f.ItemID
	case f.MeetingID != "":
		return o.MeetingID == f.MeetingID
	}
	return true
}

// papersOf is Papers' records alone, in its order, from the model: for
// what needs no view state (the invitation's list), which reads nothing
// from the store.
func (p *Profile) papersOf(f PaperFilter) []papers.Paper {
	p.modelMu.RLock()
	self := p.m.members[p.m.selfID]
	var list []papers.Paper
	order := map[string]int{}
	for _, r := range p.m.papers {
		if !f.match(r.Paper.Owner) || !p.canSeePaper(self, r.Paper) {
			continue
		}
		if m, ok := p.m.meetings[r.Paper.Owner.MeetingID]; ok {
			for i, it := range m.Agenda {
				order[it.ID] = i
			}
		}
		list = append(list, r.Paper)
	}
	p.modelMu.RUnlock()
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Owner != b.Owner {
			if a.Owner.MeetingID == b.Owner.MeetingID && order[a.Owner.AgendaItemID] != order[b.Owner.AgendaItemID] {
				return order[a.Owner.AgendaItemID] < order[b.Owner.AgendaItemID]
			}
			return fmt.Sprint(a.Owner) < fmt.Sprint(b.Owner)
		}
		if a.Title != b.Title {
			return a.Title < b.Title
		}
		return a.ID < b.ID
	})
	return list
}

// Papers lists the papers this profile's member may see that match f,
// recalled ones left out (except for the secretariat, who keep the
// record), by owner then title. For a meeting they come in agenda order.
func (p *Profile) Papers(f PaperFilter) ([]PaperView, error) {
	list := p.papersOf(f)
	unsent, err := p.unsentPapers()
	if err != nil {
		return nil, err
	}
	out := make([]PaperView, 0, len(list))
	for _, pp := range list {
		v, err := p.viewOf(pp)
		if err != nil {
			return nil, err
		}
		v.Unsent = unsent[pp.ID]
		out = append(out, v)
	}
	return out, nil
}

// unsentPapers are the papers whose current version's op waits in this
// device's outbox, when it syncs with a hub (a profile that works alone
// keeps its ops there for good, and has no hub to be behind). The outbox
// is short but for a device that has been offline; each op is decoded
// once per listing.
func (p *Profile) unsentPapers() (map[string]bool, error) {
	if !p.Enrolled() {
		return nil, nil
	}
	items, err := p.Outbox(math.MaxInt)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, it := range items {
		if id, ok := PaperOfOp(it.Op); ok {
			out[id] = true
		}
	}
	return out, nil
}

// PaperView returns one paper as Papers shows it (ErrNotFound also for a
// paper this member may not see).
func (p *Profile) PaperView(id string) (PaperView, error) {
	p.modelMu.RLock()
	r, ok := p.m.papers[id]
	may := ok && p.canSeePaper(p.m.members[p.m.selfID], r.Paper)
	p.modelMu.RUnlock()
	if !may {
		return PaperView{}, ErrNotFound
	}
	v, err := p.viewOf(r.Paper)
	if err != nil {
		return v, err
	}
	unsent, err := p.unsentPapers()
	v.Unsent = unsent[id]
	return v, err
}

func (p *Profile) viewOf(pp papers.Paper) (PaperView, error) {
	v := PaperView{Paper: pp}
	_, err := p.lineageKey(pp.ID)
	v.Readable = err == nil
	last, err := p.lastOpened(pp.ID)
	if err != nil {
		return v, err
	}
	v.Read = pp.ReadState(last)
	if cur, ok := pp.CurrentVersion(); ok && v.Readable {
		bs, err := p.Blobs()
		if err != nil {
			return v, err
		}
		u, err := bs.Usage(cur.Manifest)
		if err != nil {
			return v, err
		}
		v.Offline = u.Complete()
	}
	return v, nil
}

// PaperKey returns this device's lineage key of a paper: for the
// downloader, which checks each fetched chunk against it. ErrPaperNoKey
// when no key was wrapped for this device.
func (p *Profile) PaperKey(id string) (papers.LineageKey, error) { return p.lineageKey(id) }

func (p *Profile) lineageKey(id string) (papers.LineageKey, error) {
	var k papers.LineageKey
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixPaperKey, id), &k) })
	if errors.Is(err, store.ErrNotFound) {
		return k, ErrPaperNoKey
	}
	return k, err
}

func (p *Profile) lastOpened(id string) (int, error) {
	var n int
	err := p.st.View(func(tx *store.Tx) error { return tx.Get(store.Key(store.PrefixPaperRead, id), &n) })
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	return n, err
}

// OpenPaper opens version n of a paper (0: the current one) for reading,
// decrypting on demand: no plaintext is written anywhere. It refuses a
// paper this member may not see (ErrNotFound, as if it did not exist), one
// this device has no key for, and one whose chunks are not all here yet
// (ErrPaperNotOffline). Opening the current version clears the "updated"
// badge. The caller closes the reader.
func (p *Profile) OpenPaper(id string, n int) (*blob.Reader, papers.Version, error) {
	return p.openPaper(id, n, true)
}

// PeekPaper is OpenPaper without recording an opening: for reading a paper
// on the member's behalf (the search index, the meeting book), which is not
// the member reading it.
func (p *Profile) PeekPaper(id string, n int) (*blob.Reader, papers.Version, error) {
	return p.openPaper(id, n, false)
}

func (p *Profile) openPaper(id string, n int, mark bool) (*blob.Reader, papers.Version, error) {
	v, err := p.PaperView(id)
	if err != nil {
		return nil, papers.Version{}, err
	}
	if v.Recalled {
		return nil, papers.Version{}, papers.ErrRecalled
	}
	ver, ok := v.CurrentVersion()
	if n != 0 {
		ver, ok = v.Version(n)
	}
	if !ok {
		return nil, papers.Version{}, ErrNotFound
	}
	key, err := p.lineageKey(id)
	if err != nil {
		return nil, papers.Version{}, err
	}
	bs, err := p.Blobs()
	if err != nil {
		return nil, papers.Version{}, err
	}
	if miss, err := bs.Missing(ver.Manifest); err != nil {
		return nil, papers.Version{}, err
	} else if len(miss) > 0 {
		return nil, papers.Version{}, ErrPaperNotOffline
	}
	r, err := bs.Open(key, ver.Manifest)
	if err != nil {
		return nil, papers.Version{}, err
	}
	if !mark {
		return r, ver, nil
	}
	if err := p.markOpened(id, ver.Number); err != nil {
		r.Close()
		return nil, papers.Version{}, err
	}
	// The read receipt (receipts.go): made here, offline too, and pushed
	// at the next sync.
	if err := p.recordReading(id, ver.Number); err != nil {
		r.Close()
		return nil, papers.Version{}, err
	}
	return r, ver, nil
}

// markOpened records that the member opened version n (kept only if it is
// the highest so far).
func (p *Profile) markOpened(id string, n int) error {
	last, err := p.lastOpened(id)
	if err != nil || n <= last {
		return err
	}
	if err := p.st.Update(func(tx *store.Tx) error { return tx.Put(store.Key(store.PrefixPaperRead, id), n) }); err != nil {
		return err
	}
	p.events.publish(Event{TopicPapers, id})
	return nil
}

// PapersStored tells the profile's subscribers that papers' files came to
// or left this computer (the downloader's chunks, which no operation
// announces): their offline state changed, and what is made of them (the
// meeting book) may be due.
func (p *Profile) PapersStored() { p.events.publish(Event{TopicPapers, ""}) }

// PaperManifests returns, for the downloader, every version's manifest of
// the papers this device may read, the newest meeting's first, and the
// manifests of papers it may no longer hold (recalled, for a member, or no
// longer on the member's list), to be removed.
func (p *Profile) PaperManifests() (want []PaperFetch, drop []papers.Manifest) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	self := p.m.members[p.m.selfID]
	for _, r := range p.m.papers {
		pp := r.Paper
		ms := make([]papers.Manifest, len(pp.Versions))
		for i, v := range pp.Versions {
			ms[i] = v.Manifest
		}
		if !p.canSeePaper(self, pp) {
			drop = append(drop, ms...)
			continue
		}
		// A recalled paper the secretariat still sees stays where it is (it
		// keeps the record); nothing more of it is fetched.
		if pp.Recalled {
			want = append(want, PaperFetch{PaperID: pp.ID, Manifests: ms, KeepOnly: true})
			continue
		}
		start := p.m.meetings[pp.Owner.MeetingID].Start
		if pp.Owner.IsBallot() {
			start = p.m.ballots[pp.Owner.BallotID].Deadline
		}
		want = append(want, PaperFetch{PaperID: pp.ID, Manifests: ms, When: start.Unix()})
	}
	sort.Slice(want, func(i, j int) bool {
		if want[i].When != want[j].When {
			return want[i].When > want[j].When
		}
		return want[i].PaperID < want[j].PaperID
	})
	return want, drop
}

// PaperFetch is one paper for the downloader: its versions' manifests, and
// when its meeting starts (or its ballot closes), which orders the fetch.
type PaperFetch struct {
	PaperID   string
	Manifests []papers.Manifest
	When      int64
	// KeepOnly: keep what is here, fetch nothing (a recalled paper on a
	// secretary's device).
	KeepOnly bool
}

// --- changing ---

// PaperInput is what a secretary fills in to attach a paper.
type PaperInput struct {
	// The owner: a meeting's agenda item, or a ballot.
	MeetingID, ItemID, BallotID string
	Title                       string
	// To names the members who receive it; empty: the owner's audience.
	To           []string
	Confidential bool
	// NoExport turns off members' saving of their own copy.
	NoExport bool
	// FileName is the file's name as the member will see it.
	FileName string
}

// AddPaper stores the file read from r in the chunk store, encrypted under
// a fresh lineage key, and attaches it (secretariat only). The media type
// is sniffed from the content, not trusted from the name: a file whose
// content is not what its name says is refused (ErrPaperMislabelled). On
// any error nothing of the file is kept.
func (p *Profile) AddPaper(in PaperInput, r io.Reader) (papers.Paper, error) {
	p.modelMu.RLock()
	body := p.paperBody(papers.Owner{MeetingID: in.MeetingID, BallotID: in.BallotID})
	p.modelMu.RUnlock()
	if !secretariatOf(p.Self(), body) {
		return papers.Paper{}, ErrForbidden
	}
	key, err := papers.NewLineageKey()
	if err != nil {
		return papers.Paper{}, err
	}
	pp := papers.Paper{
		ID:            identity.NewID(),
		Title:         strings.TrimSpace(in.Title),
		Owner:         papers.Owner{MeetingID: in.MeetingID, AgendaItemID: in.ItemID, BallotID: in.BallotID},
		Marking:       papers.MarkingNormal,
		ExportAllowed: !in.NoExport,
	}
	if pp.Title == "" {
		pp.Title = strings.TrimSuffix(in.FileName, filepath.Ext(in.FileName))
	}
	if in.Confidential {
		pp.Marking = papers.MarkingConfidential
	}
	if len(in.To) > 0 {
		pp.Distribution = papers.Distribution{Rule: papers.RuleNamed, Members: in.To}
	}
	ver, err := p.storeVersion(key, in.FileName, r)
	if err != nil {
		return papers.Paper{}, err
	}
	pp.Versions = []papers.Version{ver}
	keys, err := p.wrapFor(pp, key, nil)
	if err == nil {
		_, err = p.submit(ops.KindPaperAdd, ops.PaperAdd{Paper: pp, Keys: keys}, 0)
	}
	if err != nil {
		p.dropUnused(ver.Manifest)
		return papers.Paper{}, err
	}
	return p.Paper(pp.ID)
}

// ReplacePaper adds a new version of a paper from the file read from r;
// chunks it shares with earlier versions are stored and sent once.
func (p *Profile) ReplacePaper(id, fileName string, r io.Reader) (papers.Version, error) {
	pp, err := p.Paper(id)
	if err != nil {
		return papers.Version{}, err
	}
	if pp.Recalled {
		return papers.Version{}, papers.ErrRecalled
	}
	key, err := p.lineageKey(id)
	if err != nil {
		return papers.Version{}, err
	}
	ver, err := p.storeVersion(key, fileName, r)
	if err != nil {
		return papers.Version{}, err
	}
	p.modelMu.RLock()
	have := p.m.papers[id].Keys
	p.modelMu.RUnlock()
	keys, err := p.wrapFor(pp, key, have)
	if err == nil {
		_, err = p.submit(ops.KindPaperVersion, ops.PaperVersion{PaperID: id, Version: ver, Keys: keys}, 0)
	}
	if err != nil {
		p.dropUnused(ver.Manifest)
		return papers.Version{}, err
	}
	pp, _ = p.Paper(id)
	cur, _ := pp.CurrentVersion()
	return cur, nil
}

// PaperEdit is what a secretary may change of a paper.
type PaperEdit struct {
	Title        string
	Marking      papers.Marking
	NoExport     bool
	Distribution papers.Distribution
}

// EditPaper changes a paper's title, marking, export and list; devices
// newly on the list are given the key.
func (p *Profile) EditPaper(id string, e PaperEdit) error {
	pp, err := p.Paper(id)
	if err != nil {
		return err
	}
	key, err := p.lineageKey(id)
	if err != nil {
		return err
	}
	next := pp
	next.Title, next.Marking, next.ExportAllowed, next.Distribution = strings.TrimSpace(e.Title), e.Marking, !e.NoExport, e.Distribution
	p.modelMu.RLock()
	have := p.m.papers[id].Keys
	p.modelMu.RUnlock()
	keys, err := p.wrapFor(next, key, have)
	if err != nil {
		return err
	}
	_, err = p.submit(ops.KindPaperEdit, ops.PaperEdit{PaperID: id, Title: next.Title, Marking: next.Marking,
		ExportAllowed: next.ExportAllowed, Distribution: next.Distribution, Keys: keys}, 0)
	return err
}

// RecallPaper withdraws a paper: members' devices drop it at their next
// sync and the hub serves its chunks to nobody.
func (p *Profile) RecallPaper(id string) error {
	_, err := p.submit(ops.KindPaperRecall, ops.PaperRecall{PaperID: id}, 0)
	return err
}

// storeVersion sniffs the file's media type, stores it in the chunk store
// and counts a PDF's pages, returning the version (numbered by the
// applier). A refused file leaves no chunk behind.
func (p *Profile) storeVersion(key papers.LineageKey, fileName string, r io.Reader) (papers.Version, error) {
	fileName = filepath.Base(strings.TrimSpace(fileName))
	head := make([]byte, 512)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return papers.Version{}, errors.Join(ErrPaperUnreadable, err)
	}
	head = head[:n]
	if n == 0 {
		return papers.Version{}, meetings.NewError("err.paper.file_empty", "size")
	}
	mt, err := sniffMediaType(fileName, head)
	if err != nil {
		return papers.Version{}, err
	}
	bs, err := p.Blobs()
	if err != nil {
		return papers.Version{}, err
	}
	m, err := bs.Put(key, io.MultiReader(bytes.NewReader(head), r))
	if err != nil {
		var me *meetings.Error
		if !errors.As(err, &me) {
			err = errors.Join(ErrPaperUnreadable, err)
		}
		return papers.Version{}, err
	}
	ver := papers.Version{Number: 1, FileName: fileName, MediaType: mt, Manifest: m, AddedBy: p.Self().ID, AddedAt: p.now().UTC()}
	if mt == papers.MediaTypePDF {
		ver.Pages, err = p.countPages(bs, key, m)
		if err != nil {
			p.dropUnused(m)
			return papers.Version{}, err
		}
	}
	if err := ver.Validate(); err != nil {
		p.dropUnused(m)
		return papers.Version{}, err
	}
	return ver, nil
}

func (p *Profile) countPages(bs *blob.Store, key papers.LineageKey, m papers.Manifest) (int, error) {
	rd, err := bs.Open(key, m)
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	if p.paperSt.inspect != nil {
		return p.paperSt.inspect(rd, rd.Size())
	}
	return countPDFPages(rd)
}

// countPDFPages counts "/Type /Page" objects (not "/Pages"): enough for a
// well-formed PDF where no inspector is set (tests, the hub's tools).
func countPDFPages(r io.Reader) (int, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, pat := range [][]byte{[]byte("/Type /Page"), []byte("/Type/Page")} {
		for rest := b; ; {
			i := bytes.Index(rest, pat)
			if i < 0 {
				break
			}
			rest = rest[i+len(pat):]
			if len(rest) == 0 || rest[0] != 's' {
				n++
			}
		}
	}
	if n == 0 {
		return 0, &meetings.Error{Code: "err.pdf.corrupt"}
	}
	return n, nil
}

// strong media types: a sniffed one of these must agree with the name.
var strongTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true, "image/gif": true, "application/zip": true}

// zipBased are formats that sniff as a zip archive.
var zipBased = map[string]bool{".docx": true, ".xlsx": true, ".pptx": true, ".odt": true, ".ods": true, ".odp": true, ".zip": true}

// sniffMediaType decides a file's media type from its first bytes: the
// name is only trusted where the content cannot tell (plain text, office
// formats inside a zip), and a name that claims a type the content
// contradicts is refused.
func sniffMediaType(name string, head []byte) (string, error) {
	sniffed, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	ext := strings.ToLower(filepath.Ext(name))
	byName, _, _ := mime.ParseMediaType(mime.TypeByExtension(ext))
	mislabelled := func() error {
		e := meetings.NewError(ErrPaperMislabelled.Code, "file")
		e.Args = map[string]any{"name": name, "type": sniffed}
		return e
	}
	switch {
	case zipBased[ext]:
		if sniffed != "application/zip" {
			return "", mislabelled()
		}
		if byName == "" {
			byName = "application/zip"
		}
		return byName, nil
	case strongTypes[sniffed]:
		if byName != "" && byName != sniffed {
			return "", mislabelled()
		}
		return sniffed, nil
	case strongTypes[byName]:
		return "", mislabelled() // named .pdf, .png … but it is not
	case byName != "":
		return byName, nil
	case sniffed != "":
		return sniffed, nil
	}
	return "application/octet-stream", nil
}

// dropUnused frees the chunks of a manifest no stored paper names (a
// refused or failed import).
func (p *Profile) dropUnused(m papers.Manifest) {
	bs, err := p.Blobs()
	if err != nil {
		return
	}
	var keep []papers.Manifest
	p.modelMu.RLock()
	for _, r := range p.m.papers {
		for _, v := range r.Paper.Versions {
			keep = append(keep, v.Manifest)
		}
	}
	p.modelMu.RUnlock()
	_, _ = bs.Remove([]papers.Manifest{m}, keep) // best effort: Sweep frees the rest
}

// wrapFor wraps the key for every device of the paper's recipients that
// has none in have, this device always included.
func (p *Profile) wrapFor(pp papers.Paper, key papers.LineageKey, have map[string]papers.WrappedKey) ([]papers.WrappedKey, error) {
	p.modelMu.RLock()
	members := map[string]bool{}
	for _, id := range p.recipientsLocked(pp) {
		members[id] = true
	}
	devs := map[string][]byte{}
	for id, pub := range p.m.devices {
		devs[id] = pub
	}
	p.modelMu.RUnlock()
	owners, err := p.Devices()
	if err != nil {
		return nil, err
	}
	var out []papers.WrappedKey
	for _, d := range owners {
		pub, ok := devs[d.ID]
		_, had := have[d.ID]
		if !ok || had || (!members[d.Member] && d.ID != p.dev.ID) {
			continue
		}
		w, err := papers.WrapKey(key, pp.ID, d.ID, pub)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	if _, had := have[p.dev.ID]; !had && !slices.ContainsFunc(out, func(w papers.WrappedKey) bool { return w.Device == p.dev.ID }) {
		w, err := papers.WrapKey(key, pp.ID, p.dev.ID, p.dev.Pub)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Device < out[j].Device })
	return out, nil
}

// --- appliers ---

func (p *Profile) applyPaperAdd(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.PaperAdd)
	pp := b.Paper
	key := store.Key(store.PrefixPaper, pp.ID)
	if has, err := tx.Has(key); err != nil {
		return applied{}, err
	} else if has {
		return applied{}, ErrPaperExists
	}
	if !pp.Lineage.IsZero() {
		return applied{}, ErrPaperKeyInClear
	}
	if len(pp.Versions) != 1 || pp.Recalled {
		return applied{}, meetings.NewError("err.paper.version_number", "versions")
	}
	// Who added it and when are the signer's and the signed time, the
	// same on every replica.
	pp.Versions[0].Number, pp.Versions[0].AddedBy, pp.Versions[0].AddedAt = 1, c.op.Member, c.op.At
	pp.Title = strings.TrimSpace(pp.Title)
	pp.Rev = 1
	if err := validPaper(pp); err != nil {
		return applied{}, err
	}
	if err := p.checkPaperOwner(tx, pp); err != nil {
		return applied{}, err
	}
	rec := PaperRecord{Paper: pp, Keys: map[string]papers.WrappedKey{}}
	return p.putPaper(tx, c, rec, b.Keys, pp.Versions[0].Manifest)
}

// editPaper is the common path of the ops that change a stored paper.
func (p *Profile) editPaper(tx *txn, c change, id string, keys []papers.WrappedKey, fn func(pp *papers.Paper) (*papers.Manifest, error)) (applied, error) {
	var rec PaperRecord
	if err := tx.Get(store.Key(store.PrefixPaper, id), &rec); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return applied{}, ErrNotFound
		}
		return applied{}, err
	}
	pp := rec.Paper
	pp.Versions = slices.Clone(pp.Versions)
	newChunks, err := fn(&pp)
	if err != nil {
		return applied{}, err
	}
	pp.Rev++
	if err := validPaper(pp); err != nil {
		return applied{}, err
	}
	rec.Paper = pp
	var m papers.Manifest
	if newChunks != nil {
		m = *newChunks
	}
	return p.putPaper(tx, c, rec, keys, m)
}

func (p *Profile) applyPaperEdit(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.PaperEdit)
	return p.editPaper(tx, c, b.PaperID, b.Keys, func(pp *papers.Paper) (*papers.Manifest, error) {
		if pp.Recalled {
			return nil, papers.ErrRecalled
		}
		pp.Title, pp.Marking, pp.ExportAllowed, pp.Distribution = strings.TrimSpace(b.Title), b.Marking, b.ExportAllowed, b.Distribution
		return nil, p.checkNamed(tx, *pp)
	})
}

func (p *Profile) applyPaperVersion(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.PaperVersion)
	return p.editPaper(tx, c, b.PaperID, b.Keys, func(pp *papers.Paper) (*papers.Manifest, error) {
		v := b.Version
		v.AddedBy, v.AddedAt = c.op.Member, c.op.At
		if err := pp.AddVersion(v); err != nil {
			return nil, err
		}
		return &v.Manifest, nil
	})
}

func (p *Profile) applyPaperRecall(tx *txn, c change) (applied, error) {
	b := c.body.(*ops.PaperRecall)
	res, err := p.editPaper(tx, c, b.PaperID, nil, func(pp *papers.Paper) (*papers.Manifest, error) {
		return nil, pp.Recall(c.op.At)
	})
	if err != nil {
		return res, err
	}
	// The search index's text of the paper goes with it (papertext.go),
	// once the recall is past its checks.
	return res, dropPaperText(tx.Tx, b.PaperID)
}

// validPaper validates a paper record, whose lineage key is never in it:
// the key's presence is checked where it is unwrapped.
func validPaper(pp papers.Paper) error {
	pp.Lineage = papers.LineageKey{1}
	return pp.Validate()
}

// checkPaperOwner: the meeting and its agenda item, or the ballot, exist
// here, and a named list names members.
func (p *Profile) checkPaperOwner(tx *txn, pp papers.Paper) error {
	if pp.Owner.IsBallot() {
		if has, err := tx.Has(store.Key(store.PrefixBallot, pp.Owner.BallotID)); err != nil || !has {
			return errors.Join(ErrNotFound, err)
		}
	} else {
		var m meetings.Meeting
		if err := tx.Get(store.Key(store.PrefixMeeting, pp.Owner.MeetingID), &m); err != nil {
			return errors.Join(ErrNotFound, err)
		}
		if !slices.ContainsFunc(m.Agenda, func(it meetings.AgendaItem) bool { return it.ID == pp.Owner.AgendaItemID }) {
			return ErrNotFound
		}
	}
	return p.checkNamed(tx, pp)
}

func (p *Profile) checkNamed(tx *txn, pp papers.Paper) error {
	for _, id := range pp.Distribution.Members {
		var m meetings.Member
		if err := tx.Get(store.Key(store.PrefixMember, id), &m); err != nil || m.Removed {
			e := meetings.NewError("err.paper.member_invalid", "distribution")
			e.Args = map[string]any{"id": id}
			return e
		}
	}
	return nil
}

// putPaper stores the record with the op's new wrapped keys, after the
// hub's check that it holds every chunk of a new version; a device keeps
// its own unwrapped key. A hub process replaying another's entries does
// not check again: the process that logged the op did, and a cache must
// be rebuildable while the bucket is slow or out of reach (and by the
// admin commands, which hold no bucket keys).
func (p *Profile) putPaper(tx *txn, c change, rec PaperRecord, keys []papers.WrappedKey, m papers.Manifest) (applied, error) {
	if p.hub && !p.replaying && len(m.Chunks) > 0 {
		if p.paperSt.hubHas == nil {
			return applied{}, ErrPaperChunksAbsent
		}
		for _, id := range papers.IDs(m) {
			ok, err := p.paperSt.hubHas(id)
			if err != nil {
				return applied{}, err
			}
			if !ok {
				return applied{}, ErrPaperChunksAbsent
			}
		}
	}
	if rec.Keys == nil {
		rec.Keys = map[string]papers.WrappedKey{}
	}
	if len(keys) > 4*papers.MaxNamed {
		return applied{}, meetings.NewError("err.paper.members_too_many", "keys")
	}
	for _, w := range keys {
		rec.Keys[w.Device] = w
	}
	if _, ok := rec.Keys[c.op.Device]; !ok && c.op.Kind == ops.KindPaperAdd {
		return applied{}, ErrPaperNoKey // the adder could not read its own paper
	}
	id := rec.Paper.ID
	if err := tx.Put(store.Key(store.PrefixPaper, id), rec); err != nil {
		return applied{}, err
	}
	if w, ok := rec.Keys[p.dev.ID]; ok && !p.hub {
		if has, err := tx.Has(store.Key(store.PrefixPaperKey, id)); err != nil {
			return applied{}, err
		} else if !has {
			// A wrap that does not open is not this op's fault (another
			// device made it): the paper is kept, unreadable here.
			if k, err := w.Unwrap(id, p.dev.Seed()); err == nil {
				if err := tx.Put(store.Key(store.PrefixPaperKey, id), k); err != nil {
					return applied{}, err
				}
			}
		}
	}
	return applied{
		after:  func() { p.m.papers[id] = rec },
		events: []Event{{TopicPapers, id}},
	}, nil
}

// ballotPaperVersions is the current version of each paper of a ballot,
// for an answer to record what it was given on.
func (p *Profile) ballotPaperVersions(ballotID string) map[string]int {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	var out map[string]int
	for _, r := range p.m.papers {
		if r.Paper.Owner.BallotID != ballotID || r.Paper.Recalled {
			continue
		}
		if cur, ok := r.Paper.CurrentVersion(); ok {
			if out == nil {
				out = map[string]int{}
			}
			out[r.Paper.ID] = cur.Number
		}
	}
	return out
}

// DeviceKey returns an enrolled device's public key: for the hub, which
// checks the signature of a paper op a device offers chunks for before it
// takes any of them.
func (p *Profile) DeviceKey(id string) (ed25519.PublicKey, bool) {
	p.modelMu.RLock()
	defer p.modelMu.RUnlock()
	k, ok := p.m.devices[id]
	return k, ok
}

// PaperOfOp is the paper whose version the encoded op raw adds (a
// paper.add or paper.version, as PaperOpManifest reads it): what the
// readers of the outbox ask of each op.
func PaperOfOp(raw []byte) (paperID string, ok bool) {
	_, op, err := ops.Decode(raw)
	if err != nil {
		return "", false
	}
	id, _, ok := PaperOpManifest(op)
	return id, ok
}

// PaperOpManifest reads the version a paper.add or paper.version op
// brings: its paper and manifest (false for any other op).
func PaperOpManifest(op ops.Op) (paperID string, m papers.Manifest, ok bool) {
	switch op.Kind {
	case ops.KindPaperAdd:
		var b ops.PaperAdd
		if op.DecodeBody(&b) != nil || len(b.Paper.Versions) != 1 {
			return "", m, false
		}
		return b.Paper.ID, b.Paper.Versions[0].Manifest, true
	case ops.KindPaperVersion:
		var b ops.PaperVersion
		if op.DecodeBody(&b) != nil {
			return "", m, false
		}
		return b.PaperID, b.Version.Manifest, true
	}
	return "", m, false
}
