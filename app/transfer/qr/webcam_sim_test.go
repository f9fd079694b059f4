package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"math/rand/v2"

	"conclave/app/transfer/ur"
)

// webcam describes how a simulated webcam sees a code shown on a screen.
type webcam struct {
	W, H     int     // frame size in pixels
	Fill     float64 // side of the code with its quiet zone, as a share of the frame height
	MaxTilt  float64 // largest rotation, degrees
	Blur     float64 // Gaussian blur sigma, pixels
	Noise    float64 // Gaussian noise sigma, grey levels
	Black    float64 // grey level of a dark module
	White    float64 // grey level of a light module
	Vignette float64 // brightness loss at the corners, share of White
	JPEG     int     // JPEG quality of the MJPEG stream (0: raw YUYV)
	// Timing: the camera delivers Rate pictures a second; its rolling
	// shutter reads the rows top to bottom in Readout seconds, each row
	// integrating the light of Exposure seconds, so that a picture taken
	// while the screen changes frame holds a blend of two codes.
	Rate, Readout, Exposure float64
}

// laptopWebcam is a typical 640x480 laptop camera looking at a phone or
// laptop screen held at arm's length: the code fills 60% of the frame height.
var laptopWebcam = webcam{W: 640, H: 480, Fill: 0.60, MaxTilt: 4, Blur: 1.0, Noise: 6, Black: 45, White: 200, Vignette: 0.25, JPEG: 75,
	Rate: 30, Readout: 0.025, Exposure: 0.010}

// scene renders code as the lens and sensor see it, before noise: placed
// off-centre, rotated, sampled with 3x3 supersampling, blurred and unevenly
// lit. It returns grey levels as floats.
func (c webcam) scene(code *Code, r *rand.Rand) []float64 {
	n := len(code.Modules) + 2*QuietZone
	scale := c.Fill * float64(c.H) / float64(n) // pixels per module
	theta := (r.Float64()*2 - 1) * c.MaxTilt * math.Pi / 180
	cos, sin := math.Cos(theta)/scale, math.Sin(theta)/scale
	cx := float64(c.W)/2 + (r.Float64()*2-1)*0.05*float64(c.W)
	cy := float64(c.H)/2 + (r.Float64()*2-1)*0.05*float64(c.H)
	half := float64(n)/2 - QuietZone
	size := len(code.Modules)
	f := make([]float64, c.W*c.H)
	for v := 0; v < c.H; v++ {
		for u := 0; u < c.W; u++ {
			s := 0
			for j := 0; j < 3; j++ {
				dy := float64(v) + (float64(j)+0.5)/3 - cy
				for i := 0; i < 3; i++ {
					dx := float64(u) + (float64(i)+0.5)/3 - cx
					mx := cos*dx + sin*dy + half
					my := -sin*dx + cos*dy + half
					if mx >= 0 && my >= 0 {
						x, y := int(mx), int(my)
						if y < size && x < size && code.Modules[y][x] {
							s++
						}
					}
				}
			}
			f[v*c.W+u] = float64(s) / 9
		}
	}
	f = gaussBlur(f, c.W, c.H, c.Blur)
	diag := math.Hypot(float64(c.W)/2, float64(c.H)/2)
	for v := 0; v < c.H; v++ {
		for u := 0; u < c.W; u++ {
			d := math.Hypot(float64(u)-float64(c.W)/2, float64(v)-float64(c.H)/2) / diag
			f[v*c.W+u] = (c.White - (c.White-c.Black)*f[v*c.W+u]) * (1 - c.Vignette*d*d)
		}
	}
	return f
}

// capture adds sensor noise to a scene and passes it through the camera's
// JPEG compression, giving the luminance plane a V4L2 reader would see.
func (c webcam) capture(scene []float64, r *rand.Rand) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, c.W, c.H))
	for i, val := range scene {
		val += r.NormFloat64() * c.Noise
		img.Pix[i] = uint8(math.Max(0, math.Min(255, math.Round(val))))
	}
	if c.JPEG > 0 {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: c.JPEG}); err != nil {
			panic(err)
		}
		m, err := jpeg.Decode(&buf)
		if err != nil {
			panic(err)
		}
		g := image.NewGray(m.Bounds())
		copy(g.Pix, Luminance(m))
		img = g
	}
	return img
}

// shoot is scene then capture.
func (c webcam) shoot(code *Code, r *rand.Rand) *image.Gray {
	return c.capture(c.scene(code, r), r)
}

func gaussBlur(f []float64, w, h int, sigma float64) []float64 {
	if sigma <= 0 {
		return f
	}
	rad := int(math.Ceil(3 * sigma))
	k := make([]float64, 2*rad+1)
	sum := 0.0
	for i := range k {
		x := float64(i - rad)
		k[i] = math.Exp(-x * x / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float64, len(f))
	out := make([]float64, len(f))
	clamp := func(v, hi int) int {
		if v < 0 {
			return 0
		}
		if v >= hi {
			return hi - 1
		}
		return v
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s := 0.0
			for i, kv := range k {
				s += kv * f[y*w+clamp(x+i-rad, w)]
			}
			tmp[y*w+x] = s
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			s := 0.0
			for i, kv := range k {
				s += kv * tmp[clamp(y+i-rad, h)*w+x]
			}
			out[y*w+x] = s
		}
	}
	return out
}

