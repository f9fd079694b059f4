//go:build ignore

// qrfps samples an X window as fast as it can (XGetImage, in process) and
// writes each distinct picture it sees as a PGM file with the time it was
// first seen, for scripts/qr-window-fps.sh. It needs cgo and libX11:
//
//	go run scripts/qrfps/main.go WINDOW_ID SECONDS OUT_DIR
package main

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdlib.h>
static void destroyImage(XImage *im) { XDestroyImage(im); }
*/
import "C"

import (
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strconv"
	"time"
	"unsafe"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: qrfps WINDOW_ID SECONDS OUT_DIR")
		os.Exit(2)
	}
	wid, err := strconv.ParseUint(os.Args[1], 0, 64)
	if err != nil {
		panic(err)
	}
	secs, err := strconv.ParseFloat(os.Args[2], 64)
	if err != nil {
		panic(err)
	}
	out := os.Args[3]
	d := C.XOpenDisplay(nil)
	if d == nil {
		panic("no display")
	}
	var attr C.XWindowAttributes
	C.XGetWindowAttributes(d, C.Window(wid), &attr)
	w, h := int(attr.width), int(attr.height)
	log, err := os.Create(filepath.Join(out, "times.txt"))
	if err != nil {
		panic(err)
	}
	defer log.Close()
	start := time.Now()
	var prev uint32
	samples, kept := 0, 0
	for time.Since(start).Seconds() < secs {
		im := C.XGetImage(d, C.Drawable(wid), 0, 0, C.uint(w), C.uint(h), C.AllPlanes, C.ZPixmap)
		if im == nil {
			panic("XGetImage failed")
		}
		t := time.Since(start).Seconds()
		samples++
		if im.bits_per_pixel != 32 {
			panic("qrfps: expects 32-bit pixels (Xvfb at depth 24)")
		}
		n := int(im.bytes_per_line) * h
		data := unsafe.Slice((*byte)(unsafe.Pointer(im.data)), n)
		sum := crc32.ChecksumIEEE(data)
		if samples == 1 || sum != prev {
			prev = sum
			kept++
			// Grey PGM from the 32-bit pixels (blue, green, red, pad).
			pgm := make([]byte, 0, w*h+32)
			pgm = append(pgm, fmt.Sprintf("P5\n%d %d\n255\n", w, h)...)
			for y := 0; y < h; y++ {
				row := data[y*int(im.bytes_per_line):]
				for x := 0; x < w; x++ {
					b, g, r := int(row[4*x]), int(row[4*x+1]), int(row[4*x+2])
					pgm = append(pgm, byte((299*r+587*g+114*b)/1000))
				}
			}
			name := fmt.Sprintf("%05d.pgm", kept)
			if err := os.WriteFile(filepath.Join(out, name), pgm, 0o644); err != nil {
				panic(err)
			}
			fmt.Fprintf(log, "%s %.4f\n", name, t)
		}
		C.destroyImage(im)
		// At most 200 samples a second: six or more per frame at 30 fps,
		// without taking a whole core from the window being measured.
		time.Sleep(5*time.Millisecond - time.Since(start.Add(time.Duration(t*1e9))))
	}
	fmt.Printf("%d %d %.3f\n", samples, kept, time.Since(start).Seconds())
}
