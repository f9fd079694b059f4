package qr

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // register GIF
	_ "image/jpeg"
	"image/png"
	"io"
	"os"
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
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("qr: %v", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxImageFileSize+1))
	if err != nil {
		return "", fmt.Errorf("qr: reading %s: %v", path, err)
	}
	if len(data) > MaxImageFileSize {
		return "", fmt.Errorf("qr: %s is larger than %d MiB: not a QR picture", path, MaxImageFileSize>>20)
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
