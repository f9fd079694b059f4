// Package qr renders texts (UR parts) as QR codes and reads them back from
// images, and cuts a message into the animated sequence of frames that
// carries it from one air-gapped machine to another.
//
// It draws codes with github.com/skip2/go-qrcode and reads them with
// github.com/makiuchi-d/gozxing, a pure-Go port of ZXing.
package qr

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	skip2 "github.com/skip2/go-qrcode"
)

// ECLevel is a QR error-correction level.
type ECLevel int

// The four QR error-correction levels, from the densest to the sturdiest.
const (
	L ECLevel = iota // recovers ~7% of the codewords
	M                // ~15%
	Q                // ~25%
	H                // ~30%
)

func (l ECLevel) String() string {
	switch l {
	case L:
		return "L"
	case M:
		return "M"
	case Q:
		return "Q"
	case H:
		return "H"
	}
	return fmt.Sprintf("ECLevel(%d)", int(l))
}

// ParseECLevel reads "L", "M", "Q" or "H" (any case).
func ParseECLevel(s string) (ECLevel, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "L":
		return L, nil
	case "M":
		return M, nil
	case "Q":
		return Q, nil
	case "H":
		return H, nil
	}
	return 0, fmt.Errorf("qr: unknown error-correction level %q: use L, M, Q or H", s)
}

func (l ECLevel) zxing() (decoder.ErrorCorrectionLevel, error) {
	switch l {
	case L:
		return decoder.ErrorCorrectionLevel_L, nil
	case M:
		return decoder.ErrorCorrectionLevel_M, nil
	case Q:
		return decoder.ErrorCorrectionLevel_Q, nil
	case H:
		return decoder.ErrorCorrectionLevel_H, nil
	}
	return 0, fmt.Errorf("qr: unknown error-correction level %d: use L, M, Q or H", int(l))
}

// QuietZone is the white border around every code, in modules (the QR
// standard asks for 4).
const QuietZone = 4

// Code is an encoded QR symbol before it is drawn.
type Code struct {
	// Modules holds the symbol row by row, true for dark, without quiet zone.
	Modules [][]bool
	// Version is the QR version (1 to 40); the side is 17+4*Version modules.
	Version int
	// Alphanumeric reports whether the text was encoded in alphanumeric mode
	// (upper-case UR text always is).
	Alphanumeric bool
}

// Encode encodes text as a QR symbol at the given level, choosing the
// smallest version that holds it. The symbol is made by
// github.com/skip2/go-qrcode (reading stays with gozxing: two independent
// implementations, and the tests read every rendered frame with zbarimg
// too).
func Encode(text string, level ECLevel) (*Code, error) {
	if text == "" {
		return nil, errors.New("qr: nothing to encode")
	}
	rl, err := level.skip2()
	if err != nil {
		return nil, err
	}
	q, err := encodeSafe(text, rl)
	if err != nil {
		return nil, fmt.Errorf("qr: cannot encode %d characters at level %s: %v; lower the bytes per frame or the error-correction level", len(text), level, err)
	}
	q.DisableBorder = true // the quiet zone is drawn by Image
	return &Code{
		Modules:      q.Bitmap(),
		Version:      q.VersionNumber,
		Alphanumeric: alphanumeric(text),
	}, nil
}

// alphanumeric reports whether every character of text is in the QR
// alphanumeric set, so that the encoder needs no byte mode (upper-case UR
// text always is; runs of digits may use the denser numeric mode).
func alphanumeric(text string) bool {
	for _, r := range text {
		if !strings.ContainsRune("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", r) {
			return false
		}
	}
	return true
}

func (l ECLevel) skip2() (skip2.RecoveryLevel, error) {
	switch l {
	case L:
		return skip2.Low, nil
	case M:
		return skip2.Medium, nil
	case Q:
		return skip2.High, nil
	case H:
		return skip2.Highest, nil
	}
	return 0, fmt.Errorf("qr: unknown error-correction level %d", int(l))
}

