package camera

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

func TestYUYV(t *testing.T) {
	// 4x2 frame with a stride of 12 (4 bytes of padding per line).
	data := []byte{
		10, 100, 20, 200, 30, 101, 40, 201, 0, 0, 0, 0,
		50, 102, 60, 202, 70, 103, 80, 203, 0, 0, 0, 0,
	}
	img, err := YUYVToYCbCr(data, 4, 2, 12)
	if err != nil {
		t.Fatal(err)
	}
	wantY := [][]uint8{{10, 20, 30, 40}, {50, 60, 70, 80}}
	for y := 0; y < 2; y++ {
		for x := 0; x < 4; x++ {
			c := img.YCbCrAt(x, y)
			wcb, wcr := uint8(100+2*y+x/2), uint8(200+2*y+x/2)
			if c.Y != wantY[y][x] || c.Cb != wcb || c.Cr != wcr {
				t.Fatalf("(%d,%d) = %v, want Y%d Cb%d Cr%d", x, y, c, wantY[y][x], wcb, wcr)
			}
		}
	}
	if _, err := YUYVToYCbCr(data[:19], 4, 2, 12); err == nil {
		t.Fatal("short frame accepted")
	}
	if _, err := YUYVToYCbCr(data, 3, 2, 0); err == nil {
		t.Fatal("odd width accepted")
	}
	img2, err := Convert(Format{PixelFormat: YUYV, Width: 4, Height: 2, BytesPerLine: 12}, data)
	if err != nil || img2.Bounds().Dx() != 4 {
		t.Fatal(err)
	}
}

func TestGrey(t *testing.T) {
	data := []byte{1, 2, 3, 9, 4, 5, 6, 9}
	img, err := GreyToGray(data, 3, 2, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img.Pix, []byte{1, 2, 3, 4, 5, 6}) {
		t.Fatal(img.Pix)
	}
	if _, err := GreyToGray(data[:5], 3, 2, 4); err == nil {
		t.Fatal("short frame accepted")
	}
}

// stripDHT removes every DHT segment, as webcams' MJPEG frames lack them.
func stripDHT(t *testing.T, j []byte) []byte {
	t.Helper()
	out := append([]byte(nil), j[:2]...)
	i := 2
	for i < len(j) {
		m := j[i+1]
		if m == 0xda {
			return append(out, j[i:]...)
		}
		n := int(j[i+2])<<8 | int(j[i+3])
		if m != 0xc4 {
			out = append(out, j[i:i+2+n]...)
		}
		i += 2 + n
	}
	t.Fatal("no SOS")
	return nil
}

func testPicture() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(4 * x), uint8(5 * y), uint8(x * y), 255})
		}
	}
	return img
}

// Go's JPEG encoder uses the standard tables of T.81 Annex K.3: a frame
// stripped of them decodes, after our insertion, exactly like the original.
func TestMJPEGWithoutHuffmanTables(t *testing.T) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testPicture(), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	bare := stripDHT(t, full)
	if bytes.Contains(bare, []byte{0xff, 0xc4}) {
		t.Fatal("DHT not stripped")
	}
	if _, err := jpeg.Decode(bytes.NewReader(bare)); err == nil {
		t.Fatal("Go decoded a frame without Huffman tables: the test proves nothing")
	}
	want, err := jpeg.Decode(bytes.NewReader(full))
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range [][]byte{bare, full} {
		got, err := Convert(Format{PixelFormat: MJPEG, Width: 64, Height: 48}, data)
		if err != nil {
			t.Fatal(err)
		}
		g, w := got.(*image.YCbCr), want.(*image.YCbCr)
		if !bytes.Equal(g.Y, w.Y) || !bytes.Equal(g.Cb, w.Cb) || !bytes.Equal(g.Cr, w.Cr) {
			t.Fatal("MJPEG decode differs from the original")
		}
	}
	// The inserted segment is byte for byte the one Go's encoder writes.
	i := bytes.Index(full, []byte{0xff, 0xc4})
	n := int(full[i+2])<<8 | int(full[i+3])
	if !bytes.Equal(full[i:i+2+n], standardDHT) {
		t.Fatal("standard DHT differs from Go's encoder tables")
	}
}

func TestMJPEGDamaged(t *testing.T) {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, testPicture(), nil)
	bare := stripDHT(t, buf.Bytes())
	for _, bad := range [][]byte{nil, []byte("hello"), bare[:10], {0xff, 0xd8, 0xff, 0xd9}, {0xff, 0xd8, 0x00, 0x00, 0x00}} {
		if _, err := DecodeMJPEG(bad); err == nil {
			t.Fatalf("%x accepted", bad)
		}
	}
}

func TestPixelFormat(t *testing.T) {
	if YUYV.String() != "YUYV" || MJPEG.String() != "MJPG" || PixelFormat(1).String() != "0x00000001" {
		t.Fatal(YUYV, MJPEG)
	}
	if !YUYV.Supported() || fourcc('N', 'V', '1', '2').Supported() {
		t.Fatal("supported")
	}
	if _, err := Convert(Format{PixelFormat: fourcc('N', 'V', '1', '2')}, nil); err == nil {
		t.Fatal("NV12 accepted")
	}
}

func FuzzDecodeMJPEG(f *testing.F) {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 16)), nil)
	f.Add(buf.Bytes())
	f.Add([]byte{0xff, 0xd8, 0xff, 0xda, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = DecodeMJPEG(data)
	})
}

func FuzzYUYV(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 0)
	f.Fuzz(func(t *testing.T, data []byte, w, h, stride int) {
		_, _ = YUYVToYCbCr(data, w, h, stride)
	})
}
