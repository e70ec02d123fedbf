package replica

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ecabinet/ecabinet/codec"
	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/hublog/pglog"
	"github.com/ecabinet/ecabinet/hubstate"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
	"github.com/ecabinet/ecabinet/store/blob"
)

// Moving a single-machine hub (Badger, a chunk directory) to the
// scaled-out layout (PostgreSQL, a bucket), and making a new scaled-out
// hub: `hub export` and `hub init --store`.

// ErrTargetNotEmpty: the database (or bucket) to export into holds a hub
// or log entries already; an export never merges.
var ErrTargetNotEmpty = &meetings.Error{Code: "err.hub.target_not_empty"}

// ErrExportCheck: the copy, read back from the target, is not the source
// (the message says what differs); the target is to be dropped.
var ErrExportCheck = &meetings.Error{Code: "err.hub.export_check"}

// ExportReport is what an export copied and checked.
type ExportReport struct {
	Entries    uint64 `json:"entries"`
	Settings   int    `json:"settings"`
	Seen       int    `json:"last_pulls"`
	Chunks     int    `json:"chunks"`
	ChunkBytes int64  `json:"chunk_bytes"`
	// Signatures is how many signatures core.VerifyLog checked on a cache
	// rebuilt from the target; Audit the audit chain's entries there.
	Signatures int `json:"signatures_verified"`
	Audit      int `json:"audit_entries"`
}

// ExportProgress hears of long work: what (entries, chunks, verify), how many
// done of how many.
type ExportProgress func(what string, done, total int)

// exportBatch is how many entries one append carries.
const exportBatch = 500