func encodeSafe(text string, rl skip2.RecoveryLevel) (q *skip2.QRCode, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("encoder failure: %v", r)
		}
	}()
	return skip2.New(text, rl)
}

var palette = color.Palette{color.Gray{Y: 0xff}, color.Gray{Y: 0}}

// Image draws the code with modulePx pixels per module and the quiet zone, as
// a two-colour paletted image (white is index 0, black index 1).
func (c *Code) Image(modulePx int) (*image.Paletted, error) {
	if modulePx < 1 || modulePx > 64 {
		return nil, fmt.Errorf("qr: module size %d px is out of range: use 1 to 64", modulePx)
	}
	n := len(c.Modules)
	side := (n + 2*QuietZone) * modulePx
	img := image.NewPaletted(image.Rect(0, 0, side, side), palette)
	for y, row := range c.Modules {
		for x, dark := range row {
			if !dark {
				continue
			}
			x0, y0 := (x+QuietZone)*modulePx, (y+QuietZone)*modulePx
			for yy := y0; yy < y0+modulePx; yy++ {
				line := img.Pix[yy*img.Stride+x0 : yy*img.Stride+x0+modulePx]
				for i := range line {
					line[i] = 1
				}
			}
		}
	}
	return img, nil
}

// Render draws text as a QR code at the given level, modulePx pixels per
// module, with a quiet zone of 4 modules. Upper-case UR text is encoded in
// alphanumeric mode.
func Render(text string, level ECLevel, modulePx int) (image.Image, error) {
	c, err := Encode(text, level)
	if err != nil {
		return nil, err
	}
	return c.Image(modulePx)
}

// ErrNoCode is returned (wrapped) by Decode when no QR code could be read.
var ErrNoCode = errors.New("qr: no readable qr code in the image")

// MaxPixels bounds the images Decode accepts (a 8K frame is 33 Mpx).
const MaxPixels = 40_000_000

// Decode finds and reads one QR code in img. It tries ZXing's hybrid
// (local-threshold) binarizer, then its global-histogram binarizer, then an
// inverted image, all in "try harder" mode.
func Decode(img image.Image) (string, error) {
	b := img.Bounds()
	if b.Empty() {
		return "", fmt.Errorf("%w: the image is empty", ErrNoCode)
	}
	if b.Dx() > MaxPixels/b.Dy() {
		return "", fmt.Errorf("qr: the image is too large (%dx%d): use a smaller picture or a crop around the code", b.Dx(), b.Dy())
	}
	lum := Luminance(img)
	return decodeLuminance(lum, b.Dx(), b.Dy())
}

// DecodeGray reads a QR code from an 8-bit luminance plane (row stride w),
// as a camera delivers it: it saves the colour conversion.
func DecodeGray(pix []byte, w, h int) (string, error) {
	if w <= 0 || h <= 0 || len(pix) < w*h {
		return "", fmt.Errorf("%w: the image is empty", ErrNoCode)
	}
	if w > MaxPixels/h {
		return "", fmt.Errorf("qr: the image is too large (%dx%d): use a smaller picture or a crop around the code", w, h)
	}
	return decodeLuminance(pix[:w*h], w, h)
}

var (
	hintsHarder = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	hintsPure   = map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
)

