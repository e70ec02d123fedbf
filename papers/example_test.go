package papers_test

import (
	"crypto/ed25519"
	"fmt"

	"github.com/ecabinet/ecabinet/meetings"
	"github.com/ecabinet/ecabinet/papers"
)

// A draft decree attached to an agenda item goes to the meeting's
// participants unless the secretariat names its readers. The secretariat
// always sees it; after a recall, only the secretariat does.
func ExampleCanSee() {
	participants := []string{"pm", "dpm1", "minister"}
	p := paper()
	pm := meetings.Member{ID: "pm", Role: meetings.RoleChair}
	minister := meetings.Member{ID: "minister", Role: meetings.RoleMember}
	secretary := meetings.Member{ID: "sec1", Role: meetings.RoleSecretary}
	fmt.Println("owner's list, minister:", papers.CanSee(minister, p, participants))

	p.Distribution = papers.Distribution{Rule: papers.RuleNamed, Members: []string{"pm", "dpm1"}}
	fmt.Println("named, minister:", papers.CanSee(minister, p, participants))
	fmt.Println("named, pm:", papers.CanSee(pm, p, participants))
	fmt.Println("resolved:", p.Distribution.Resolve(participants))

	_ = p.Recall(t0)
	fmt.Println("recalled, pm:", papers.CanSee(pm, p, participants), "secretary:", papers.CanSee(secretary, p, participants))
	// Output:
	// owner's list, minister: true
	// named, minister: false
	// named, pm: true
	// resolved: [pm dpm1]
	// recalled, pm: false secretary: true
}

// A member who read version 1 sees "updated" once version 2 is attached,
// until they open it.
func ExamplePaper_ReadState() {
	p := paper()
	fmt.Println(p.ReadState(0), p.ReadState(1))
	_ = p.AddVersion(version(2))
	fmt.Println(p.ReadState(1), p.UpdatedSince(1))
	fmt.Println(p.ReadState(2))
	// Output:
	// unread read
	// updated true
	// read
}

// Validation errors carry a translation key and the field at fault.
func ExamplePaper_Validate() {
	p := paper()
	p.Owner.BallotID = "b1" // and an agenda item: which is it?
	fmt.Println(p.Validate())
	// Output:
	// err.paper.owner_ambiguous (owner)
}

// A manifest travels as canonical CBOR and is validated when it is read.
func ExampleDecodeManifest() {
	m := manifest(1, 3)
	b, _ := m.Encode()
	got, err := papers.DecodeManifest(b)
	fmt.Println(len(got.Chunks), got.Size, err)
	_, err = papers.DecodeManifest(b[:10])
	fmt.Println(papers.ErrManifestDecode.Code, err != nil)
	// Output:
	// 3 2098152 <nil>
	// err.manifest.decode_failed true
}

// ExampleWrapKey: the secretary's device wraps a paper's key to a member's
// device; only that device's seed opens it.
func ExampleWrapKey() {
	seed := make([]byte, ed25519.SeedSize) // a device's private seed (identity.Device.Seed)
	seed[0] = 42
	pub := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	key, _ := papers.NewLineageKey()
	w, _ := papers.WrapKey(key, "paper-1", "device-of-member", pub)
	got, err := w.Unwrap("paper-1", seed)
	fmt.Println(got == key, err)
	_, err = w.Unwrap("paper-2", seed)
	fmt.Println(err == papers.ErrUnwrap)
	// Output:
	// true <nil>
	// true
}

// A minister highlights "Nguyên tắc sử dụng đất" on page 2 of version 1.
// Version 2 adds a page before it: the highlight follows its text to
// page 3. A note on an article that version 2 removed is kept, marked as
// not placed, on its original page.
func ExampleCarry() {
	line := func(s string) papers.PageText {
		var t papers.PageText
		for i, r := range s {
			t = append(t, papers.TextChar{Text: string(r), Rect: papers.Rect{X0: 72 + float64(i)*6, Y0: 72, X1: 78 + float64(i)*6, Y1: 84}})
		}
		return t
	}
	v1 := []papers.PageText{line("Tờ trình"), line("Điều 5. Nguyên tắc sử dụng đất"), line("Điều 9. Phân loại đất")}
	hl, _ := papers.AnchorText(1, v1[1], 8, 30)
	gone, _ := papers.AnchorText(2, v1[2], 8, 17)
	notes := []papers.Note{
		{ID: "a", PaperID: "p1", Version: 1, Kind: papers.NoteHighlight, Anchor: hl, Created: t0},
		{ID: "b", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "bỏ?", Anchor: gone, Created: t0},
	}
	v2 := []papers.PageText{line("Tờ trình"), line("Ý kiến các bộ"), line("Điều 5. Nguyên tắc sử dụng đất")}
	for _, n := range papers.Carry(notes, 2, v2) {
		fmt.Printf("%s %q: page %d, placed %v\n", n.ID, n.Anchor.Quote, n.Anchor.Page+1, !n.Unplaced)
	}
	// Output:
	// a "Nguyên tắc sử dụng đất": page 3, placed true
	// b "Phân loại": page 3, placed false
}

// A note is sealed under its author's note key; the key itself travels
// wrapped for each of the author's devices, and opens only there.
func ExampleSealNote() {
	pub, priv, _ := ed25519.GenerateKey(nil)
	key, _ := papers.NewNoteKey()
	wrap, _ := papers.WrapNoteKey(key, "minister", "laptop", pub)

	n := papers.Note{ID: "n1", PaperID: "p1", Version: 1, Kind: papers.NoteText, Text: "Đề nghị hoãn biểu quyết", Created: t0}
	sealed, _ := papers.SealNote(key, "minister", n)

	// On the laptop: unwrap the key, open the note.
	k, _ := papers.UnwrapNoteKey(wrap, "minister", priv.Seed())
	got, err := papers.OpenNote(k, "minister", "n1", sealed)
	fmt.Println(got.Text, err)
	// Output: Đề nghị hoãn biểu quyết <nil>
}
