//go:build ignore

// Command gen draws assets/icons/icon.png, the eCabinet application icon: a
// deep-blue rounded square with a white document and a gold seal bearing a
// check mark. Run it from the repository root:
//
//	go run assets/icons/gen/main.go
//
// It uses only the standard library, with 4×4 supersampling for smooth edges.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size = 512
	ss   = 4 // subsamples per axis
)

// shape reports whether the point (x, y), in icon pixels, is inside.
type shape func(x, y float64) bool

func roundedRect(x0, y0, x1, y1, r float64) shape {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

func circle(cx, cy, r float64) shape {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

// segment is a thick line with round caps.
func segment(ax, ay, bx, by, w float64) shape {
	return func(x, y float64) bool {
		dx, dy := bx-ax, by-ay
		t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
		t = math.Max(0, math.Min(1, t))
		px, py := ax+t*dx-x, ay+t*dy-y
		return px*px+py*py <= w*w/4
	}
}

func union(s ...shape) shape {
	return func(x, y float64) bool {
		for _, f := range s {
			if f(x, y) {
				return true
			}
		}
		return false
	}
}

func minus(a, b shape) shape { return func(x, y float64) bool { return a(x, y) && !b(x, y) } }

type layer struct {
	s   shape
	col func(x, y float64) color.NRGBA
}

func solid(c color.NRGBA) func(x, y float64) color.NRGBA {
	return func(float64, float64) color.NRGBA { return c }
}

func main() {
	blueTop := color.NRGBA{0x26, 0x5C, 0xA3, 0xFF}
	blueBottom := color.NRGBA{0x15, 0x3A, 0x6B, 0xFF}
	ink := color.NRGBA{0x1F, 0x4E, 0x8C, 0xFF}
	white := color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	fold := color.NRGBA{0xC6, 0xD4, 0xE8, 0xFF}
	gold := color.NRGBA{0xE2, 0xB0, 0x3C, 0xFF}

	bg := roundedRect(8, 8, 504, 504, 108)
	gradient := func(_, y float64) color.NRGBA {
		t := y / size
		mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
		return color.NRGBA{mix(blueTop.R, blueBottom.R), mix(blueTop.G, blueBottom.G), mix(blueTop.B, blueBottom.B), 0xFF}
	}
	// The document, its top-right corner folded.
	const dx0, dy0, dx1, dy1, f = 146.0, 92.0, 366.0, 420.0, 70.0
	// cut is the corner beyond the fold line, from (dx1-f, dy0) to (dx1, dy0+f).
	cut := func(x, y float64) bool { return x > dx1-f && y < dy0+f && (x-(dx1-f)) > (y-dy0) }
	doc := minus(roundedRect(dx0, dy0, dx1, dy1, 20), cut)
	// The folded flap: the triangle under the fold line, inside the corner.
	foldTri := func(x, y float64) bool { return x >= dx1-f && y >= dy0 && y <= dy0+f && (x-(dx1-f)) <= (y-dy0) }
	lines := union(
		roundedRect(182, 186, 330, 204, 9),
		roundedRect(182, 232, 330, 250, 9),
		roundedRect(182, 278, 300, 296, 9),
		roundedRect(182, 324, 250, 342, 9),
	)
	sealOuter := circle(344, 378, 70)
	seal := circle(344, 378, 60)
	check := union(segment(314, 380, 336, 402, 16), segment(336, 402, 376, 356, 16))

	layers := []layer{
		{bg, gradient},
		{doc, solid(white)},
		{foldTri, solid(fold)},
		{lines, solid(ink)},
		{sealOuter, gradient},
		{seal, solid(gold)},
		{check, solid(white)},
	}

	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := float64(px) + (float64(sx)+0.5)/ss
					y := float64(py) + (float64(sy)+0.5)/ss
					var c color.NRGBA
					for _, l := range layers {
						if l.s(x, y) {
							c = l.col(x, y)
						}
					}
					fa := float64(c.A) / 255
					r += float64(c.R) * fa
					g += float64(c.G) * fa
					b += float64(c.B) * fa
					a += fa
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(r/a + 0.5), G: uint8(g/a + 0.5), B: uint8(b/a + 0.5),
				A: uint8(a/(ss*ss)*255 + 0.5),
			})
		}
	}
	out, err := os.Create("assets/icons/icon.png")
	if err != nil {
		log.Fatal(err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(out, img); err != nil {
		log.Fatal(err)
	}
	if err := out.Close(); err != nil {
		log.Fatal(err)
	}
}
