// Package camera reads frames from a webcam for QR scanning.
//
// On Linux it talks to Video4Linux2 directly (ioctl and mmap on /dev/video*,
// pure Go, no cgo) and accepts YUYV, MJPEG/JPEG and GREY frames. Elsewhere,
// or when no usable device exists, Open returns ErrNoCamera, whose text tells
// the person what to do instead.
package camera

import (
	"errors"
	"fmt"
	"image"
	"time"
)

// ErrNoCamera means no supported camera could be opened.
var ErrNoCamera = errors.New("camera: no supported camera found: scan from an image file or paste the text instead")

// Config is what the caller would like; the device may give something close.
type Config struct {
	// Device is the device path, e.g. /dev/video0; empty means the first
	// device that can capture in a supported format.
	Device string
	// Width and Height are the preferred frame size; 0 means 640x480.
	Width, Height int
	// Timeout bounds one Read; 0 means 3 seconds.
	Timeout time.Duration
}

func (c Config) withDefaults() Config {
	if c.Width <= 0 || c.Height <= 0 {
		c.Width, c.Height = 640, 480
	}
	if c.Timeout <= 0 {
		c.Timeout = 3 * time.Second
	}
	return c
}

// Info describes a capture device.
type Info struct {
	Path    string   // e.g. /dev/video0
	Name    string   // the driver's card name, e.g. "Integrated Camera"
	Formats []string // supported pixel formats we can read, e.g. ["YUYV", "MJPG"]
}

// Format is the frame format a camera delivers.
type Format struct {
	PixelFormat  PixelFormat
	Width        int
	Height       int
	BytesPerLine int // 0 for compressed formats
}

func (f Format) String() string {
	return fmt.Sprintf("%s %dx%d", f.PixelFormat, f.Width, f.Height)
}

// Camera is an open capture stream.
type Camera interface {
	// Read waits for the next frame and returns it (an *image.YCbCr for
	// YUYV and MJPEG, an *image.Gray for GREY). The image is the caller's.
	Read() (image.Image, error)
	// Format is the negotiated frame format.
	Format() Format
	// Info describes the device.
	Info() Info
	// Close stops streaming and releases the device.
	Close() error
}

// Open opens a camera: cfg.Device, or the first usable one.
func Open(cfg Config) (Camera, error) { return openCamera(cfg.withDefaults()) }

// List returns the capture devices that deliver a supported format.
func List() []Info { return listCameras() }
