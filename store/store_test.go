package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestCreateOpen_GivenRealKDF_ThenDataSurvivesReopen(t *testing.T) {
	// The one test that pays for the real Argon2id parameters at Create and
	// Open (about a second each, more under -race).
	dir := filepath.Join(t.TempDir(), "profile")
	// given the leftovers of a Create that crashed before its keyfile: a
	// database and a journal that is not even a journal
	if err := os.MkdirAll(filepath.Join(dir, "journal"), 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "journal", "ops.log"), []byte("garbage left by a crash"))
	if Exists(dir) {
		t.Fatal("Exists before Create")
	}

	s, err := Create(dir, testPass)
	if err != nil {
		t.Fatalf("Create over a crashed Create's leftovers: %v", err)
	}
	if rep := s.JournalReport(); rep != (JournalReport{}) {
		t.Fatalf("a new profile's journal report = %+v, want zero", rep)
	}
	if err := s.CommitJournaled(1, []byte("op one"), func(tx *Tx) error { return tx.Put(Key("member", "m1"), "Nguyễn Văn A") }); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	if err := s.Close(); err != nil {
		t.Fatalf("second Close = %v, want nil", err)
	}
	if !Exists(dir) {
		t.Fatal("Exists after Create = false")
	}
	k, err := readKeyfile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k.Time != kdfTime || k.MemKiB != kdfMemKiB || k.Threads != kdfThreads || len(k.Salt) != 16 || len(k.Nonce) != 12 {
		t.Fatalf("keyfile parameters = %+v, want Argon2id t=%d m=%d p=%d with 16-byte salt", k, kdfTime, kdfMemKiB, kdfThreads)
	}

	s = mustOpen(t, dir, testPass)
	defer mustClose(t, s)
	var got string
	if err := s.View(func(tx *Tx) error { return tx.Get(Key("member", "m1"), &got) }); err != nil {
		t.Fatal(err)
	}
	if got != "Nguyễn Văn A" {
		t.Fatalf("after reopen: %q, want %q", got, "Nguyễn Văn A")
	}
	var schema uint64
	if err := s.View(func(tx *Tx) error { return tx.GetMeta(MetaSchema, &schema) }); err != nil || schema != SchemaVersion {
		t.Fatalf("schema = %d, %v; want %d", schema, err, SchemaVersion)
	}
	if got, want := s.JournalLastSeq(), uint64(1); got != want {
		t.Fatalf("JournalLastSeq = %d, want %d", got, want)
	}
	if s.Dir() != dir {
		t.Fatalf("Dir = %s, want %s", s.Dir(), dir)
	}
}

func TestOpen_GivenNoUsableProfile_ThenTypedErrorAndProfileStillOpens(t *testing.T) {
	dir := closedProfile(t)
	empty := t.TempDir()
	dbOnly := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dbOnly, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dir     string
		pass    []byte
		wantErr error
	}{
		{"given a directory that does not exist then no profile", filepath.Join(empty, "missing"), testPass, ErrNoProfile},
		{"given an empty directory then no profile", empty, testPass, ErrNoProfile},
		{"given a database without a keyfile then no profile", dbOnly, testPass, ErrNoProfile},
		{"given a wrong passphrase then wrong passphrase", dir, []byte("not the passphrase"), ErrWrongPassphrase},
		{"given the passphrase with one letter changed then wrong passphrase", dir, []byte("mật khẩu thử nghiệM"), ErrWrongPassphrase},
		{"given an empty passphrase then wrong passphrase", dir, nil, ErrWrongPassphrase},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Open(tt.dir, tt.pass)
			if !errors.Is(err, tt.wantErr) {
				if err == nil {
					s.Close()
				}
				t.Fatalf("Open = %v, want %v", err, tt.wantErr)
			}
		})
	}
	// The refusals released the lock and changed nothing.
	mustClose(t, mustOpen(t, dir, testPass))
}

