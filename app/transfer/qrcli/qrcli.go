// Package qrcli implements the "conclave qr encode" and "conclave qr
// decode" command-line verbs: a file to a folder of QR frame images and
// back, through the same UR format the GUI shows and scans.
package qrcli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"conclave/app/transfer"
	"conclave/app/transfer/qr"
	"conclave/app/transfer/ur"
	"conclave/internal/safefile"
)

// CheckOutput says whether qr decode may write at path; the command line
// sets it to office.CheckOutput (never a keystore, a board's file or a
// device). By default only an existing path without force is refused.
var CheckOutput = func(path string, force bool) error {
	if _, err := os.Lstat(path); err == nil && !force {
		return fmt.Errorf("%s exists: choose another name, or add --force to replace it", path)
	}
	return nil
}

// MaxInputSize bounds the file qr encode reads.
const MaxInputSize = ur.MaxMessageLen

// splitArgs separates flags from positional arguments so that flags may
// follow them ("FILE --out-dir DIR"). After "--" everything is positional.
func splitArgs(fs *flag.FlagSet, args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(positional, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // flag.Parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return flags, positional
}

func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	flags, pos := splitArgs(fs, args)
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return append(pos, fs.Args()...), nil
}

const encodeUsage = `usage: conclave qr encode FILE --out-dir DIR [--bytes-per-frame N] [--level L|M|Q|H] [--parts N] [--module-px N]

Cuts FILE into QR frames (UR format, fountain-coded) and writes DIR/frame-0001.png,
frame-0002.png, ... and DIR/frames.txt (one frame text per line). Show the frames in a
loop; the receiver may start anywhere and miss some.
`

// Encode implements "conclave qr encode".
func Encode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qr encode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, encodeUsage); fs.PrintDefaults() }
	outDir := fs.String("out-dir", "", "folder to write the frames to (created if missing; must not hold frames already)")
	bpf := fs.Int("bytes-per-frame", qr.DefaultBytesPerFrame, "message bytes per frame (denser codes carry more but read less easily)")
	level := fs.String("level", qr.DefaultLevel.String(), "QR error-correction level: L, M, Q or H")
	parts := fs.Int("parts", 0, "number of frames to write (default: the plain parts plus 50% fountain parts)")
	modulePx := fs.Int("module-px", 6, "pixels per QR module in the images")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errors.New("qr encode: give exactly one FILE")
	}
	if *outDir == "" {
		fs.Usage()
		return errors.New("qr encode: --out-dir is required")
	}
	lvl, err := qr.ParseECLevel(*level)
	if err != nil {
		return err
	}
	msg, err := readBounded(pos[0], MaxInputSize)
	if err != nil {
		return err
	}
	opts := qr.Options{BytesPerFrame: *bpf, Level: lvl, Parts: *parts}
	frames, err := qr.Frames(msg, opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		return fmt.Errorf("qr encode: cannot create %s: %v", *outDir, err)
	}
	if old, _ := filepath.Glob(filepath.Join(*outDir, "frame-*.png")); len(old) > 0 {
		return fmt.Errorf("qr encode: %s already holds frames (%s): choose an empty folder, so that frames of two messages never mix", *outDir, filepath.Base(old[0]))
	}
	version := 0
	for i, text := range frames {
		c, err := qr.Encode(text, lvl)
		if err != nil {
			return err
		}
		version = max(version, c.Version)
		img, err := c.Image(*modulePx)
		if err != nil {
			return err
		}
		png, err := qr.PNG(img)
		if err != nil {
			return err
		}
		if _, err := transfer.Export(*outDir, fmt.Sprintf("frame-%04d.png", i+1), png); err != nil {
			return err
		}
	}
	if _, err := transfer.Export(*outDir, "frames.txt", []byte(strings.Join(frames, "\n")+"\n")); err != nil {
		return err
	}
	seqLen := 1
	if e, err := qr.NewEncoder(msg, opts); err == nil {
		seqLen = e.SeqLen()
	}
	fmt.Fprintf(stdout, "wrote %d frame(s) to %s (%d bytes; %d needed at least; %d bytes per frame, level %s, QR version %d)\n",
		len(frames), *outDir, len(msg), seqLen, *bpf, lvl, version)
	if len(frames) > 1 {
		fmt.Fprintf(stdout, "show them in a loop at %g frames per second; frames.txt holds the same parts as text\n", qr.DefaultFPS)
	}
	return nil
}

