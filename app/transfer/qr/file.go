package qr

import (
	"bytes"
	"conclave/internal/safefile"
	"fmt"
	"image"
	_ "image/gif" // register GIF
	_ "image/jpeg"
	"image/png"
)

// MaxImageFileSize bounds the image files DecodeFile reads.
const MaxImageFileSize = 64 << 20

// MaxPixelsPerByte bounds how many pixels a picture file may claim per
// byte of the file, above minPixelsChecked pixels (docs/transfer.md §3).
const (
	MaxPixelsPerByte = 1024
	minPixelsChecked = 1 << 20
)

// DecodeBytes reads a QR code from a PNG, JPEG or GIF file's content. The
// image's announced size is checked before it is decoded.
func DecodeBytes(data []byte) (string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("qr: not a readable picture (PNG, JPEG or GIF): %v", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > MaxPixels/cfg.Height {
		return "", fmt.Errorf("qr: the %s picture is %dx%d pixels, too large or empty: use a smaller picture or a crop around the code", format, cfg.Width, cfg.Height)
	}
	// The decoders allocate the whole picture from its header: a picture
	// of a few hundred bytes claiming 36 Mpx cost 100 MB. A real picture
	// holds at least a byte per MaxPixelsPerByte pixels (a 4K screenshot of
	// a code on white, the most compressible kind, holds about 340).
	if px := int64(cfg.Width) * int64(cfg.Height); px > minPixelsChecked && px > MaxPixelsPerByte*int64(len(data)) {
		return "", fmt.Errorf("qr: the %s picture claims %dx%d pixels in only %d bytes: it is damaged or not a real picture", format, cfg.Width, cfg.Height, len(data))
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return "", fmt.Errorf("qr: the %s picture is damaged: %v", format, err)
	}
	return Decode(img)
}

// DecodeFile reads a QR code from a PNG, JPEG or GIF file.
func DecodeFile(path string) (string, error) {
	data, err := safefile.Read(path, safefile.Kind{Name: "QR picture", Max: MaxImageFileSize})
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	text, err := DecodeBytes(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return text, nil
}

// PNG encodes img as PNG with best compression (QR frames compress well).
func PNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
