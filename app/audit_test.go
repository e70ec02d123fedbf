package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/ecabinet/ecabinet/core"
	"github.com/ecabinet/ecabinet/store"
)

// auditNav finds the rail's entry for the audit log.
func auditNav(e *env) fyneObject {
	return e.find(func(o fyneObject) bool { n, ok := o.(*navItem); return ok && n.label == "Nhật ký kiểm tra" })
}

// openAudit shows the audit log and waits for its entries.
func openAudit(t *testing.T, e *env, s *shell) *auditScreen {
	t.Helper()
	test.Tap(auditNav(e).(*navItem))
	a := s.screens[scrAudit].(*auditScreen)
	e.l.waitFor(t, "the entries", func() bool { return len(a.rows) > 0 })
	return a
}

func TestAudit_SecretaryVerifiesTheChainAndExportsIt(t *testing.T) {
	c := memberCommittee(t)
	// a member's rail has no audit log
	em := newEnv(t, langVI, "")
	em.open(c.member)
	if auditNav(em) != nil {
		t.Error("a member should not be offered the audit log")
	}
	e := newEnv(t, langVI, "")
	s := e.open(c.sec)
	if auditNav(e) == nil {
		t.Fatal("the secretary's rail has no “Nhật ký kiểm tra”")
	}
	a := openAudit(t, e, s)
	entries, err := c.sec.AuditEntries()
	if err != nil {
		t.Fatal(err)
	}
	if len(a.rows) != len(entries) || a.rows[0].n != 1 || !strings.HasPrefix(a.rows[0].what, "Phát hành phiếu lấy ý kiến — ") {
		t.Fatalf("%d rows (first %+v), want %d entries starting with the issue of a ballot", len(a.rows), a.rows[0], len(entries))
	}
	// when the secretary verifies the chain
	test.Tap(e.button("Kiểm tra chuỗi"))
	want := fmt.Sprintf("Chuỗi hợp lệ: %d mục", len(entries))
	e.l.waitFor(t, "the verdict", func() bool { return a.result.Visible() && a.result.head.seg.Text == want })
	if a.result.kind != chipSuccess {
		t.Error("a valid chain should be said in green")
	}
	saveShot(t, "audit-ok-vi.png", e.shot())
	// and the export is the command line's: one JSON entry a line
	var buf bytes.Buffer
	if err := c.sec.WriteAuditLog(&buf); err != nil {
		t.Fatal(err)
	}
	n := 0
	for sc := bufio.NewScanner(&buf); sc.Scan(); n++ {
		var e core.AuditEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.N != uint64(n+1) {
			t.Fatalf("line %d: %v %+v", n+1, err, e)
		}
	}
	if n != len(entries) || e.button("Xuất") == nil {
		t.Errorf("exported %d lines of %d; export button shown: %v", n, len(entries), e.button("Xuất") != nil)
	}
}

func TestAudit_ABrokenChainIsSaidLoudlyAtTheEntry(t *testing.T) {
	c := memberCommittee(t)
	dir := c.sec.Dir()
	if err := c.sec.Close(); err != nil {
		t.Fatal(err)
	}
	// given someone changed entry 3 on disk
	st, err := store.Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *store.Tx) error {
		var e core.AuditEntry
		if err := tx.Get(store.SeqKey(store.PrefixAudit, 3), &e); err != nil {
			return err
		}
		e.At = e.At.Add(-time.Hour)
		return tx.Put(store.SeqKey(store.PrefixAudit, 3), e)
	})
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := core.Open(dir, testPass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	e := newEnv(t, langVI, "")
	s := e.open(p)
	a := openAudit(t, e, s)
	// when the secretary verifies the chain
	test.Tap(e.button("Kiểm tra chuỗi"))
	// then a red banner and a dialog name entry 3
	head := "CHUỖI BỊ PHÁ VỠ tại mục #3"
	e.l.waitFor(t, "the verdict", func() bool { return a.result.Visible() && a.result.head.seg.Text == head })
	if a.result.kind != chipDanger || !strings.HasPrefix(a.result.body.seg.Text, "Mục đã bị sửa sau khi ghi: mã băm không khớp.") {
		t.Errorf("verdict %v %q", a.result.kind, a.result.body.seg.Text)
	}
	if a.broken != 3 {
		t.Errorf("broken at %d, want 3", a.broken)
	}
	if !e.hasText("Không thể tin cậy các mục từ #3 trở đi.") {
		t.Error("no dialog says where the chain breaks")
	}
	saveShot(t, "audit-broken-vi.png", e.shot())
}
