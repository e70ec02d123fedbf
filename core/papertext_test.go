package core_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ecabinet/ecabinet/core"
)

// The stored search text keeps only a paper's current version, and goes
// when the paper is recalled.
func TestPaperText_NewVersionReplaces_RecallDrops(t *testing.T) {
	p, _ := newSecretary(t, t.TempDir())
	defer p.Close()
	m, it := meetingWithItem(t, p)
	var ids []string
	for _, name := range []string{"to-trinh.pdf", "phu-luc.pdf"} {
		pp, err := p.AddPaper(core.PaperInput{MeetingID: m.ID, ItemID: it.ID, FileName: name}, bytes.NewReader(testPDF(t, 1, name)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, pp.ID)
	}
	stored := func() map[string]string {
		t.Helper()
		out := map[string]string{}
		if err := p.EachPaperText(func(id string, n int, pt core.PaperText) error {
			out[id] = fmt.Sprint(n, pt.Pages)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		do   func() error
		want map[string]string
	}{
		{"both papers indexed", func() error {
			if err := p.PutPaperText(ids[0], 1, core.PaperText{Pages: []string{"dat dai"}}); err != nil {
				return err
			}
			return p.PutPaperText(ids[1], 1, core.PaperText{Pages: []string{"phu luc"}})
		}, map[string]string{ids[0]: "1 [dat dai]", ids[1]: "1 [phu luc]"}},
		{"a new version replaces the old one's text", func() error {
			return p.PutPaperText(ids[0], 2, core.PaperText{Pages: []string{"dat dai", "boi thuong"}})
		}, map[string]string{ids[0]: "2 [dat dai boi thuong]", ids[1]: "1 [phu luc]"}},
		{"a recall drops the text", func() error { return p.RecallPaper(ids[0]) }, map[string]string{ids[1]: "1 [phu luc]"}},
	} {
		if err := tc.do(); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := stored(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: stored %v, want %v", tc.name, got, tc.want)
		}
	}
}
