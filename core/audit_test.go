package core

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/ballots"
	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/store"
)

func TestAudit_TamperedEntryFailsAtThatEntry(t *testing.T) {
	// given a hub that ordered a few ballot actions
	p, err := CreateHub(filepath.Join(t.TempDir(), "hub"), []byte("audit test passphrase"), "Văn phòng Chính phủ")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	chair, _ := p.AddMember(meetings.Member{Name: "Chủ tọa", Role: meetings.RoleChair})
	m1, _ := p.AddMember(meetings.Member{Name: "Thành viên", Role: meetings.RoleMember})
	b, err := p.IssueBallot(BallotInput{Title: "Phiếu", Question: "Thông qua?", Deadline: time.Now().Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{chair.ID, m1.ID} {
		if _, err := p.RecordAnswerFor(b.ID, id, ballots.ChoiceAgree, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.CloseBallot(b.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := p.HubPublishResults(); err != nil || n != 1 {
		t.Fatalf("published %d results: %v", n, err)
	}
	rc, ok := p.BallotResult(b.ID)
	if !ok || !rc.Verified || rc.Result.Standing != "passed" || len(rc.Result.Answers) != 2 {
		t.Fatalf("hub's own result: %+v", rc)
	}
	n, err := p.AuditVerify()
	if err != nil || n != 5 { // issue, 2 answers, close, result
		t.Fatalf("clean audit log: %d entries, %v; want 5 and no problem", n, err)
	}
	entries, _ := p.AuditEntries()

	// when entry 3 is altered in the store
	e := entries[2]
	e.Member = "someone-else"
	if err := p.st.Update(func(tx *store.Tx) error { return tx.Put(store.SeqKey(store.PrefixAudit, 3), e) }); err != nil {
		t.Fatal(err)
	}
	// then verification fails at entry 3
	_, err = p.AuditVerify()
	var ap *AuditProblem
	if !errors.As(err, &ap) || ap.N != 3 {
		t.Fatalf("tampered entry 3: %v, want a problem at entry 3", err)
	}

	// and a removed last entry is noticed too
	if err := p.st.Update(func(tx *store.Tx) error {
		if err := tx.Put(store.SeqKey(store.PrefixAudit, 3), entries[2]); err != nil {
			return err
		}
		return tx.Delete(store.SeqKey(store.PrefixAudit, 5))
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.AuditVerify(); !errors.As(err, &ap) {
		t.Fatalf("removed last entry: %v, want a problem", err)
	}
}
