//go:build linux

package camera

import (
	"errors"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"
)

func TestStructSizes(t *testing.T) {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64" {
		t.Skip("sizes checked for 64-bit")
	}
	for name, c := range map[string]struct{ got, want uintptr }{
		"v4l2_capability":      {unsafe.Sizeof(v4l2Capability{}), 104},
		"v4l2_fmtdesc":         {unsafe.Sizeof(v4l2FmtDesc{}), 64},
		"v4l2_format":          {unsafe.Sizeof(v4l2Format{}), 208},
		"v4l2_pix_format":      {unsafe.Sizeof(v4l2PixFormat{}), 48},
		"v4l2_requestbuffers":  {unsafe.Sizeof(v4l2RequestBuffers{}), 20},
		"v4l2_buffer":          {unsafe.Sizeof(v4l2Buffer{}), 88},
		"v4l2_buffer.m offset": {unsafe.Offsetof(v4l2Buffer{}.M), 64},
	} {
		if c.got != c.want {
			t.Errorf("%s: %d, want %d", name, c.got, c.want)
		}
	}
	// The ioctl numbers as <linux/videodev2.h> defines them on x86-64.
	for name, c := range map[string]struct{ got, want uintptr }{
		"VIDIOC_QUERYCAP":  {vidiocQueryCap, 0x80685600},
		"VIDIOC_ENUM_FMT":  {vidiocEnumFmt, 0xc0405602},
		"VIDIOC_S_FMT":     {vidiocSFmt, 0xc0d05605},
		"VIDIOC_REQBUFS":   {vidiocReqBufs, 0xc0145608},
		"VIDIOC_QUERYBUF":  {vidiocQueryBuf, 0xc0585609},
		"VIDIOC_QBUF":      {vidiocQBuf, 0xc058560f},
		"VIDIOC_DQBUF":     {vidiocDQBuf, 0xc0585611},
		"VIDIOC_STREAMON":  {vidiocStreamOn, 0x40045612},
		"VIDIOC_STREAMOFF": {vidiocStreamOff, 0x40045613},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", name, c.got, c.want)
		}
	}
}

func TestNoDevice(t *testing.T) {
	old := devGlob
	defer func() { devGlob = old }()
	devGlob = filepath.Join(t.TempDir(), "video*")
	_, err := Open(Config{})
	if !errors.Is(err, ErrNoCamera) || err.Error() != "camera: no supported camera found: scan from an image file or paste the text instead" {
		t.Fatalf("%v", err)
	}
	if l := List(); len(l) != 0 {
		t.Fatal(l)
	}
}

func TestNotAVideoDevice(t *testing.T) {
	_, err := Open(Config{Device: "/dev/null"})
	if !errors.Is(err, ErrNoCamera) {
		t.Fatalf("%v", err)
	}
	t.Log(err)
	_, err = Open(Config{Device: filepath.Join(t.TempDir(), "video0")})
	if !errors.Is(err, ErrNoCamera) {
		t.Fatalf("%v", err)
	}
}
