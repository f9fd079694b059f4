//go:build linux

package camera

import (
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Video4Linux2 structures, laid out as in <linux/videodev2.h>. Go lays them
// out like C on Linux (the unions are declared with their widest, most
// aligned member), and the ioctl numbers are computed from their sizes.

type v4l2Capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

type v4l2FmtDesc struct {
	Index       uint32
	Type        uint32
	Flags       uint32
	Description [32]byte
	PixelFormat uint32
	MbusCode    uint32
	Reserved    [3]uint32
}

type v4l2PixFormat struct {
	Width        uint32
	Height       uint32
	PixelFormat  uint32
	Field        uint32
	BytesPerLine uint32
	SizeImage    uint32
	Colorspace   uint32
	Priv         uint32
	Flags        uint32
	YcbcrEnc     uint32
	Quantization uint32
	XferFunc     uint32
}

type v4l2Format struct {
	Type uint32
	Fmt  struct {
		_   [0]uintptr // the C union holds pointers (struct v4l2_window)
		Raw [200]byte
	}
}

type v4l2RequestBuffers struct {
	Count        uint32
	Type         uint32
	Memory       uint32
	Capabilities uint32
	Flags        uint8
	Reserved     [3]uint8
}

type v4l2Timecode struct {
	Type     uint32
	Flags    uint32
	Frames   uint8
	Seconds  uint8
	Minutes  uint8
	Hours    uint8
	Userbits [4]uint8
}

type v4l2Buffer struct {
	Index     uint32
	Type      uint32
	BytesUsed uint32
	Flags     uint32
	Field     uint32
	Timestamp unix.Timeval
	Timecode  v4l2Timecode
	Sequence  uint32
	Memory    uint32
	M         uintptr // union { __u32 offset; unsigned long userptr; ... }
	Length    uint32
	Reserved2 uint32
	RequestFD uint32
}

const (
	bufTypeVideoCapture = 1
	memoryMMAP          = 1
	capVideoCapture     = 0x00000001
	capStreaming        = 0x04000000
	capDeviceCaps       = 0x80000000
	fieldAny            = 0
	numBuffers          = 4

	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

var (
	vidiocQueryCap  = ioc(iocRead, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocEnumFmt   = ioc(iocRead|iocWrite, 2, unsafe.Sizeof(v4l2FmtDesc{}))
	vidiocSFmt      = ioc(iocRead|iocWrite, 5, unsafe.Sizeof(v4l2Format{}))
	vidiocReqBufs   = ioc(iocRead|iocWrite, 8, unsafe.Sizeof(v4l2RequestBuffers{}))
	vidiocQueryBuf  = ioc(iocRead|iocWrite, 9, unsafe.Sizeof(v4l2Buffer{}))
	vidiocQBuf      = ioc(iocRead|iocWrite, 15, unsafe.Sizeof(v4l2Buffer{}))
	vidiocDQBuf     = ioc(iocRead|iocWrite, 17, unsafe.Sizeof(v4l2Buffer{}))
	vidiocStreamOn  = ioc(iocWrite, 18, unsafe.Sizeof(int32(0)))
	vidiocStreamOff = ioc(iocWrite, 19, unsafe.Sizeof(int32(0)))
)

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		switch e {
		case 0:
			return nil
		case unix.EINTR:
			continue
		}
		return e
	}
}

func cstr(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// devGlob is where devices are looked for (a variable for tests).
var devGlob = "/dev/video*"

func devicePaths() []string {
	paths, _ := filepath.Glob(devGlob)
	sort.Slice(paths, func(i, j int) bool {
		// video2 before video10
		if len(paths[i]) != len(paths[j]) {
			return len(paths[i]) < len(paths[j])
		}
		return paths[i] < paths[j]
	})
	return paths
}

// probe opens path and reports its name and the supported formats it offers.
func probe(fd int, path string) (Info, error) {
	var c v4l2Capability
	if err := ioctl(fd, vidiocQueryCap, unsafe.Pointer(&c)); err != nil {
		return Info{}, fmt.Errorf("%s is not a video device: %v", path, err)
	}
	caps := c.Capabilities
	if caps&capDeviceCaps != 0 {
		caps = c.DeviceCaps
	}
	if caps&capVideoCapture == 0 || caps&capStreaming == 0 {
		return Info{}, fmt.Errorf("%s cannot stream video capture", path)
	}
	info := Info{Path: path, Name: cstr(c.Card[:])}
	for i := uint32(0); i < 64; i++ {
		d := v4l2FmtDesc{Index: i, Type: bufTypeVideoCapture}
		if ioctl(fd, vidiocEnumFmt, unsafe.Pointer(&d)) != nil {
			break
		}
		if pf := PixelFormat(d.PixelFormat); pf.Supported() {
			info.Formats = append(info.Formats, pf.String())
		}
	}
	if len(info.Formats) == 0 {
		return info, fmt.Errorf("%s offers no supported pixel format (need YUYV, MJPG, JPEG or GREY)", path)
	}
	return info, nil
}

func listCameras() []Info {
	var out []Info
	for _, p := range devicePaths() {
		fd, err := unix.Open(p, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			continue
		}
		if info, err := probe(fd, p); err == nil {
			out = append(out, info)
		}
		unix.Close(fd)
	}
	return out
}

type v4l2Camera struct {
	fd      int
	info    Info
	format  Format
	buffers [][]byte
	cfg     Config
	closed  bool
}

func openCamera(cfg Config) (Camera, error) {
	paths := devicePaths()
	if cfg.Device != "" {
		paths = []string{cfg.Device}
	}
	if len(paths) == 0 {
		return nil, ErrNoCamera
	}
	var reasons []string
	for _, p := range paths {
		c, err := openDevice(p, cfg)
		if err == nil {
			return c, nil
		}
		reasons = append(reasons, err.Error())
	}
	return nil, fmt.Errorf("%w (%s)", ErrNoCamera, strings.Join(reasons, "; "))
}

func openDevice(path string, cfg Config) (_ *v4l2Camera, err error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	c := &v4l2Camera{fd: fd, cfg: cfg}
	defer func() {
		if err != nil {
			c.release()
		}
	}()
	if c.info, err = probe(fd, path); err != nil {
		return nil, err
	}
	// Prefer uncompressed YUYV (no decoding cost), then MJPEG, then GREY.
	var pf PixelFormat
	for _, want := range []PixelFormat{YUYV, MJPEG, JPEG, GREY} {
		for _, have := range c.info.Formats {
			if have == want.String() && pf == 0 {
				pf = want
			}
		}
	}
	var f v4l2Format
	f.Type = bufTypeVideoCapture
	pix := (*v4l2PixFormat)(unsafe.Pointer(&f.Fmt.Raw[0]))
	pix.Width, pix.Height, pix.PixelFormat, pix.Field = uint32(cfg.Width), uint32(cfg.Height), uint32(pf), fieldAny
	if err := ioctl(fd, vidiocSFmt, unsafe.Pointer(&f)); err != nil {
		return nil, fmt.Errorf("%s: cannot set format %s %dx%d: %v", path, pf, cfg.Width, cfg.Height, err)
	}
	c.format = Format{PixelFormat: PixelFormat(pix.PixelFormat), Width: int(pix.Width), Height: int(pix.Height)}
	if c.format.PixelFormat == YUYV || c.format.PixelFormat == GREY {
		c.format.BytesPerLine = int(pix.BytesPerLine)
	}
	if !c.format.PixelFormat.Supported() || c.format.Width <= 0 || c.format.Height <= 0 {
		return nil, fmt.Errorf("%s: the device chose %s, which is not supported", path, c.format)
	}
	req := v4l2RequestBuffers{Count: numBuffers, Type: bufTypeVideoCapture, Memory: memoryMMAP}
	if err := ioctl(fd, vidiocReqBufs, unsafe.Pointer(&req)); err != nil {
		return nil, fmt.Errorf("%s: cannot get capture buffers: %v", path, err)
	}
	if req.Count < 1 {
		return nil, fmt.Errorf("%s: the device gave no capture buffer", path)
	}
	for i := uint32(0); i < req.Count; i++ {
		b := v4l2Buffer{Index: i, Type: bufTypeVideoCapture, Memory: memoryMMAP}
		if err := ioctl(fd, vidiocQueryBuf, unsafe.Pointer(&b)); err != nil {
			return nil, fmt.Errorf("%s: cannot query buffer %d: %v", path, i, err)
		}
		mem, err := unix.Mmap(fd, int64(uint32(b.M)), int(b.Length), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return nil, fmt.Errorf("%s: cannot map buffer %d: %v", path, i, err)
		}
		c.buffers = append(c.buffers, mem)
		if err := ioctl(fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return nil, fmt.Errorf("%s: cannot queue buffer %d: %v", path, i, err)
		}
	}
	typ := int32(bufTypeVideoCapture)
	if err := ioctl(fd, vidiocStreamOn, unsafe.Pointer(&typ)); err != nil {
		return nil, fmt.Errorf("%s: cannot start streaming (is another program using the camera?): %v", path, err)
	}
	return c, nil
}

func (c *v4l2Camera) Format() Format { return c.format }
func (c *v4l2Camera) Info() Info     { return c.info }

func (c *v4l2Camera) Read() (image.Image, error) {
	if c.closed {
		return nil, errors.New("camera: read from a closed camera")
	}
	for {
		fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(c.cfg.Timeout.Milliseconds()))
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("camera: %v", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("camera: no frame from %s within %v: is it covered or unplugged?", c.info.Path, c.cfg.Timeout)
		}
		b := v4l2Buffer{Type: bufTypeVideoCapture, Memory: memoryMMAP}
		err = ioctl(c.fd, vidiocDQBuf, unsafe.Pointer(&b))
		if err == unix.EAGAIN {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("camera: reading a frame from %s: %v", c.info.Path, err)
		}
		var img image.Image
		var cerr error
		if int(b.Index) < len(c.buffers) {
			data := c.buffers[b.Index]
			if int(b.BytesUsed) <= len(data) && b.BytesUsed > 0 {
				data = data[:b.BytesUsed]
			}
			img, cerr = Convert(c.format, data) // copies out of the buffer
		} else {
			cerr = errors.New("camera: the driver returned an unknown buffer")
		}
		if err := ioctl(c.fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return nil, fmt.Errorf("camera: re-queueing a buffer: %v", err)
		}
		return img, cerr
	}
}

func (c *v4l2Camera) release() {
	for _, m := range c.buffers {
		_ = unix.Munmap(m)
	}
	c.buffers = nil
	if c.fd >= 0 {
		_ = unix.Close(c.fd)
		c.fd = -1
	}
}

func (c *v4l2Camera) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	typ := int32(bufTypeVideoCapture)
	err := ioctl(c.fd, vidiocStreamOff, unsafe.Pointer(&typ))
	c.release()
	if err != nil {
		return fmt.Errorf("camera: stopping %s: %v", c.info.Path, err)
	}
	return nil
}
