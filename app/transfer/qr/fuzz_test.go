package qr

import (
	"bytes"
	"image"
	"image/jpeg"
	"strings"
	"testing"
)

// FuzzDecodeBytes: arbitrary bytes given as a picture never panic the
// reader; refusals start with "qr: ".
func FuzzDecodeBytes(f *testing.F) {
	for _, s := range []string{"UR:CONCLAVE/AEAEAEAEAE", "hello"} {
		img, err := Render(s, L, 1)
		if err != nil {
			f.Fatal(err)
		}
		b, _ := PNG(img)
		f.Add(b)
		var j bytes.Buffer
		_ = jpeg.Encode(&j, img, &jpeg.Options{Quality: 90})
		f.Add(j.Bytes())
	}
	f.Add([]byte("GIF89a"))
	f.Add([]byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
	f.Fuzz(func(t *testing.T, data []byte) {
		// Keep each run quick: the size bound itself is tested elsewhere.
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			return
		}
		text, err := DecodeBytes(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "qr: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		_ = text
	})
}
