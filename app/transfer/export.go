package transfer

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"conclave/internal/faultfs"
)

// Export writes data to dir/name atomically: it writes a temporary file in
// dir, flushes it to the device, renames it over dir/name and flushes the
// folder, so a pulled stick or a power cut leaves either the old file or the
// new one, never a partial one. It returns the path written.
func Export(dir, name string, data []byte) (path string, err error) {
	return ExportPieces(dir, name, data)
}

// ExportPieces is Export of the concatenation of pieces, written one after
// the other: a large message whose encoding is a few slices (its fields) is
// not copied into one buffer to be written (docs/performance.md).
func ExportPieces(dir, name string, pieces ...[]byte) (path string, err error) {
	return ExportWith(dir, name, func(w io.Writer) error {
		for _, p := range pieces {
			if _, err := w.Write(p); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

// ExportWith is Export of what write writes: a message read in chunks
// from another file is copied without being held. An error of write
// leaves dir/name as it was; it is returned as it is when it is not the
// temporary file's (a source file that changed, for instance). check,
// when not nil, is given the temporary file once it is written, flushed
// and closed, before it is put in place: its error leaves dir/name as it
// was, and is returned as it is.
func ExportWith(dir, name string, write func(io.Writer) error, check func(tmp string) error) (path string, err error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return "", errorf("cannot write to %s: %v (is the stick plugged in?)", dir, plainErr(err))
	}
	if !st.IsDir() {
		return "", errorf("%s is not a folder", dir)
	}
	path = filepath.Join(dir, name)
	// Every file operation goes through faultfs first (a no-op in
	// production; the fault campaign of app/cli fails or kills there).
	var tmp *os.File
	if err = faultfs.Before("create", dir); err == nil {
		tmp, err = os.CreateTemp(dir, "."+name+".part-*")
	}
	if err != nil {
		return "", errorf("cannot write to %s: %v (is the drive read-only or full?)", dir, plainErr(err))
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			if faultfs.Before("remove", tmpName) == nil {
				os.Remove(tmpName)
			}
		}
	}()
	if err = faultfs.Before("write", tmpName); err == nil {
		w := &tmpWriter{f: tmp}
		if err = write(w); err != nil && w.err == nil {
			return "", err // not the temporary file's: the source's
		}
	}
	if err != nil {
		return "", errorf("writing %s: %v (is the drive full?)", path, plainErr(err))
	}
	if err = faultfs.Do("sync", tmpName, tmp.Sync); err != nil {
		return "", errorf("flushing %s to the drive: %v", path, plainErr(err))
	}
	if err = faultfs.Do("close", tmpName, tmp.Close); err != nil {
		return "", errorf("writing %s: %v", path, plainErr(err))
	}
	if check != nil {
		if err = check(tmpName); err != nil {
			return "", err
		}
	}
	if err = faultfs.Do("rename", path, func() error { return os.Rename(tmpName, path) }); err != nil {
		return "", errorf("putting %s in place: %v", path, plainErr(err))
	}
	if err = faultfs.Do("syncdir", dir, func() error { return syncDir(dir) }); err != nil {
		return "", errorf("flushing folder %s: %v", dir, plainErr(err))
	}
	return path, nil
}

// tmpWriter writes to the temporary file and remembers its error, to
// tell it from the writer's own.
type tmpWriter struct {
	f   *os.File
	err error
}

func (w *tmpWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// checkName accepts a plain file name that every common file system can hold.
func checkName(name string) error {
	if err := checkReserved(name); err != nil {
		return err
	}
	switch {
	case name == "" || name == "." || name == "..":
		return errorf("%q is not a file name", name)
	case strings.ContainsAny(name, `/\:*?"<>|`) || strings.ContainsRune(name, 0):
		return errorf("file name %q has a character that USB drives do not accept (/ \\ : * ? \" < > |)", name)
	case len(name) > 200:
		return errorf("file name %q is too long", name)
	case strings.HasSuffix(name, ".") || strings.HasSuffix(name, " "):
		return errorf("file name %q ends with a dot or space", name)
	}
	for _, r := range name {
		if r < 0x20 {
			return errorf("file name %q has a control character", name)
		}
	}
	return nil
}

// plainErr drops the operation and path that os errors repeat.
func plainErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
