// Command winpack makes, deterministically, the parts of the Windows
// release that have no standard tool here (docs/release.md):
//
//	winpack ico ICON.png OUT.ico      the icon at 16, 32, 48 and 256 px (PNG entries)
//	winpack zip OUT.zip EPOCH DIR     DIR's files in a zip: sorted names, every
//	                                  time set to EPOCH (Unix seconds), fixed modes
//
// The same input gives the same bytes on any machine with the same Go
// version (image/png and compress/flate are pure Go).
package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"golang.org/x/image/draw"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 4 && os.Args[1] == "ico":
		err = makeIco(os.Args[2], os.Args[3])
	case len(os.Args) == 5 && os.Args[1] == "zip":
		err = makeZip(os.Args[2], os.Args[3], os.Args[4])
	default:
		err = fmt.Errorf("usage: winpack ico ICON.png OUT.ico | winpack zip OUT.zip EPOCH DIR")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "winpack:", err)
		os.Exit(1)
	}
}

func makeIco(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	src, err := png.Decode(f)
	if err != nil {
		return err
	}
	sizes := []int{16, 32, 48, 256}
	var images [][]byte
	for _, s := range sizes {
		dst := image.NewNRGBA(image.Rect(0, 0, s, s))
		draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
		var b bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&b, dst); err != nil {
			return err
		}
		images = append(images, b.Bytes())
	}
	var b bytes.Buffer
	le := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	le(uint16(0))          // reserved
	le(uint16(1))          // type: icon
	le(uint16(len(sizes))) // count
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		dim := uint8(s)
		if s == 256 {
			dim = 0 // 0 means 256
		}
		b.WriteByte(dim) // width
		b.WriteByte(dim) // height
		b.WriteByte(0)   // colours in palette
		b.WriteByte(0)   // reserved
		le(uint16(1))    // colour planes
		le(uint16(32))   // bits per pixel
		le(uint32(len(images[i])))
		le(uint32(offset))
		offset += len(images[i])
	}
	for _, img := range images {
		b.Write(img)
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

func makeZip(out, epoch, dir string) error {
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return fmt.Errorf("epoch %q: %v", epoch, err)
	}
	// zip stores local times without a zone, from 1980 on; the extended
	// timestamp field that archive/zip adds carries the same instant in UTC.
	mtime := time.Unix(sec, 0).UTC()
	if mtime.Year() < 1980 {
		mtime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var names []string
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(filepath.Dir(dir), p)
			if err != nil {
				return err
			}
			names = append(names, filepath.ToSlash(rel))
		} else if !d.IsDir() {
			return fmt.Errorf("%s: not a regular file or folder", p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, name := range names {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
		h.SetMode(0o644)
		fw, err := w.CreateHeader(h)
		if err != nil {
			return err
		}
		f, err := os.Open(filepath.Join(filepath.Dir(dir), filepath.FromSlash(name)))
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}