// Decoding strategies, in order: ZXing's hybrid (local-threshold)
// binarizer and its global-histogram one, both "trying harder"; then the
// "pure barcode" reader, which samples an upright, unobstructed code
// directly (it reads large, clean codes where ZXing's detector misplaces the
// alignment pattern); then the image halved, then inverted.
func decodeLuminance(lum []byte, w, h int) (text string, err error) {
	defer func() {
		if r := recover(); r != nil {
			text, err = "", fmt.Errorf("%w (the reader failed: %v)", ErrNoCode, r)
		}
	}()
	src, e := gozxing.NewPlanarYUVLuminanceSource(lum, w, h, 0, 0, w, h, false)
	if e != nil {
		return "", fmt.Errorf("%w: %v", ErrNoCode, e)
	}
	reader := qrcode.NewQRCodeReader()
	var last error
	try := func(bin gozxing.Binarizer, h map[gozxing.DecodeHintType]interface{}) bool {
		bmp, e := gozxing.NewBinaryBitmap(bin)
		if e != nil {
			last = e
			return false
		}
		res, e := reader.Decode(bmp, h)
		reader.Reset()
		if e != nil {
			last = e
			return false
		}
		text = res.GetText()
		return true
	}
	if try(gozxing.NewHybridBinarizer(src), hintsHarder) ||
		try(gozxing.NewGlobalHistgramBinarizer(src), hintsHarder) ||
		try(gozxing.NewHybridBinarizer(src), hintsPure) {
		return text, nil
	}
	if w >= 100 && h >= 100 {
		hw, hh := w/2, h/2
		half := make([]byte, hw*hh)
		for y := 0; y < hh; y++ {
			r0, r1 := lum[2*y*w:], lum[(2*y+1)*w:]
			for x := 0; x < hw; x++ {
				half[y*hw+x] = byte((int(r0[2*x]) + int(r0[2*x+1]) + int(r1[2*x]) + int(r1[2*x+1]) + 2) / 4)
			}
		}
		if hs, e := gozxing.NewPlanarYUVLuminanceSource(half, hw, hh, 0, 0, hw, hh, false); e == nil &&
			try(gozxing.NewHybridBinarizer(hs), hintsHarder) {
			return text, nil
		}
	}
	if try(gozxing.NewHybridBinarizer(src.Invert()), hintsHarder) {
		return text, nil
	}
	return "", fmt.Errorf("%w (%s): hold the code steady, fill more of the camera view, or improve the light", ErrNoCode, shortReason(last))
}

func shortReason(err error) string {
	switch {
	case err == nil:
		return "nothing found"
	}
	switch err.(type) {
	case gozxing.NotFoundException:
		return "no code found"
	case gozxing.ChecksumException:
		return "a code was found but too damaged to read"
	case gozxing.FormatException:
		return "a code was found but could not be decoded"
	}
	return "unreadable"
}

// Luminance returns the 8-bit luminance plane of img (row stride = width),
// with fast paths for the image types cameras and decoders produce.
func Luminance(img image.Image) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := make([]byte, w*h)
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], m.Pix[(y+b.Min.Y-m.Rect.Min.Y)*m.Stride+(b.Min.X-m.Rect.Min.X):])
		}
	case *image.YCbCr:
		for y := 0; y < h; y++ {
			copy(out[y*w:(y+1)*w], m.Y[m.YOffset(b.Min.X, y+b.Min.Y):])
		}
	case *image.Paletted:
		lut := make([]byte, 256)
		for i, c := range m.Palette {
			lut[i] = color.GrayModel.Convert(c).(color.Gray).Y
		}
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			for x := 0; x < w; x++ {
				out[y*w+x] = lut[row[x]]
			}
		}
	case *image.RGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			for x := 0; x < w; x++ {
				r, g, bb, a := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3])
				// Premultiplied: composite over white.
				out[y*w+x] = byte((19595*r+38470*g+7471*bb+1<<15)>>16 + (255 - a))
			}
		}
	case *image.NRGBA:
		for y := 0; y < h; y++ {
			row := m.Pix[m.PixOffset(b.Min.X, y+b.Min.Y):]
			for x := 0; x < w; x++ {
				r, g, bb, a := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3])
				l := (19595*r + 38470*g + 7471*bb + 1<<15) >> 16
				out[y*w+x] = byte((l*a + 255*(255-a) + 127) / 255)
			}
		}
	default:
		i := 0
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				r, g, bb, a := img.At(x, y).RGBA()
				l := (19595*r + 38470*g + 7471*bb + 1<<15) >> 16 // 0..65535, premultiplied
				out[i] = byte((l + (0xffff - a)) >> 8)
				i++
			}
		}
	}
	return out
}
