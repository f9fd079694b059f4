//go:build ignore

// gen_icon draws assets/icon.png: a ballot box with a ballot going in and a
// key on its front. Run from the repository root: go run assets/gen_icon.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

type shape struct {
	in  func(x, y float64) bool
	col func(x, y float64) color.NRGBA
}

func solid(c color.NRGBA) func(x, y float64) color.NRGBA {
	return func(float64, float64) color.NRGBA { return c }
}

func rgb(r, g, b uint8) color.NRGBA { return color.NRGBA{r, g, b, 255} }

func roundRect(x0, y0, x1, y1, r float64) func(x, y float64) bool {
	return func(x, y float64) bool {
		if x < x0 || x > x1 || y < y0 || y > y1 {
			return false
		}
		cx := math.Max(x0+r, math.Min(x, x1-r))
		cy := math.Max(y0+r, math.Min(y, y1-r))
		return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r
	}
}

func rect(x0, y0, x1, y1 float64) func(x, y float64) bool { return roundRect(x0, y0, x1, y1, 0) }

func circle(cx, cy, r float64) func(x, y float64) bool {
	return func(x, y float64) bool { return (x-cx)*(x-cx)+(y-cy)*(y-cy) <= r*r }
}

// segment is a thick line with round caps.
func segment(ax, ay, bx, by, w float64) func(x, y float64) bool {
	return func(x, y float64) bool {
		dx, dy := bx-ax, by-ay
		t := ((x-ax)*dx + (y-ay)*dy) / (dx*dx + dy*dy)
		t = math.Max(0, math.Min(1, t))
		px, py := ax+t*dx-x, ay+t*dy-y
		return px*px+py*py <= w*w/4
	}
}

func main() {
	bgTop, bgBottom := rgb(0x2d, 0x52, 0x98), rgb(0x14, 0x27, 0x55)
	paper, ink := rgb(0xff, 0xff, 0xff), rgb(0x1f, 0x5f, 0xd0)
	boxFront, boxLid, slot := rgb(0xee, 0xf2, 0xf8), rgb(0xcf, 0xd9, 0xe8), rgb(0x0f, 0x1c, 0x3d)
	gold, goldDark := rgb(0xf5, 0xb7, 0x2a), rgb(0xc9, 0x8a, 0x10)

	shapes := []shape{
		{roundRect(16, 16, 496, 496, 100), func(_, y float64) color.NRGBA {
			t := (y - 16) / 480
			mix := func(a, b uint8) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }
			return rgb(mix(bgTop.R, bgBottom.R), mix(bgTop.G, bgBottom.G), mix(bgTop.B, bgBottom.B))
		}},
		// box lid with its slot
		{roundRect(92, 214, 420, 266, 14), solid(boxLid)},
		{roundRect(170, 230, 342, 248, 8), solid(slot)},
		// ballot paper entering the slot
		{roundRect(186, 70, 326, 239, 10), solid(paper)},
		{segment(222, 160, 250, 190, 18), solid(ink)},
		{segment(250, 190, 296, 116, 18), solid(ink)},
		// box body
		{roundRect(112, 262, 400, 446, 20), solid(boxFront)},
		{rect(112, 262, 400, 272), solid(boxLid)},
		// key on the front: bow, hole, shaft, teeth
		{circle(196, 356, 46), solid(gold)},
		{circle(196, 356, 19), solid(boxFront)},
		{roundRect(230, 344, 352, 368, 6), solid(gold)},
		{rect(300, 366, 316, 396), solid(goldDark)},
		{rect(328, 366, 346, 406), solid(goldDark)},
	}

	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	const ss = 4 // supersampling per axis
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					x := float64(px) + (float64(sx)+0.5)/ss
					y := float64(py) + (float64(sy)+0.5)/ss
					for i := len(shapes) - 1; i >= 0; i-- {
						if shapes[i].in(x, y) {
							c := shapes[i].col(x, y)
							r += float64(c.R)
							g += float64(c.G)
							b += float64(c.B)
							a += 255
							break
						}
					}
				}
			}
			n := float64(ss * ss)
			if a == 0 {
				continue
			}
			cov := a / 255 // samples covered
			img.SetNRGBA(px, py, color.NRGBA{
				R: uint8(r/cov + 0.5), G: uint8(g/cov + 0.5), B: uint8(b/cov + 0.5),
				A: uint8(a/n + 0.5),
			})
		}
	}
	f, err := os.Create("assets/icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