// ExportHub copies the hub src (a single-machine hub's profile, not
// serving) into the empty database of l and the bucket chunks: every log
// entry (core.HubEntries, byte for byte, with its position and time), the
// hub's identity and settings sealed under a new master key, every chunk,
// and last the master key sealed under pass. Then it rebuilds a cache from
// the target alone and checks it: the same head, every signature
// verifying (core.VerifyLog), the audit chain, every chunk in the bucket.
// chunks may be nil only when the hub has none.
func ExportHub(ctx context.Context, src *core.Profile, l *pglog.Log, chunks blob.ChunkStore, pass []byte, progress ExportProgress) (ExportReport, error) {
	var rep ExportReport
	if progress == nil {
		progress = func(string, int, int) {}
	}
	if !src.IsHub() {
		return rep, errors.New("this data directory is a device profile, not a hub")
	}
	if head, err := l.Head(ctx); err != nil {
		return rep, err
	} else if has, err := hubstate.HasHub(ctx, l); err != nil {
		return rep, err
	} else if head > 0 || has {
		return rep, ErrTargetNotEmpty
	}
	head, err := src.HubHead()
	if err != nil {
		return rep, err
	}
	master := hubstate.NewMasterKey()
	st, err := hubstate.OnPostgres(l, master)
	if err != nil {
		return rep, err
	}
	// 1. The log, in order, each entry at its own position.
	for since := uint64(0); since < head; {
		es, err := src.HubEntries(since, exportBatch)
		if err != nil {
			return rep, err
		}
		if len(es) == 0 {
			return rep, fmt.Errorf("the hub's log ends at %d, before its head %d", since, head)
		}
		got, err := l.Append(ctx, es...)
		if err != nil {
			return rep, err
		}
		for i, a := range got {
			if a.Existed || a.Seq != es[i].Seq {
				return rep, fmt.Errorf("%w: entry %d landed at %d", ErrExportCheck, es[i].Seq, a.Seq)
			}
		}
		since = es[len(es)-1].Seq
		rep.Entries = since
		progress("entries", int(since), int(head))
	}
	// 2. The identity and the settings the hub serves with.
	id, err := src.HubIdentity()
	if err != nil {
		return rep, err
	}
	if err := st.Put(ctx, IdentitySetting, id); err != nil {
		return rep, err
	}
	names, err := src.SettingNames("")
	if err != nil {
		return rep, err
	}
	for _, n := range names {
		switch {
		case n == settingKeys, strings.HasPrefix(n, "invite/"), strings.HasPrefix(n, revokedPrefix):
			var raw codec.RawMessage
			if err := src.Setting(n, &raw); err != nil {
				return rep, err
			}
			if err := st.Put(ctx, n, raw); err != nil {
				return rep, err
			}
			rep.Settings++
		case strings.HasPrefix(n, hubstate.SeenPrefix):
			var s hubstate.Seen
			if err := src.Setting(n, &s); err != nil {
				return rep, err
			}
			if err := st.NoteSeen(ctx, strings.TrimPrefix(n, hubstate.SeenPrefix), s.At, s.App); err != nil {
				return rep, err
			}
			rep.Seen++
		}
	}
	// 3. The chunks.
	ids, err := localChunks(src)
	if err != nil {
		return rep, err
	}
	if len(ids) > 0 && chunks == nil {
		return rep, fmt.Errorf("the hub holds %d paper chunks: give the bucket to copy them to", len(ids))
	}
	if len(ids) > 0 {
		dir, err := blob.OpenDir(filepath.Join(src.Dir(), "chunks"))
		if err != nil {
			return rep, err
		}
		for i, cid := range ids {
			ct, err := dir.Get(ctx, cid)
			if err != nil {
				return rep, fmt.Errorf("read chunk %s: %w", cid, err)
			}
			if err := chunks.Put(ctx, cid, ct); err != nil {
				return rep, err
			}
			rep.Chunks++
			rep.ChunkBytes += int64(len(ct))
			if (i+1)%200 == 0 || i+1 == len(ids) {
				progress("chunks", i+1, len(ids))
			}
		}
	}
	// 4. The key to it all, last: until it is there the database holds no
	// hub, and an interrupted export is refused by the next one's check
	// only through its entries (the operator drops the database).
	if err := hubstate.RecordSecret(ctx, l, pass, master); err != nil {
		return rep, err
	}
	// 5. Read it back: a cache made from the target alone.
	want, err := src.VerifyLog()
	if err != nil {
		return rep, fmt.Errorf("the source hub does not verify: %w", err)
	}
	progress("verify", 0, int(head))
	tmp, err := os.MkdirTemp("", "ecabinet-export-check-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(tmp)
	c, err := OpenCache(filepath.Join(tmp, "cache"), master, st)
	if err != nil {
		return rep, err
	}
	defer c.Close()
	if err := c.ShareLog(ctx, l); err != nil {
		return rep, err
	}
	if h, err := c.HubHead(); err != nil {
		return rep, err
	} else if h != head {
		return rep, fmt.Errorf("%w: the target's head is %d, the source's %d", ErrExportCheck, h, head)
	}
	if rep.Signatures, err = c.VerifyLog(); err != nil {
		return rep, fmt.Errorf("%w: %w", ErrExportCheck, err)
	}
	if rep.Signatures != want {
		return rep, fmt.Errorf("%w: %d signatures verify in the target, %d in the source", ErrExportCheck, rep.Signatures, want)
	}
	if rep.Audit, err = c.AuditVerify(); err != nil {
		return rep, fmt.Errorf("%w: %w", ErrExportCheck, err)
	}
	if srcAudit, err := src.AuditVerify(); err == nil && srcAudit != rep.Audit {
		return rep, fmt.Errorf("%w: %d audit entries in the target, %d in the source", ErrExportCheck, rep.Audit, srcAudit)
	}
	for _, cid := range ids {
		if ok, err := chunks.Has(ctx, cid); err != nil {
			return rep, err
		} else if !ok {
			return rep, fmt.Errorf("%w: chunk %s is not in the bucket", ErrExportCheck, cid)
		}
	}
	progress("verify", int(head), int(head))
	return rep, nil
}

// localChunks lists the chunks in a single-machine hub's chunk directory
// (<data>/chunks/chunks/<2 hex>/<64 hex>, blob.Dir's layout).
func localChunks(p *core.Profile) ([]papers.ChunkID, error) {
	root := filepath.Join(p.Dir(), "chunks", "chunks")
	var ids []papers.ChunkID
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == root {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		if id, err := papers.ParseChunkID(d.Name()); err == nil {
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// OpenCache opens a scaled-out hub process's cache in dir, or creates it
// (core.CreateHubReplica, from the identity in st) when there is none; its
// passphrase derives from the master key. The caller gives it its chunk
// store (what a new paper pushed through this process is checked against;
// replayed entries are not checked again) and attaches the shared log
// (ShareLog, or NewSharedHub, which does both).
func OpenCache(dir string, master []byte, st hubstate.Store) (*core.Profile, error) {
	pass := hubstate.CachePassphrase(master)
	if core.Exists(dir) {
		p, err := core.Open(dir, pass)
		if err != nil {
			return nil, err
		}
		if !p.IsHub() {
			p.Close()
			return nil, errors.New("the cache directory holds a device profile, not a hub's cache")
		}
		return p, nil
	}
	var id core.HubIdentity
	ok, err := st.Get(context.Background(), IdentitySetting, &id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, hubstate.ErrNoHub
	}
	return core.CreateHubReplica(dir, pass, id)
}

// InitSharedHub makes a new scaled-out hub in l's empty database: the hub
// InitHub would make on one machine (its keys, its first secretary and
// their invite), made in a temporary directory and exported (ExportHub),
// so that both layouts start from the very same first entries.
func InitSharedHub(ctx context.Context, l *pglog.Log, pass []byte, org, secretaryName string, hosts []string, ttl time.Duration) (InitResult, error) {
	if head, err := l.Head(ctx); err != nil {
		return InitResult{}, err
	} else if has, err := hubstate.HasHub(ctx, l); err != nil {
		return InitResult{}, err
	} else if head > 0 || has {
		return InitResult{}, ErrTargetNotEmpty
	}
	tmp, err := os.MkdirTemp("", "ecabinet-hub-init-")
	if err != nil {
		return InitResult{}, err
	}
	defer os.RemoveAll(tmp)
	p, res, err := InitHub(filepath.Join(tmp, "hub"), pass, org, secretaryName, hosts, ttl)
	if err != nil {
		return InitResult{}, err
	}
	defer p.Close()
	if _, err := ExportHub(ctx, p, l, nil, pass, nil); err != nil {
		return InitResult{}, err
	}
	return res, nil
}