func readBounded(path string, limit int64) ([]byte, error) {
	b, err := safefile.Read(path, safefile.Kind{Name: "file carried by QR codes (carry larger ones on a USB drive)", Max: limit})
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%s is empty", path)
	}
	return b, nil
}

const decodeUsage = `usage: conclave qr decode IMAGE_OR_DIR... --out FILE [--force]

Reads QR frames (PNG, JPEG or GIF pictures; .txt files with one UR part per line;
folders of them) in any order, reassembles the message and writes it to FILE.
`

var imageExt = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true}

// Decode implements "conclave qr decode".
func Decode(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qr decode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, decodeUsage); fs.PrintDefaults() }
	out := fs.String("out", "", "file to write the reassembled message to")
	force := fs.Bool("force", false, "replace FILE if it exists")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fs.Usage()
		return errors.New("qr decode: give at least one picture, text file or folder")
	}
	if *out == "" {
		fs.Usage()
		return errors.New("qr decode: --out is required")
	}
	if err := CheckOutput(*out, *force); err != nil {
		return fmt.Errorf("qr decode: %w", err)
	}
	var inputs []string
	for _, p := range pos {
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("qr decode: %v", err)
		}
		if !st.IsDir() {
			inputs = append(inputs, p)
			continue
		}
		var found []string
		_ = filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
				ext := strings.ToLower(filepath.Ext(path))
				if imageExt[ext] || ext == ".txt" {
					found = append(found, path)
				}
			}
			return nil
		})
		sort.Strings(found)
		if len(found) == 0 {
			fmt.Fprintf(stderr, "%s: no pictures or .txt files in this folder\n", p)
		}
		inputs = append(inputs, found...)
	}
	var multi ur.MultiDecoder
	var done *ur.Decoder // the first message completed
	receive := func(where, text string) {
		d, err := multi.Receive(text)
		if err != nil {
			fmt.Fprintf(stderr, "%s: refused: %v\n", where, err)
			return
		}
		have, need := d.Progress()
		label := ""
		if n := len(multi.Decoders()); n > 1 {
			for i, x := range multi.Decoders() {
				if x == d {
					label = fmt.Sprintf(" of message %d", i+1)
				}
			}
		}
		fmt.Fprintf(stdout, "%s: %d of %d parts%s\n", where, have, need, label)
		if d.Done() && done == nil {
			done = d
		}
	}
	for _, in := range inputs {
		if imageExt[strings.ToLower(filepath.Ext(in))] {
			text, err := qr.DecodeFile(in)
			if err != nil {
				fmt.Fprintf(stderr, "%v\n", err)
				continue
			}
			receive(in, text)
			continue
		}
		data, err := readBounded(in, transfer.DefaultMaxFileSize)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", in, err)
			continue
		}
		for n, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimSpace(strings.TrimPrefix(line, "\ufeff")); line != "" {
				receive(fmt.Sprintf("%s line %d", in, n+1), line)
			}
		}
	}
	decs := multi.Decoders()
	if len(decs) == 0 {
		return errors.New("qr decode: no QR code could be read from the inputs")
	}
	var complete []*ur.Decoder
	for _, d := range decs {
		if d.Done() {
			complete = append(complete, d)
		}
	}
	if len(complete) > 1 {
		return fmt.Errorf("qr decode: the inputs hold %d different complete messages: give the frames of one message only", len(complete))
	}
	if len(decs) > 1 {
		fmt.Fprintf(stderr, "warning: the inputs mix parts of %d different messages; parts of the others were set aside\n", len(decs))
	}
	if done == nil {
		// Report the message that got furthest.
		best := decs[0]
		for _, d := range decs[1:] {
			if h, _ := d.Progress(); h > func() int { h, _ := best.Progress(); return h }() {
				best = d
			}
		}
		done = best
	}
	typ, msg, err := done.Result()
	if err != nil {
		return fmt.Errorf("qr decode: %w", err)
	}
	if typ != ur.Type {
		return fmt.Errorf("qr decode: the codes carry a %q message, not a Conclave message", typ)
	}
	dir, name := filepath.Split(*out)
	if dir == "" {
		dir = "."
	}
	if err := CheckOutput(*out, *force); err != nil {
		return fmt.Errorf("qr decode: %w", err)
	}
	path, err := transfer.Export(dir, name, msg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d bytes to %s\n", len(msg), path)
	return nil
}
