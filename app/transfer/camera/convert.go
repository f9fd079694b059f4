package camera

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
)

// PixelFormat is a V4L2 fourcc.
type PixelFormat uint32

func fourcc(a, b, c, d byte) PixelFormat {
	return PixelFormat(uint32(a) | uint32(b)<<8 | uint32(c)<<16 | uint32(d)<<24)
}

// Pixel formats this package converts.
var (
	YUYV  = fourcc('Y', 'U', 'Y', 'V') // packed 4:2:2, Y0 Cb Y1 Cr
	MJPEG = fourcc('M', 'J', 'P', 'G') // motion JPEG, often without Huffman tables
	JPEG  = fourcc('J', 'P', 'E', 'G')
	GREY  = fourcc('G', 'R', 'E', 'Y') // 8-bit luminance
)

func (p PixelFormat) String() string {
	b := []byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24)}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("0x%08x", uint32(p))
		}
	}
	return string(b)
}

// Supported reports whether Convert reads this format.
func (p PixelFormat) Supported() bool {
	return p == YUYV || p == MJPEG || p == JPEG || p == GREY
}

// Convert turns one captured buffer into an image.
func Convert(f Format, data []byte) (image.Image, error) {
	switch f.PixelFormat {
	case YUYV:
		return YUYVToYCbCr(data, f.Width, f.Height, f.BytesPerLine)
	case MJPEG, JPEG:
		return DecodeMJPEG(data)
	case GREY:
		return GreyToGray(data, f.Width, f.Height, f.BytesPerLine)
	}
	return nil, fmt.Errorf("camera: pixel format %s is not supported", f.PixelFormat)
}

// YUYVToYCbCr converts a packed YUYV (4:2:2) frame; stride is bytes per
// line (0 means 2*width).
func YUYVToYCbCr(data []byte, width, height, stride int) (*image.YCbCr, error) {
	if width <= 0 || height <= 0 || width%2 != 0 || width > 1<<15 || height > 1<<15 {
		return nil, fmt.Errorf("camera: bad YUYV frame size %dx%d", width, height)
	}
	if stride == 0 {
		stride = 2 * width
	}
	if stride < 2*width || len(data) < 2*width || (len(data)-2*width)/stride < height-1 {
		return nil, fmt.Errorf("camera: short YUYV frame: %d bytes for %dx%d", len(data), width, height)
	}
	img := image.NewYCbCr(image.Rect(0, 0, width, height), image.YCbCrSubsampleRatio422)
	for y := 0; y < height; y++ {
		src := data[y*stride : y*stride+2*width]
		yr := img.Y[y*img.YStride : y*img.YStride+width]
		cb := img.Cb[y*img.CStride : y*img.CStride+width/2]
		cr := img.Cr[y*img.CStride : y*img.CStride+width/2]
		for i := 0; i < width/2; i++ {
			yr[2*i] = src[4*i]
			cb[i] = src[4*i+1]
			yr[2*i+1] = src[4*i+2]
			cr[i] = src[4*i+3]
		}
	}
	return img, nil
}

// GreyToGray wraps an 8-bit luminance frame.
func GreyToGray(data []byte, width, height, stride int) (*image.Gray, error) {
	if width <= 0 || height <= 0 || width > 1<<15 || height > 1<<15 {
		return nil, fmt.Errorf("camera: bad frame size %dx%d", width, height)
	}
	if stride == 0 {
		stride = width
	}
	if stride < width || len(data) < width || (len(data)-width)/stride < height-1 {
		return nil, fmt.Errorf("camera: short GREY frame: %d bytes for %dx%d", len(data), width, height)
	}
	img := image.NewGray(image.Rect(0, 0, width, height))
	for y := 0; y < height; y++ {
		copy(img.Pix[y*img.Stride:y*img.Stride+width], data[y*stride:])
	}
	return img, nil
}

// DecodeMJPEG decodes one motion-JPEG frame. Many webcams leave out the
// Huffman tables (the AVI1 convention: decoders use the standard tables of
// ITU T.81 Annex K.3); they are put back before decoding.
func DecodeMJPEG(data []byte) (image.Image, error) {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return nil, errors.New("camera: the frame is not a JPEG image")
	}
	fixed, err := withHuffmanTables(data)
	if err != nil {
		return nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(fixed))
	if err != nil {
		return nil, fmt.Errorf("camera: damaged MJPEG frame: %v", err)
	}
	return img, nil
}

// withHuffmanTables returns data with the standard DHT segment inserted
// before the first SOS when the frame has no DHT of its own.
func withHuffmanTables(data []byte) ([]byte, error) {
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return nil, errors.New("camera: damaged MJPEG frame: bad marker")
		}
		m := data[i+1]
		switch {
		case m == 0xff: // fill byte
			i++
			continue
		case m == 0xd8 || (m >= 0xd0 && m <= 0xd7) || m == 0x01:
			i += 2
			continue
		case m == 0xc4: // DHT present
			return data, nil
		case m == 0xda: // SOS without DHT before it
			out := make([]byte, 0, len(data)+len(standardDHT))
			out = append(out, data[:i]...)
			out = append(out, standardDHT...)
			return append(out, data[i:]...), nil
		case m == 0xd9:
			return nil, errors.New("camera: damaged MJPEG frame: no image data")
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if n < 2 {
			return nil, errors.New("camera: damaged MJPEG frame: bad segment length")
		}
		i += 2 + n
	}
	return nil, errors.New("camera: damaged MJPEG frame: truncated")
}

// standardDHT is a DHT segment with the four tables of ITU T.81 Annex K.3
// (luminance DC 0, luminance AC 0, chrominance DC 1, chrominance AC 1).
var standardDHT = buildDHT()

func buildDHT() []byte {
	tables := []struct {
		class byte
		bits  [16]byte
		vals  []byte
	}{
		{0x00, [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0},
			[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{0x10, [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d}, []byte{
			0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
			0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
			0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
			0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
			0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
			0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
			0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
			0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
			0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
			0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa}},
		{0x01, [16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
			[]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
		{0x11, [16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77}, []byte{
			0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
			0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
			0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
			0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
			0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
			0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
			0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
			0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
			0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
			0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
			0xf9, 0xfa}},
	}
	var body []byte
	for _, t := range tables {
		body = append(body, t.class)
		body = append(body, t.bits[:]...)
		body = append(body, t.vals...)
	}
	n := len(body) + 2
	return append([]byte{0xff, 0xc4, byte(n >> 8), byte(n)}, body...)
}