func TestCreate_GivenBadStartingPoint_ThenTypedErrorAndNothingChanged(t *testing.T) {
	t.Run("given a passphrase of 7 bytes then weak passphrase and no directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "profile")
		s, err := Create(dir, []byte("1234567"))
		if !errors.Is(err, ErrWeakPassphrase) {
			if err == nil {
				s.Close()
			}
			t.Fatalf("Create = %v, want ErrWeakPassphrase", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("a refused Create left %s behind (%v)", dir, err)
		}
	})
	t.Run("given an existing profile then profile exists and it keeps its data", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "profile")
		s := createCheap(t, dir, testPass)
		if err := s.CommitJournaled(1, payload(1), func(tx *Tx) error { return tx.Put(Key("k"), "v") }); err != nil {
			t.Fatal(err)
		}
		mustClose(t, s)
		keyfileBefore := readFile(t, filepath.Join(dir, "keyfile"))

		s2, err := Create(dir, []byte("another passphrase"))
		if !errors.Is(err, ErrProfileExists) {
			if err == nil {
				s2.Close()
			}
			t.Fatalf("Create = %v, want ErrProfileExists", err)
		}

		if got := readFile(t, filepath.Join(dir, "keyfile")); !bytes.Equal(got, keyfileBefore) {
			t.Fatal("a refused Create changed the keyfile")
		}
		s = mustOpen(t, dir, testPass)
		defer mustClose(t, s)
		if !has(t, s, Key("k")) || s.JournalLastSeq() != 1 {
			t.Fatal("a refused Create lost the existing profile's data")
		}
	})
	t.Run("given a profile open in this process then in use", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "profile")
		s := createCheap(t, dir, testPass)
		defer mustClose(t, s)
		s2, err := Create(dir, testPass)
		if !errors.Is(err, ErrProfileInUse) {
			if err == nil {
				s2.Close()
			}
			t.Fatalf("Create = %v, want ErrProfileInUse", err)
		}
	})
}

func TestOpen_GivenProfileAlreadyOpen_ThenInUseUntilClosed(t *testing.T) {
	dir := closedProfile(t)
	first := mustOpen(t, dir, testPass)

	s, err := Open(dir, testPass)

	if !errors.Is(err, ErrProfileInUse) {
		if err == nil {
			s.Close()
		}
		t.Fatalf("second Open = %v, want ErrProfileInUse", err)
	}
	// the first is unaffected
	if err := first.Update(func(tx *Tx) error { return tx.Put(Key("after"), 1) }); err != nil {
		t.Fatalf("first store after a refused second Open: %v", err)
	}
	mustClose(t, first)
	// and once it is closed the profile opens again, with the write
	s = mustOpen(t, dir, testPass)
	defer mustClose(t, s)
	if !has(t, s, Key("after")) {
		t.Fatal("write made before Close is missing")
	}
}

func TestOpen_GivenSchemaVersion_ThenNewerRefused(t *testing.T) {
	tests := []struct {
		name    string
		set     func(tx *Tx) error
		wantErr error
	}{
		{"given a newer schema then newer schema", func(tx *Tx) error { return tx.PutMeta(MetaSchema, uint64(SchemaVersion+1)) }, ErrNewerSchema},
		{"given a far newer schema then newer schema", func(tx *Tx) error { return tx.PutMeta(MetaSchema, ^uint64(0)) }, ErrNewerSchema},
		{"given the current schema then opened", func(tx *Tx) error { return tx.PutMeta(MetaSchema, uint64(SchemaVersion)) }, nil},
		{"given an older schema then opened", func(tx *Tx) error { return tx.PutMeta(MetaSchema, uint64(0)) }, nil},
		{"given no schema then opened", func(tx *Tx) error { return tx.Delete(metaKey(MetaSchema)) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "profile")
			s := createCheap(t, dir, testPass)
			if err := s.Update(tt.set); err != nil {
				t.Fatal(err)
			}
			mustClose(t, s)

			for i := 0; i < 2; i++ { // twice: a refusal releases the lock
				s, err := Open(dir, testPass)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Open #%d = %v, want %v", i+1, err, tt.wantErr)
				}
				if err == nil {
					mustClose(t, s)
				}
			}
		})
	}
}

func TestCommitJournaled_GivenSuccess_ThenBadgerJournalAndHWMAgree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	for seq := uint64(1); seq <= 3; seq++ {
		if err := s.CommitJournaled(seq, payload(seq), func(tx *Tx) error { return tx.Put(SeqKey("op", seq), seq) }); err != nil {
			t.Fatalf("CommitJournaled(%d): %v", seq, err)
		}
	}
	check := func(s *Store) {
		t.Helper()
		for seq := uint64(1); seq <= 3; seq++ {
			if !has(t, s, SeqKey("op", seq)) {
				t.Fatalf("op %d missing from Badger", seq)
			}
		}
		if got := hwm(t, s); got != 3 {
			t.Fatalf("hwm = %d, want 3", got)
		}
		if got := s.JournalLastSeq(); got != 3 {
			t.Fatalf("JournalLastSeq = %d, want 3", got)
		}
		if recs, err := s.Recover(); err != nil || len(recs) != 0 {
			t.Fatalf("Recover = %d records, %v; want none", len(recs), err)
		}
		checkRecords(t, s.journal, []uint64{1, 2, 3}, nil)
	}
	check(s)
	mustClose(t, s)
	s = mustOpen(t, dir, testPass)
	defer mustClose(t, s)
	check(s)
}

