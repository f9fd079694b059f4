package qr

import (
	"bytes"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"conclave/app/transfer/ur"
)

// testTexts are the frames of a few messages at several densities and levels.
func testTexts(t testing.TB) []struct {
	text  string
	level ECLevel
} {
	var out []struct {
		text  string
		level ECLevel
	}
	for i, c := range []struct {
		size int
		o    Options
	}{
		{40, Options{}},
		{150, Options{Level: H}},
		{3000, Options{}}, // the defaults (DefaultBytesPerFrame, DefaultLevel)
		{3000, Sturdy},
		{6000, Fast},
		{3000, Options{BytesPerFrame: 100, Level: M}},
		{5000, Options{BytesPerFrame: 300, Level: Q}},
		{9000, Options{BytesPerFrame: 600, Level: L, Parts: 3}},
		{20000, Options{BytesPerFrame: 1000, Level: L, Parts: 2}},
	} {
		frames, err := Frames(randBytes(uint64(i), c.size), c.o)
		if err != nil {
			t.Fatal(err)
		}
		if len(frames) > 4 {
			frames = append(frames[:2], frames[len(frames)-2:]...)
		}
		for _, f := range frames {
			out = append(out, struct {
				text  string
				level ECLevel
			}{f, c.o.Level})
		}
	}
	return out
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	b, err := PNG(img)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Every frame we render decodes with zbarimg to exactly the text put in.
func TestRenderReadByZbarimg(t *testing.T) {
	zbar := needTool(t, "zbarimg")
	dir := t.TempDir()
	for i, tc := range testTexts(t) {
		c, err := Encode(tc.text, tc.level)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Alphanumeric {
			t.Fatalf("frame %q not in alphanumeric mode", tc.text)
		}
		for _, px := range []int{2, 4} {
			img, err := c.Image(px)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "f.png")
			writePNG(t, path, img)
			out, err := exec.Command(zbar, "--raw", "-q", path).Output()
			if err != nil {
				t.Fatalf("frame %d (%d chars, v%d, %s, %d px): zbarimg: %v", i, len(tc.text), c.Version, tc.level, px, err)
			}
			if got := strings.TrimSuffix(string(out), "\n"); got != tc.text {
				t.Fatalf("frame %d: zbarimg read\n%q\nwant\n%q", i, got, tc.text)
			}
		}
	}
}

// Codes made by qrencode from our texts decode with our reader.
func TestQrencodeReadByUs(t *testing.T) {
	qrencode := needTool(t, "qrencode")
	dir := t.TempDir()
	for i, tc := range testTexts(t) {
		path := filepath.Join(dir, "q.png")
		for _, px := range []string{"3", "6"} {
			cmd := exec.Command(qrencode, "-o", path, "-l", tc.level.String(), "-s", px, "-m", "4", tc.text)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("qrencode: %v %s", err, out)
			}
			got, err := DecodeFile(path)
			if err != nil {
				t.Fatalf("frame %d (%d chars, %s px): %v", i, len(tc.text), px, err)
			}
			if got != tc.text {
				t.Fatalf("frame %d: read %q want %q", i, got, tc.text)
			}
		}
	}
}

func TestRenderDecodeRoundTrip(t *testing.T) {
	for _, tc := range testTexts(t) {
		img, err := Render(tc.text, tc.level, 3)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(img)
		if err != nil || got != tc.text {
			t.Fatalf("%v", err)
		}
		b := img.Bounds()
		if b.Dx() != b.Dy() || b.Dx()%3 != 0 {
			t.Fatalf("bounds %v", b)
		}
	}
	// The quiet zone is white.
	img, _ := Render("UR:CONCLAVE/AEAE", L, 5)
	p := img.(*image.Paletted)
	for i := 0; i < QuietZone*5; i++ {
		if p.ColorIndexAt(i, i) != 0 || p.ColorIndexAt(p.Rect.Dx()-1-i, i) != 0 {
			t.Fatal("quiet zone not white")
		}
	}
}

// A 50 KB random message goes through images (render, then our reader) with
// the frames shuffled and 20% of them dropped.
func TestFiftyKBThroughImages(t *testing.T) {
	msg := randBytes(50, 50*1024)
	e, err := NewEncoder(msg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	frames := make([]string, 2*e.SeqLen())
	for i := range frames {
		frames[i] = e.NextPart()
	}
	r := rand.New(rand.NewPCG(5, 5))
	r.Shuffle(len(frames), func(i, j int) { frames[i], frames[j] = frames[j], frames[i] })
	frames = frames[:len(frames)*8/10]
	d := ur.NewDecoder()
	n := 0
	for _, f := range frames {
		img, err := Render(f, DefaultLevel, 2)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(img)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Receive(got); err != nil {
			t.Fatal(err)
		}
		n++
		if d.Done() {
			break
		}
	}
	_, got, err := d.Result()
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatal(err)
	}
	t.Logf("seqLen %d: rebuilt from %d shuffled frames (of %d kept)", e.SeqLen(), n, len(frames))
}

