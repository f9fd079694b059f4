package qr

import (
	"bytes"
	"image"
	"image/jpeg"
	"runtime"
	"strings"
	"testing"
)

// A picture of a few hundred bytes whose header claims 6000x6000 pixels
// made the JPEG decoder allocate about 100 MB (issue 10: bound every size
// by what the input can hold before allocating).
func TestPictureClaimingTooManyPixelsRefused(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	// Rewrite the frame header's height and width (SOF0: FF C0, length,
	// precision, then height and width, big-endian).
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0")
	}
	data[i+5], data[i+6], data[i+7], data[i+8] = 6000>>8, 6000&0xff, 6000>>8, 6000&0xff
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := DecodeBytes(data)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "claims") {
		t.Errorf("a %d-byte picture claiming 6000x6000 pixels gave %v", len(data), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("decoding it allocated %d bytes", n)
	}
}
