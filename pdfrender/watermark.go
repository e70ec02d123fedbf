package pdfrender

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sync"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// Watermark draws a label (the reader's name and the date) across rendered
// pages of confidential papers, so that a photograph of the screen says
// whose copy it was. It is drawn on the image the reader shows, never into
// the paper.
type Watermark struct {
	font *opentype.Font

	// The label laid out over a whole page is drawn once per page size
	// (drawing it rotated takes ~170 ms at 1000 px wide, laying it over a
	// page a few ms): a reader shows one label at one or two sizes.
	mu    sync.Mutex
	key   layerKey
	layer *image.RGBA
}

type layerKey struct {
	w, h  int
	label string
}

// NewWatermark parses a TrueType/OpenType font that has Vietnamese letters.
// The desktop app passes the font it already embeds (Fyne's NotoSans,
// theme.DefaultTextFont().Content()), so this package stays free of Fyne
// and the binary carries one copy of the font.
func NewWatermark(ttf []byte) (*Watermark, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("pdfrender: watermark font: %w", err)
	}
	return &Watermark{font: f}, nil
}

// watermarkColor is a translucent grey (premultiplied): strong enough to
// show on a photograph, light enough to read the page through.
var watermarkColor = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0x48}

// Apply draws label on img in place, rising at 30° from the bottom left,
// repeated in bands over the whole page, at a size proportional to the
// page's width (so every zoom level shows the same watermark).
func (w *Watermark) Apply(img *image.RGBA, label string) error {
	label = norm.NFC.String(label) // decomposed marks would land apart
	b := img.Bounds()
	if b.Empty() || label == "" {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	key := layerKey{b.Dx(), b.Dy(), label}
	if w.layer == nil || w.key != key {
		layer := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		if err := w.draw(layer, label); err != nil {
			return err
		}
		w.key, w.layer = key, layer
	}
	over(img, w.layer)
	return nil
}

// over composites layer (premultiplied, mostly transparent) onto img, of
// the same size; transparent pixels cost a comparison.
func over(img, layer *image.RGBA) {
	b := img.Bounds()
	for y := 0; y < b.Dy(); y++ {
		src := layer.Pix[y*layer.Stride : y*layer.Stride+4*b.Dx()]
		dst := img.Pix[img.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < len(src); x += 4 {
			a := uint32(src[x+3])
			if a == 0 {
				continue
			}
			k := 255 - a
			dst[x] = uint8(uint32(src[x]) + (uint32(dst[x])*k+127)/255)
			dst[x+1] = uint8(uint32(src[x+1]) + (uint32(dst[x+1])*k+127)/255)
			dst[x+2] = uint8(uint32(src[x+2]) + (uint32(dst[x+2])*k+127)/255)
			dst[x+3] = uint8(a + (uint32(dst[x+3])*k+127)/255)
		}
	}
}

// draw lays label over the whole of img (transparent).
func (w *Watermark) draw(img *image.RGBA, label string) error {
	b := img.Bounds()
	size := float64(b.Dx()) / 24
	face, err := opentype.NewFace(w.font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return fmt.Errorf("pdfrender: watermark face: %w", err)
	}
	defer face.Close()

	// Draw the label once, horizontally, into a small image...
	adv := font.MeasureString(face, label).Ceil()
	m := face.Metrics()
	h := (m.Ascent + m.Descent).Ceil()
	pad := int(size / 2)
	stamp := image.NewRGBA(image.Rect(0, 0, adv+2*pad, h+2*pad))
	d := &font.Drawer{Dst: stamp, Src: image.NewUniform(watermarkColor), Face: face,
		Dot: fixed.Point26_6{X: fixed.I(pad), Y: fixed.I(pad) + m.Ascent}}
	d.DrawString(label)

	// ...then lay it rotated along lines across the page.
	angle := -math.Pi / 6
	sin, cos := math.Sin(angle), math.Cos(angle)
	sw, sh := float64(stamp.Rect.Dx()), float64(stamp.Rect.Dy())
	diag := math.Hypot(float64(b.Dx()), float64(b.Dy()))
	stepX := sw * 1.3
	stepY := sh * 4
	cx, cy := float64(b.Min.X)+float64(b.Dx())/2, float64(b.Min.Y)+float64(b.Dy())/2
	for v := -diag / 2; v <= diag/2; v += stepY {
		// Alternate bands are shifted by half a label, like a brick wall.
		shift := math.Mod(v/stepY, 2) * stepX / 2
		for u := -diag/2 - shift; u <= diag/2; u += stepX {
			// Centre of this stamp in page coordinates.
			px := cx + u*cos - v*sin
			py := cy + u*sin + v*cos
			// stamp (sx, sy) -> page: rotate about the stamp's centre.
			tx := px - (cos*sw/2 - sin*sh/2)
			ty := py - (sin*sw/2 + cos*sh/2)
			xdraw.BiLinear.Transform(img, f64.Aff3{cos, -sin, tx, sin, cos, ty}, stamp, stamp.Rect, xdraw.Over, nil)
		}
	}
	return nil
}