// poorWebcam is a worse case: the code is smaller in the frame, the focus
// softer, the sensor noisier and the stream more compressed.
var poorWebcam = webcam{W: 640, H: 480, Fill: 0.45, MaxTilt: 6, Blur: 1.4, Noise: 9, Black: 55, White: 185, Vignette: 0.35, JPEG: 60,
	Rate: 30, Readout: 0.030, Exposure: 0.030}

type loopResult struct {
	Seconds     float64 // frames shown until the message was complete, over the frame rate
	Shown       int     // frames shown by the sender until then
	SeqLen      int     // fragments of the message
	Captures    int     // camera pictures the reader tried to decode
	Decoded     int     // pictures that gave a UR part
	Distinct    int     // different parts among them (the others were repeats)
	Mixed       int     // pictures taken while the screen changed frame
	Missed      int     // frames shown that no decoded picture came from
	BytesPerSec float64 // the message's bytes over Seconds: the effective rate
	Done        bool
}

// Costs of one decode attempt on this machine (docs/transfer.md §3.1): a
// picture that reads takes about 3 ms, one that does not about 44 ms (every
// fallback is tried), so after a failure the reader skips the next picture.
const (
	readCost = 0.003
	failCost = 0.044
)

// simulateLoop shows the frames of msg at opts.FPS (looping the encoder as
// the GUI does) to cam, and feeds the parts it reads to a UR decoder, as
// the scanning window does, until the message is complete or maxSeconds of
// showing have passed. The clock is simulated, not measured, so the result
// depends only on the seed: the camera takes a picture every 1/cam.Rate s
// with a rolling shutter (rows read over cam.Readout, each exposed for
// cam.Exposure, blending the frames shown meanwhile); the reader decodes a
// picture, and takes the next one once the decoding cost (readCost or
// failCost) has passed. The effective rate counts every frame shown, those
// missed and the redundant ones: bytes over (frames shown / FPS).
func simulateLoop(cam webcam, msg []byte, opts Options, seed uint64, maxSeconds float64) (loopResult, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return loopResult{}, err
	}
	r := rand.New(rand.NewPCG(seed, 42))
	enc, err := NewEncoder(msg, o)
	if err != nil {
		return loopResult{}, err
	}
	dec := ur.NewDecoder()
	var res loopResult
	res.SeqLen = enc.SeqLen()
	var texts []string
	scenes := map[int][]float64{}
	read := map[int]bool{}    // frames some picture was read from
	seen := map[string]bool{} // parts received
	sceneOf := func(i int) ([]float64, error) {
		for len(texts) <= i {
			texts = append(texts, enc.NextPart())
		}
		if sc, ok := scenes[i]; ok {
			return sc, nil
		}
		c, err := Encode(texts[i], o.Level)
		if err != nil {
			return nil, err
		}
		sc := cam.scene(c, r)
		scenes[i] = sc
		for k := range scenes {
			if k < i-2 {
				delete(scenes, k)
			}
		}
		return sc, nil
	}
	frameAt := func(t float64) int { return int(math.Floor(t*o.FPS + 1e-9)) }
	last := 0.0
	for k := 0; ; {
		t := float64(k) / cam.Rate // the shutter opens on the first row
		if t >= maxSeconds {
			break
		}
		plane := make([]float64, cam.W*cam.H)
		mixed := false
		for v := 0; v < cam.H; v++ {
			t0 := t + float64(v)/float64(cam.H)*cam.Readout
			t1 := t0 + cam.Exposure
			i0, i1 := frameAt(t0), frameAt(t1)
			row := plane[v*cam.W : (v+1)*cam.W]
			for i := i0; i <= i1; i++ {
				// The share of this row's exposure during which frame i was shown.
				a := math.Max(t0, float64(i)/o.FPS)
				b := math.Min(t1, float64(i+1)/o.FPS)
				wgt := 1.0
				if t1 > t0 {
					wgt = (b - a) / (t1 - t0)
				}
				if wgt <= 0 {
					continue
				}
				if i != i0 {
					mixed = true
				}
				sc, err := sceneOf(i)
				if err != nil {
					return res, err
				}
				for u, val := range sc[v*cam.W : (v+1)*cam.W] {
					row[u] += wgt * val
				}
			}
		}
		img := cam.capture(plane, r)
		res.Captures++
		if mixed {
			res.Mixed++
		}
		last = t + cam.Readout + cam.Exposure
		got, err := DecodeGray(img.Pix, cam.W, cam.H)
		cost := failCost
		if err == nil {
			cost = readCost
			res.Decoded++
			for i := frameAt(t); i <= frameAt(last); i++ {
				if i < len(texts) && texts[i] == got {
					read[i] = true
				}
			}
			if !seen[got] {
				seen[got] = true
				res.Distinct++
			}
			if err := dec.Receive(got); err != nil {
				return res, fmt.Errorf("decoded %q, refused: %v", got, err)
			}
			if dec.Done() {
				res.Done = true
				break
			}
		}
		// The next picture delivered after the decoding is over.
		k = int(math.Ceil((last+cost)*cam.Rate - 1e-9))
		if k <= int(math.Round(t*cam.Rate)) {
			k = int(math.Round(t*cam.Rate)) + 1
		}
	}
	res.Shown = frameAt(last) + 1
	res.Seconds = float64(res.Shown) / o.FPS
	for i := 0; i < res.Shown; i++ {
		if !read[i] {
			res.Missed++
		}
	}
	if res.Done {
		if _, got, err := dec.Result(); err != nil || !bytes.Equal(got, msg) {
			return res, fmt.Errorf("wrong result: %v", err)
		}
		res.BytesPerSec = float64(len(msg)) / res.Seconds
	}
	return res, nil
}
