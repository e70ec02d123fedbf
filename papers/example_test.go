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