func TestCommitJournaled_GivenRefusal_ThenNothingWrittenAnywhere(t *testing.T) {
	errRefused := errors.New("refused by the rules")
	errDiskFull := errors.New("journal write failed: no space left on device")
	tests := []struct {
		name    string
		seq     uint64
		fn      func(tx *Tx) error
		wantErr error // nil: any error
		broken  bool  // the journal failed a write earlier
	}{
		{"given fn fails after writing then nothing written", 3, func(tx *Tx) error {
			if err := tx.Put(Key("refused"), "x"); err != nil {
				return err
			}
			return errRefused
		}, errRefused, false},
		{"given fn fails before writing then nothing written", 3, func(tx *Tx) error { return errRefused }, errRefused, false},
		{"given a sequence already journaled then nothing written", 2, func(tx *Tx) error { return tx.Put(Key("refused"), "x") }, nil, false},
		{"given a sequence below the journal's then nothing written", 1, func(tx *Tx) error { return tx.Put(Key("refused"), "x") }, nil, false},
		{"given a journal broken by a failed write then nothing written", 3, func(tx *Tx) error { return tx.Put(Key("refused"), "x") }, errDiskFull, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "profile")
			s := createCheap(t, dir, testPass)
			defer mustClose(t, s)
			for seq := uint64(1); seq <= 2; seq++ {
				if err := s.CommitJournaled(seq, payload(seq), func(tx *Tx) error { return nil }); err != nil {
					t.Fatal(err)
				}
			}
			journalPath := filepath.Join(dir, "journal", "ops.log")
			sizeBefore := fileSize(t, journalPath)
			if tt.broken {
				s.journal.broken = errDiskFull
			}

			err := s.CommitJournaled(tt.seq, []byte("must not be saved"), tt.fn)

			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("CommitJournaled = %v, want %v", err, tt.wantErr)
			}
			if has(t, s, Key("refused")) {
				t.Fatal("the refused transaction's key is in Badger")
			}
			if got := hwm(t, s); got != 2 {
				t.Fatalf("hwm = %d, want 2 (unchanged)", got)
			}
			if got := s.JournalLastSeq(); got != 2 {
				t.Fatalf("JournalLastSeq = %d, want 2 (unchanged)", got)
			}
			if got := fileSize(t, journalPath); got != sizeBefore {
				t.Fatalf("journal grew from %d to %d bytes", sizeBefore, got)
			}
			if tt.broken {
				return
			}
			// and the store still saves
			if err := s.CommitJournaled(3, payload(3), func(tx *Tx) error { return tx.Put(Key("ok"), 3) }); err != nil {
				t.Fatalf("CommitJournaled(3) after a refusal: %v", err)
			}
			checkRecords(t, s.journal, []uint64{1, 2, 3}, nil)
		})
	}
}

