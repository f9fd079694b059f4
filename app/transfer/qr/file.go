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
