package transfer

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"conclave/app/transfer/ur"
	"conclave/internal/safefile"
)

// Classify says what a file's content is (for example "deal of member 3,
// ceremony 7F3A-...") or why it is not something the caller accepts. It is
// called for every candidate file; the file's name plays no part.
type Classify func(data []byte) (description string, err error)

// DefaultMaxFileSize bounds the files Import reads.
const DefaultMaxFileSize = 64 << 20

// Item is one accepted message.
type Item struct {
	// Path is the file it came from; for a message reassembled from UR text
	// lines, the first file that held its parts.
	Path string
	// Sources lists every file that held it (the same message found twice,
	// or UR parts spread over several text files).
	Sources []string
	// Data is the message.
	Data []byte
	// Description is what Classify said.
	Description string
	// FromText reports that the message was reassembled from UR text parts.
	FromText bool
}

// Problem is a file (or a part of one) that was skipped, and why, in plain words.
type Problem struct {
	Path   string
	Reason string
	// format and args are Reason's English format (the translation key)
	// and its arguments: see Err.
	format string
	args   []any
}

func (p Problem) Error() string { return p.Path + ": " + p.Reason }

// Importer reads files and folders.
type Importer struct {
	// Classify decides what each file is; required.
	Classify Classify
	// MaxFileSize bounds each file; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// URType is the UR type accepted in text files; "" means ur.Type ("conclave").
	URType string
}

// Import reads the given files and folders with classify; see Importer.Import.
func Import(classify Classify, paths ...string) ([]Item, []Problem) {
	return (&Importer{Classify: classify}).Import(paths...)
}

// Import reads each path: a file, or a folder read recursively (hidden
// files and folders, whose names start with a dot, are passed over inside
// folders, as are symbolic links to folders). Each file is either a binary
// message, which Classify must accept, or a text file of UR parts, one per
// line (as a keyboard-wedge scanner types them, or pasted), which are
// reassembled, across files if need be, before Classify sees the message.
// Every file or line that cannot be used is reported as a Problem and
// skipped; the others are still read. The same message found twice is
// returned once.
func (im *Importer) Import(paths ...string) ([]Item, []Problem) {
	r := &importRun{im: im, byHash: map[[32]byte]int{}, sources: map[*ur.Decoder][]string{}}
	if r.max = im.MaxFileSize; r.max <= 0 {
		r.max = DefaultMaxFileSize
	}
	if r.urType = im.URType; r.urType == "" {
		r.urType = ur.Type
	}
	for _, p := range paths {
		r.path(p)
	}
	r.finishText()
	return r.items, r.problems
}

type importRun struct {
	im       *Importer
	max      int64
	urType   string
	items    []Item
	problems []Problem
	byHash   map[[32]byte]int
	multi    ur.MultiDecoder
	sources  map[*ur.Decoder][]string
}

func (r *importRun) problem(path, format string, args ...any) {
	r.problems = append(r.problems, Problem{Path: path, Reason: fmt.Sprintf(format, args...), format: format, args: args})
}

func (r *importRun) path(p string) {
	st, err := os.Stat(p)
	if err != nil {
		r.problem(p, "cannot be read: %v", plainErr(err))
		return
	}
	if !st.IsDir() {
		r.file(p)
		return
	}
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			r.problem(path, "cannot be read: %v", plainErr(err))
			if d != nil && d.IsDir() && path != p {
				return fs.SkipDir
			}
			return nil
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if path != p && strings.EqualFold(d.Name(), "System Volume Information") {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := os.Stat(path); err == nil && st.IsDir() {
				return nil // not followed: it could loop
			}
		}
		r.file(path)
		return nil
	})
	if err != nil {
		r.problem(p, "cannot be read: %v", plainErr(err))
	}
}