func TestRecover_GivenJournalAheadOfBadger_ThenExactlyTheMissingRecords(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	put := func(seq uint64) func(tx *Tx) error {
		return func(tx *Tx) error { return tx.Put(SeqKey("op", seq), seq) }
	}
	for seq := uint64(1); seq <= 2; seq++ {
		if err := s.CommitJournaled(seq, payload(seq), put(seq)); err != nil {
			t.Fatal(err)
		}
	}
	// given records 3 and 4 reached the journal but Badger lost their
	// commits (what a damaged write log does, DESIGN.md §7)
	for seq := uint64(3); seq <= 4; seq++ {
		if err := s.journal.append(seq, payload(seq)); err != nil {
			t.Fatal(err)
		}
	}
	wantMissing := func(s *Store, want []uint64) {
		t.Helper()
		recs, err := s.Recover()
		if err != nil {
			t.Fatal(err)
		}
		var got []uint64
		for _, r := range recs {
			got = append(got, r.Seq)
			if !bytes.Equal(r.Data, payload(r.Seq)) {
				t.Fatalf("record %d data = %q, want %q", r.Seq, r.Data, payload(r.Seq))
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("Recover = %v, want %v", got, want)
		}
	}
	wantMissing(s, []uint64{3, 4})
	mustClose(t, s)

	s = mustOpen(t, dir, testPass)
	wantMissing(s, []uint64{3, 4})
	// a failed re-apply moves nothing
	errApply := errors.New("apply failed")
	if err := s.CommitRecovered(4, func(tx *Tx) error { return errApply }); !errors.Is(err, errApply) {
		t.Fatalf("CommitRecovered = %v, want %v", err, errApply)
	}
	wantMissing(s, []uint64{3, 4})
	// the re-apply moves the high-water mark past them
	if err := s.CommitRecovered(4, func(tx *Tx) error {
		for seq := uint64(3); seq <= 4; seq++ {
			if err := put(seq)(tx); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	wantMissing(s, nil)
	if got := hwm(t, s); got != 4 {
		t.Fatalf("hwm = %d, want 4", got)
	}
	mustClose(t, s)

	s = mustOpen(t, dir, testPass)
	defer mustClose(t, s)
	wantMissing(s, nil)
	for seq := uint64(1); seq <= 4; seq++ {
		if !has(t, s, SeqKey("op", seq)) {
			t.Fatalf("op %d missing after recovery", seq)
		}
	}
}

func TestOpen_GivenJournalFileLost_ThenFreshJournalAndNothingToRecover(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	if err := s.CommitJournaled(1, payload(1), func(tx *Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	mustClose(t, s)
	if err := os.Remove(filepath.Join(dir, "journal", "ops.log")); err != nil {
		t.Fatal(err)
	}

	s = mustOpen(t, dir, testPass)
	defer mustClose(t, s)

	if recs, err := s.Recover(); err != nil || len(recs) != 0 {
		t.Fatalf("Recover = %d records, %v; want none", len(recs), err)
	}
	if got := s.JournalLastSeq(); got != 0 {
		t.Fatalf("JournalLastSeq = %d, want 0", got)
	}
	if got := hwm(t, s); got != 1 {
		t.Fatalf("hwm = %d, want 1 (Badger kept it)", got)
	}
	if err := s.CommitJournaled(2, payload(2), func(tx *Tx) error { return nil }); err != nil {
		t.Fatalf("CommitJournaled after the journal was lost: %v", err)
	}
}

func TestOpen_GivenDamagedJournal_ThenReportedAndProfileOpens(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	for seq := uint64(1); seq <= 3; seq++ {
		if err := s.CommitJournaled(seq, payload(seq), func(tx *Tx) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	ends := append([]int64(nil), s.journal.offsets...)
	mustClose(t, s)
	path := filepath.Join(dir, "journal", "ops.log")
	b := readFile(t, path)
	b[ends[0]+100] ^= 0xff // inside record 2
	writeFile(t, path, b)

	s = mustOpen(t, dir, testPass)
	defer mustClose(t, s)

	rep := s.JournalReport()
	if rep.Damaged == "" || rep.Records != 1 || rep.DroppedAt != ends[0] {
		t.Fatalf("JournalReport = %+v, want damage at %d after 1 record", rep, ends[0])
	}
	if _, err := os.Stat(rep.Damaged); err != nil {
		t.Fatalf("set-aside file: %v", err)
	}
	// Badger has records 2 and 3 (hwm 3): nothing to recover, and the
	// next sequence still journals.
	if recs, err := s.Recover(); err != nil || len(recs) != 0 {
		t.Fatalf("Recover = %d records, %v; want none", len(recs), err)
	}
	if err := s.CommitJournaled(4, payload(4), func(tx *Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	checkRecords(t, s.journal, []uint64{1, 4}, nil)
}

func TestTx_GivenRecords_ThenReadWriteIterate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	defer mustClose(t, s)
	type member struct {
		Name string `cbor:"1,keyasint"`
	}
	err := s.Update(func(tx *Tx) error {
		for _, id := range []string{"c", "a", "b"} {
			if err := tx.Put(Key(PrefixMember, id), member{Name: "Thành viên " + id}); err != nil {
				return err
			}
		}
		if err := tx.Put(Key(PrefixMeeting, "a"), member{Name: "not a member"}); err != nil {
			return err
		}
		return tx.PutRaw(Key("raw"), []byte{1, 2, 3})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.View(func(tx *Tx) error {
		var m member
		if err := tx.Get(Key(PrefixMember, "b"), &m); err != nil || m.Name != "Thành viên b" {
			t.Errorf("Get = %+v, %v", m, err)
		}
		if err := tx.Get(Key(PrefixMember, "zz"), &m); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get of a missing key = %v, want ErrNotFound", err)
		}
		if _, err := tx.GetRaw(Key("missing")); !errors.Is(err, ErrNotFound) {
			t.Errorf("GetRaw of a missing key = %v, want ErrNotFound", err)
		}
		raw, err := tx.GetRaw(Key("raw"))
		if err != nil || !bytes.Equal(raw, []byte{1, 2, 3}) {
			t.Errorf("GetRaw = %v, %v", raw, err)
		}
		var keys []string
		if err := tx.Each(append(Key(PrefixMember), '/'), func(k, v []byte) error {
			keys = append(keys, string(k))
			return nil
		}); err != nil {
			t.Error(err)
		}
		if got, want := fmt.Sprint(keys), "[member/a member/b member/c]"; got != want {
			t.Errorf("Each keys = %s, want %s", got, want)
		}
		stop := errors.New("stop")
		n := 0
		if err := tx.Each(Key(PrefixMember), func(k, v []byte) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Errorf("Each with a failing fn = %v after %d calls, want stop after 1", err, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Update(func(tx *Tx) error { return tx.Delete(Key(PrefixMember, "a")) }); err != nil {
		t.Fatal(err)
	}
	if has(t, s, Key(PrefixMember, "a")) {
		t.Fatal("deleted key still present")
	}
}

func TestEachFrom_GivenStartAndStop_ThenKeysFromStartWhileTrue(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "profile")
	s := createCheap(t, dir, testPass)
	defer mustClose(t, s)
	if err := s.Update(func(tx *Tx) error {
		for n := uint64(1); n <= 10; n++ {
			if err := tx.Put(SeqKey("log", n), n); err != nil {
				return err
			}
		}
		return tx.Put(SeqKey("logz", 1), 0) // a neighbouring prefix
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		start uint64
		limit int
		want  string
	}{
		{"given a start in the middle then from there to the end", 7, 100, "[7 8 9 10]"},
		{"given a limit then stops when fn says so", 2, 3, "[2 3 4]"},
		{"given a start past the end then nothing", 11, 100, "[]"},
		{"given start 0 then everything", 0, 100, "[1 2 3 4 5 6 7 8 9 10]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []uint64{}
			err := s.View(func(tx *Tx) error {
				return tx.EachFrom([]byte("log/"), SeqKey("log", tt.start), func(k, v []byte) (bool, error) {
					var n uint64
					if err := codecUnmarshal(v, &n); err != nil {
						return false, err
					}
					got = append(got, n)
					return len(got) < tt.limit, nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != tt.want {
				t.Fatalf("EachFrom = %v, want %s", got, tt.want)
			}
		})
	}
}

func TestKeys_GivenParts_ThenJoinedAndNumericOrder(t *testing.T) {
	if got, want := string(Key("answer", "b1", "a1")), "answer/b1/a1"; got != want {
		t.Fatalf("Key = %q, want %q", got, want)
	}
	if got, want := string(Key("meta")), "meta"; got != want {
		t.Fatalf("Key = %q, want %q", got, want)
	}
	seqs := []uint64{0, 1, 9, 10, 255, 256, 1 << 32, ^uint64(0)}
	for i := 1; i < len(seqs); i++ {
		a, b := SeqKey("op", seqs[i-1]), SeqKey("op", seqs[i])
		if bytes.Compare(a, b) >= 0 {
			t.Fatalf("SeqKey(%d) = %x does not sort before SeqKey(%d) = %x", seqs[i-1], a, seqs[i], b)
		}
		if !bytes.HasPrefix(b, []byte("op/")) || len(b) != len("op/")+8 {
			t.Fatalf("SeqKey = %x, want op/ and 8 bytes", b)
		}
	}
}

// TestIndexCacheSize: the index cache holds every table's index (~6% of
// the tables) with room to grow, within bounds.
func TestIndexCacheSize(t *testing.T) {
	for _, tt := range []struct {
		tables, want int64
	}{
		{0, 4 << 20},
		{40 << 20, 5 << 20},    // a desktop's year
		{300 << 20, 300 << 17}, // a hub of ten bodies: 37.5 MB for ~18 MB of indexes
		{10 << 30, 256 << 20},  // bounded
	} {
		if got := indexCacheSize(tt.tables); got != tt.want {
			t.Errorf("indexCacheSize(%d) = %d, want %d", tt.tables, got, tt.want)
		}
	}
}