func TestFramesOptions(t *testing.T) {
	f, err := Frames([]byte("small"), Options{})
	if err != nil || len(f) != 1 || !strings.HasPrefix(f[0], "UR:CONCLAVE/") || strings.Count(f[0], "/") != 1 {
		t.Fatalf("%v %v", f, err)
	}
	msg := randBytes(1, 1000)
	f, err = Frames(msg, Options{BytesPerFrame: 100})
	if err != nil || len(f) != 15 {
		t.Fatalf("%d frames, %v", len(f), err)
	}
	f, err = Frames(msg, Options{BytesPerFrame: 100, Parts: 12})
	if err != nil || len(f) != 12 {
		t.Fatalf("%d frames, %v", len(f), err)
	}
	for _, o := range []Options{{BytesPerFrame: 5}, {BytesPerFrame: 5000}, {Level: 9}, {FPS: -1}, {Parts: -1}} {
		if _, err := Frames(msg, o); err == nil || !strings.HasPrefix(err.Error(), "qr: ") {
			t.Errorf("%+v: %v", o, err)
		}
	}
	if _, err := Frames(nil, Options{}); err == nil {
		t.Error("empty message accepted")
	}
	if got := (Options{}).Interval(); got != time.Second/6 {
		t.Errorf("default interval %v, want 1/6 s", got)
	}
	for _, s := range []string{"l", "M", " q ", "H"} {
		if _, err := ParseECLevel(s); err != nil {
			t.Error(err)
		}
	}
	if _, err := ParseECLevel("X"); err == nil {
		t.Error("X accepted")
	}
}

func TestDecodeRefusals(t *testing.T) {
	blank := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range blank.Pix {
		blank.Pix[i] = 255
	}
	if _, err := Decode(blank); err == nil || !strings.HasPrefix(err.Error(), "qr: no readable qr code") {
		t.Fatal(err)
	}
	if _, err := Decode(image.NewGray(image.Rect(0, 0, 0, 0))); err == nil {
		t.Fatal("empty image")
	}
	if _, err := DecodeBytes([]byte("not a picture")); err == nil || !strings.HasPrefix(err.Error(), "qr: not a readable picture") {
		t.Fatal(err)
	}
	if _, err := Encode(strings.Repeat("A", 5000), H); err == nil {
		t.Fatal("oversized text encoded")
	}
}

func TestLuminanceTypes(t *testing.T) {
	img, _ := Render("UR:CONCLAVE/AEAEAEAE", M, 4)
	p := img.(*image.Paletted)
	b := p.Bounds()
	rgba := image.NewRGBA(b)
	nrgba := image.NewNRGBA(b)
	gray := image.NewGray(b)
	ycc := image.NewYCbCr(b, image.YCbCrSubsampleRatio420)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := p.At(x, y)
			rgba.Set(x, y, c)
			nrgba.Set(x, y, c)
			gray.Set(x, y, c)
			v := uint8(255)
			if p.ColorIndexAt(x, y) == 1 {
				v = 0
			}
			ycc.Y[ycc.YOffset(x, y)] = v
		}
	}
	want := Luminance(p)
	for _, m := range []image.Image{rgba, nrgba, gray, ycc, image.Image(struct{ image.Image }{p})} {
		if !bytes.Equal(Luminance(m), want) {
			t.Fatalf("%T luminance differs", m)
		}
		if got, err := Decode(m); err != nil || got != "UR:CONCLAVE/AEAEAEAE" {
			t.Fatalf("%T: %v", m, err)
		}
	}
	// A sub-image.
	sub := gray.SubImage(image.Rect(2, 2, b.Dx()-2, b.Dy()-2))
	if got, err := Decode(sub); err != nil || got != "UR:CONCLAVE/AEAEAEAE" {
		t.Fatalf("sub-image: %v", err)
	}
}

func BenchmarkRender(b *testing.B) {
	f, _ := Frames(randBytes(1, 20000), Options{Parts: 1})
	b.ReportAllocs()
	for b.Loop() {
		img, err := Render(f[0], DefaultLevel, 4)
		if err != nil || img == nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderPNG(b *testing.B) {
	f, _ := Frames(randBytes(1, 20000), Options{Parts: 1})
	for b.Loop() {
		img, _ := Render(f[0], DefaultLevel, 4)
		if _, err := PNG(img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeClean(b *testing.B) {
	f, _ := Frames(randBytes(1, 20000), Options{Parts: 1})
	img, _ := Render(f[0], DefaultLevel, 4)
	for b.Loop() {
		if _, err := Decode(img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeWebcamFrame(b *testing.B) {
	f, _ := Frames(randBytes(1, 20000), Options{Parts: 1})
	c, _ := Encode(f[0], DefaultLevel)
	img := laptopWebcam.shoot(c, rand.New(rand.NewPCG(1, 1)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := DecodeGray(img.Pix, img.Rect.Dx(), img.Rect.Dy()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeNoCode(b *testing.B) {
	img := image.NewGray(image.Rect(0, 0, 640, 480))
	r := rand.New(rand.NewPCG(1, 1))
	for i := range img.Pix {
		img.Pix[i] = uint8(100 + r.IntN(60))
	}
	for b.Loop() {
		_, _ = DecodeGray(img.Pix, 640, 480)
	}
}