func (r *importRun) file(path string) {
	// Opened without blocking, so that a named pipe cannot hang the
	// importer, and refused unless a regular file within the size limit.
	f, size, err := safefile.Open(path, safefile.Kind{Name: "Conclave file", Max: r.max})
	switch {
	case errors.Is(err, safefile.ErrNotRegular):
		r.problem(path, "is not a regular file")
		return
	case errors.Is(err, safefile.ErrTooLarge):
		r.problem(path, "is larger than %s, so it is not a Conclave file", sizeText(r.max))
		return
	case err != nil:
		r.problem(path, "cannot be read: %v", plainErr(errors.Unwrap(err)))
		return
	}
	defer f.Close()
	data := make([]byte, 0, size+1)
	data, err = readAllInto(data, io.LimitReader(f, r.max+1))
	if err != nil {
		r.problem(path, "cannot be read: %v (was the drive pulled out?)", plainErr(err))
		return
	}
	if int64(len(data)) > r.max {
		r.problem(path, "is larger than %s, so it is not a Conclave file", sizeText(r.max))
		return
	}
	if len(data) == 0 {
		r.problem(path, "is empty (an interrupted copy?)")
		return
	}
	if isURText(data) {
		r.urText(path, data)
		return
	}
	r.message(path, data, false)
}

// readAllInto reads r to its end into buf (sized from the file's size, so
// that memory stays the file's size).
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func sizeText(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// message classifies one whole message and records it.
func (r *importRun) message(path string, data []byte, fromText bool, sources ...string) {
	if len(sources) == 0 {
		sources = []string{path}
	}
	h := sha256.Sum256(data)
	if i, ok := r.byHash[h]; ok {
		r.items[i].Sources = appendNew(r.items[i].Sources, sources...)
		return
	}
	desc, err := r.classify(data)
	if err != nil {
		if fromText {
			r.problem(path, "holds QR text of a message that is not a Conclave message: %v", err)
		} else {
			r.problem(path, "is not a Conclave file (or is damaged or incomplete): %v", err)
		}
		return
	}
	r.byHash[h] = len(r.items)
	r.items = append(r.items, Item{Path: path, Sources: sources, Data: data, Description: desc, FromText: fromText})
}

func (r *importRun) classify(data []byte) (desc string, err error) {
	if r.im.Classify == nil {
		return "", errors.New("no classifier was given")
	}
	defer func() {
		if p := recover(); p != nil {
			desc, err = "", fmt.Errorf("the checker failed on it: %v", p)
		}
	}()
	return r.im.Classify(data)
}

func appendNew(list []string, more ...string) []string {
	for _, m := range more {
		found := false
		for _, l := range list {
			if l == m {
				found = true
			}
		}
		if !found {
			list = append(list, m)
		}
	}
	return list
}

// isURText reports whether data is UTF-8 text whose first non-blank
// characters are "ur:" (any case), after an optional byte-order mark.
func isURText(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) >= 3 && bytes.EqualFold(data[:3], []byte("ur:")) && utf8.Valid(data)
}

// urText feeds every line of a text file to the message it belongs to.
func (r *importRun) urText(path string, data []byte) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	lines := strings.Split(string(data), "\n")
	for n, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		where := fmt.Sprintf("%s line %d", path, n+1)
		if err := r.urLine(path, line); err != nil {
			r.problem(where, "QR text: %v", urErr{err})
		}
	}
}

func (r *importRun) urLine(path, line string) error {
	d, err := r.multi.Receive(line)
	if err != nil {
		return err
	}
	r.sources[d] = appendNew(r.sources[d], path)
	return nil
}

// finishText turns every reassembled message into an item, and reports
// the incomplete ones with what is missing.
func (r *importRun) finishText() {
	for _, d := range r.multi.Decoders() {
		sources := r.sources[d]
		where := strings.Join(sources, ", ")
		typ, msg, err := d.Result()
		if err != nil {
			r.problem(where, "QR text: %v", urErr{err})
			continue
		}
		if typ != r.urType {
			r.problem(where, "holds QR text of type %q, not a %q message", typ, r.urType)
			continue
		}
		r.message(sources[0], msg, true, sources...)
	}
}
