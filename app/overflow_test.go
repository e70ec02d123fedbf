//go:build migrated_fynedo

package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestOverflowRow_ShowsWhatFitsAndOffersTheRest(t *testing.T) {
	test.NewTempApp(t)
	var tapped []string
	mk := func(label string) *widget.Button {
		return widget.NewButton(label, func() { tapped = append(tapped, label) })
	}
	labels := []string{"Sửa", "Trở về bản nháp", "Bắt đầu phiên họp", "Giấy mời (PDF)", "Tập tài liệu · 6 trang"}
	r := newOverflowRow()
	var bs []*widget.Button
	total := float32(0)
	for _, l := range labels {
		b := mk(l)
		bs = append(bs, b)
		total += b.MinSize().Width
	}
	r.set(bs...)
	if min := r.view().MinSize().Width; min >= bs[0].MinSize().Width+bs[1].MinSize().Width {
		t.Fatalf("the row asks for %v px: more than its first action and More", min)
	}
	for _, tc := range []struct {
		name    string
		width   float32
		visible int
	}{
		{"given room for all then all show and More hides", total + 100, len(labels)},
		{"given room for two then two show and the rest go to More", bs[0].MinSize().Width + bs[1].MinSize().Width + r.more.MinSize().Width + 20, 2},
		{"given its minimum width then the first shows beside More", r.view().MinSize().Width, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.view().Resize(fyne.NewSize(tc.width, 40))
			shown := 0
			for i, b := range bs {
				if b.Visible() != (i < tc.visible) {
					t.Fatalf("button %d (%s) visible=%v, want the first %d shown", i, b.Text, b.Visible(), tc.visible)
				}
				if b.Visible() {
					shown++
					if right := b.Position().X + b.Size().Width; right > tc.width {
						t.Fatalf("%s ends at %v, past the row's %v", b.Text, right, tc.width)
					}
				}
			}
			if want := tc.visible < len(labels); r.more.Visible() != want {
				t.Fatalf("More visible=%v, want %v", r.more.Visible(), want)
			}
			if len(r.hidden) != len(labels)-shown {
				t.Fatalf("%d buttons offered by More, want %d", len(r.hidden), len(labels)-shown)
			}
			for i, b := range r.hidden {
				if b != bs[shown+i] {
					t.Fatalf("More offers %s at %d, want the actions in order", b.Text, i)
				}
			}
		})
	}
	// An action in the menu does what its button does.
	r.view().Resize(fyne.NewSize(r.view().MinSize().Width, 40))
	r.hidden[len(r.hidden)-1].OnTapped()
	if len(tapped) != 1 || tapped[0] != labels[len(labels)-1] {
		t.Fatalf("tapped %v", tapped)
	}
}

// offers returns the row's action labelled text, shown or in More's menu.
func (r *overflowRow) offers(text string) *widget.Button {
	for _, b := range r.items {
		if b.Text == text {
			return b
		}
	}
	return nil
}
