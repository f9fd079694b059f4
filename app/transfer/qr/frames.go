package qr

import (
	"errors"
	"fmt"
	"math"
	"time"

	"conclave/app/transfer/ur"
)

// Defaults of Options, chosen from measurements (docs/performance.md, "QR
// transfer"; docs/transfer.md §3.1): the real QR window under Xvfb shows 6
// frames per second nearly in full on a loaded machine (about 55 ms of CPU
// per frame presented there; from 8 fps it falls behind when the machine is
// busy); at 250 message bytes per frame and level L (a version-13
// code, 69 modules, 77 with the quiet zone) the simulated laptop webcam at
// arm's length (the code filling 60% of a 640x480 picture, 3.7 pixels per
// module) reads nearly every picture, for an effective 1.3 to 1.5 KB/s
// counting the frames missed and the fountain parts repeated
// (TestSimulatedWebcamDefaults fails below 1.2 KB/s). A poor webcam needs
// the Sturdy density.
const (
	DefaultBytesPerFrame = 250
	DefaultLevel         = L
	DefaultFPS           = 6.0
	// DefaultExtra is the share of fountain parts added after the seqLen
	// plain ones when a finite list of frames is needed (files, print).
	DefaultExtra = 0.5
	// MinBytesPerFrame and MaxBytesPerFrame bound BytesPerFrame.
	MinBytesPerFrame = 10
	MaxBytesPerFrame = 1200
)

// Presets for the GUI's density setting (measured in docs/transfer.md).
var (
	// Sturdy: small codes (version 6) for poor cameras or a code seen from
	// afar; the simulated poor webcam reads them at ~250 B/s (and no code of
	// the default density).
	Sturdy = Options{BytesPerFrame: 50, Level: L, FPS: DefaultFPS}
	// Standard: the defaults; 1.3 to 1.5 KB/s with a laptop webcam.
	Standard = Options{BytesPerFrame: DefaultBytesPerFrame, Level: DefaultLevel, FPS: DefaultFPS}
	// Fast: dense codes (version 17) for a good camera held close (the
	// code filling 60% of the frame height or more); ~2 KB/s, and nothing
	// read when the code fills 45% of the picture.
	Fast = Options{BytesPerFrame: 400, Level: L, FPS: DefaultFPS}
)

// Options set the density and pace of an animated QR sequence.
type Options struct {
	// BytesPerFrame is the most message bytes one frame carries (the UR
	// fragment length); 0 means DefaultBytesPerFrame.
	BytesPerFrame int
	// Level is the QR error-correction level; the zero value is L.
	Level ECLevel
	// FPS is the frame rate at which the GUI shows the frames; 0 means DefaultFPS.
	FPS float64
	// Parts is how many frames Frames returns for a multi-frame message;
	// 0 means seqLen plus DefaultExtra of it, rounded up.
	Parts int
}

func (o Options) withDefaults() (Options, error) {
	if o.BytesPerFrame == 0 {
		o.BytesPerFrame = DefaultBytesPerFrame
	}
	if o.FPS == 0 {
		o.FPS = DefaultFPS
	}
	if o.BytesPerFrame < MinBytesPerFrame || o.BytesPerFrame > MaxBytesPerFrame {
		return o, fmt.Errorf("qr: %d bytes per frame is out of range: use %d to %d", o.BytesPerFrame, MinBytesPerFrame, MaxBytesPerFrame)
	}
	if _, err := o.Level.zxing(); err != nil {
		return o, err
	}
	if math.IsNaN(o.FPS) || o.FPS <= 0 || o.FPS > 60 {
		return o, fmt.Errorf("qr: %v frames per second is out of range: use more than 0 and at most 60", o.FPS)
	}
	if o.Parts < 0 {
		return o, fmt.Errorf("qr: %d parts is negative", o.Parts)
	}
	return o, nil
}

// Interval is the time each frame stays on screen.
func (o Options) Interval() time.Duration {
	fps := o.FPS
	if fps <= 0 {
		fps = DefaultFPS
	}
	return time.Duration(float64(time.Second) / fps)
}

// NewEncoder returns the UR encoder of message (type "conclave") with the
// fragment length of opts, for a GUI that loops NextPart for as long as the
// code is shown.
func NewEncoder(message []byte, opts Options) (*ur.Encoder, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if len(message) == 0 {
		return nil, errors.New("qr: the message is empty")
	}
	if len(message) > ur.MaxMessageLen {
		return nil, fmt.Errorf("qr: the message (%d bytes) is larger than the %d MiB QR codes may carry: carry it on a USB drive instead", len(message), ur.MaxMessageLen>>20)
	}
	if n := ur.PartsNeeded(len(message), o.BytesPerFrame); n > ur.MaxSeqLen {
		return nil, fmt.Errorf("qr: the message needs %d frames at %d bytes per frame, more than the %d allowed: raise the bytes per frame, or carry it on a USB drive", n, o.BytesPerFrame, ur.MaxSeqLen)
	}
	return ur.NewEncoder(ur.Type, message, o.BytesPerFrame), nil
}

// Frames returns the texts of the frames that carry message: one frame when
// it fits, otherwise parts 1..seqLen followed by fountain parts (seqLen plus
// 50% in all by default, or opts.Parts). Every text is checked to fit a QR
// code at opts.Level.
func Frames(message []byte, opts Options) ([]string, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	e, err := NewEncoder(message, o)
	if err != nil {
		return nil, err
	}
	n := 1
	if !e.SinglePart() {
		n = o.Parts
		if n == 0 {
			n = e.SeqLen() + int(math.Ceil(float64(e.SeqLen())*DefaultExtra))
		}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = e.NextPart()
	}
	// The longest text decides whether the frames fit (the first one has
	// the shortest sequence number, the last the longest).
	longest := out[0]
	for _, s := range out {
		if len(s) > len(longest) {
			longest = s
		}
	}
	if _, err := Encode(longest, o.Level); err != nil {
		return nil, err
	}
	return out, nil
}
