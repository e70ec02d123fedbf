package papers_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ecabinet/ecabinet/papers"
)

func TestPaperValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(p *papers.Paper)
		want   string
	}{
		{"given a complete paper when validated then ok", func(p *papers.Paper) {}, ""},
		{"given no ID then required", func(p *papers.Paper) { p.ID = " " }, "err.paper.id_required"},
		{"given a blank title then required", func(p *papers.Paper) { p.Title = "\t" }, "err.paper.title_required"},
		{"given a 300-byte title then ok", func(p *papers.Paper) { p.Title = strings.Repeat("t", 300) }, ""},
		{"given a 301-byte title then too long", func(p *papers.Paper) { p.Title = strings.Repeat("t", 301) }, "err.paper.title_too_long"},
		{"given no owner then required", func(p *papers.Paper) { p.Owner = papers.Owner{} }, "err.paper.owner_required"},
		{"given a meeting without agenda item then item required", func(p *papers.Paper) { p.Owner.AgendaItemID = "" }, "err.paper.agenda_item_required"},
		{"given an agenda item without meeting then owner required", func(p *papers.Paper) { p.Owner.MeetingID = "" }, "err.paper.owner_required"},
		{"given a ballot then ok", func(p *papers.Paper) { p.Owner = papers.Owner{BallotID: "b1"} }, ""},
		{"given a ballot and a meeting then ambiguous", func(p *papers.Paper) { p.Owner.BallotID = "b1" }, "err.paper.owner_ambiguous"},
		{"given an unknown marking then invalid", func(p *papers.Paper) { p.Marking = "secret" }, "err.paper.marking_invalid"},
		{"given no marking then invalid", func(p *papers.Paper) { p.Marking = "" }, "err.paper.marking_invalid"},
		{"given a named list then ok", func(p *papers.Paper) {
			p.Distribution = papers.Distribution{Rule: papers.RuleNamed, Members: []string{"a", "b"}}
		}, ""},
		{"given the owner rule with members then invalid", func(p *papers.Paper) {
			p.Distribution = papers.Distribution{Rule: papers.RuleOwner, Members: []string{"a"}}
		}, "err.paper.distribution_invalid"},
		{"given an unknown rule then invalid", func(p *papers.Paper) { p.Distribution.Rule = "everyone" }, "err.paper.distribution_invalid"},
		{"given a named list of nobody then required", func(p *papers.Paper) { p.Distribution.Rule = papers.RuleNamed }, "err.paper.members_required"},
		{"given a blank member then invalid", func(p *papers.Paper) {
			p.Distribution = papers.Distribution{Rule: papers.RuleNamed, Members: []string{"a", " "}}
		}, "err.paper.member_invalid"},
		{"given a member twice then duplicate", func(p *papers.Paper) {
			p.Distribution = papers.Distribution{Rule: papers.RuleNamed, Members: []string{"a", "a"}}
		}, "err.paper.member_duplicate"},
		{"given too many named members then refused", func(p *papers.Paper) {
			p.Distribution.Rule = papers.RuleNamed
			for i := range papers.MaxNamed + 1 {
				p.Distribution.Members = append(p.Distribution.Members, strings.Repeat("m", 1+i/26)+string(rune('a'+i%26)))
			}
		}, "err.paper.members_too_many"},
		{"given no lineage key then required", func(p *papers.Paper) { p.Lineage = papers.LineageKey{} }, "err.paper.lineage_required"},
		{"given no version then required", func(p *papers.Paper) { p.Versions = nil }, "err.paper.versions_required"},
		{"given versions 1, 2 then ok", func(p *papers.Paper) { p.Versions = append(p.Versions, version(2)) }, ""},
		{"given versions 1, 3 then numbering refused", func(p *papers.Paper) { p.Versions = append(p.Versions, version(3)) }, "err.paper.version_number"},
		{"given a version 0 then numbering refused", func(p *papers.Paper) { p.Versions[0].Number = 0 }, "err.paper.version_number"},
		{"given recalled with a time then ok", func(p *papers.Paper) { p.Recalled, p.RecalledAt = true, t0 }, ""},
		{"given recalled without a time then invalid", func(p *papers.Paper) { p.Recalled = true }, "err.paper.recalled_at_invalid"},
		{"given a recall time but not recalled then invalid", func(p *papers.Paper) { p.RecalledAt = t0 }, "err.paper.recalled_at_invalid"},
		{"given an invalid version then the version's error", func(p *papers.Paper) { p.Versions[0].AddedBy = "" }, "err.paper.added_by_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := paper()
			tt.change(&p)
			if got := code(t, p.Validate()); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestVersionValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(v *papers.Version)
		want   string
	}{
		{"given a complete PDF version then ok", func(v *papers.Version) {}, ""},
		{"given a Word file without pages then ok", func(v *papers.Version) {
			v.FileName, v.MediaType, v.Pages = "Báo cáo.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 0
		}, ""},
		{"given a Word file with pages then invalid", func(v *papers.Version) { v.MediaType = "application/msword" }, "err.paper.pages_invalid"},
		{"given a PDF without pages then invalid", func(v *papers.Version) { v.Pages = 0 }, "err.paper.pages_invalid"},
		{"given a PDF with too many pages then invalid", func(v *papers.Version) { v.Pages = papers.MaxPages + 1 }, "err.paper.pages_invalid"},
		{"given no file name then required", func(v *papers.Version) { v.FileName = "" }, "err.paper.file_name_required"},
		{"given a path then invalid", func(v *papers.Version) { v.FileName = "../etc/passwd" }, "err.paper.file_name_invalid"},
		{"given a Windows path then invalid", func(v *papers.Version) { v.FileName = `C:\tmp\a.pdf` }, "err.paper.file_name_invalid"},
		{"given a control character then invalid", func(v *papers.Version) { v.FileName = "a\x00.pdf" }, "err.paper.file_name_invalid"},
		{"given surrounding spaces then invalid", func(v *papers.Version) { v.FileName = " a.pdf" }, "err.paper.file_name_invalid"},
		{"given a 256-byte name then invalid", func(v *papers.Version) { v.FileName = strings.Repeat("a", 252) + ".pdf" }, "err.paper.file_name_invalid"},
		{"given no media type then invalid", func(v *papers.Version) { v.MediaType = "" }, "err.paper.media_type_invalid"},
		{"given a media type with parameters then invalid", func(v *papers.Version) { v.MediaType = "application/pdf; q=1" }, "err.paper.media_type_invalid"},
		{"given a media type without subtype then invalid", func(v *papers.Version) { v.MediaType = "pdf" }, "err.paper.media_type_invalid"},
		{"given an empty file then refused", func(v *papers.Version) {
			v.Manifest.Chunks, v.Manifest.Size = nil, 0
		}, "err.paper.file_empty"},
		{"given an invalid manifest then the manifest's error", func(v *papers.Version) { v.Manifest.Size++ }, "err.manifest.size_mismatch"},
		{"given no author then required", func(v *papers.Version) { v.AddedBy = "" }, "err.paper.added_by_required"},
		{"given no time then required", func(v *papers.Version) { v.AddedAt = time.Time{} }, "err.paper.added_at_required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := version(1)
			tt.change(&v)
			if got := code(t, v.Validate()); got != tt.want {
				t.Errorf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}
