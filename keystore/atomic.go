package keystore

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"conclave/internal/faultfs"
	"conclave/internal/safefile"
)

// fileOps is every file-system operation the package performs. Production
// uses osFS; tests inject failures at each step of the write path.
type fileOps interface {
	CreateTemp(dir, pattern string) (tempFile, error)
	Rename(oldpath, newpath string) error
	RenameNoReplace(oldpath, newpath string) error
	Remove(name string) error
	SyncDir(dir string) error
	ReadFile(name string) ([]byte, error) // at most maxFileLen+1 bytes
	ReadDir(dir string) ([]fs.DirEntry, error)
	Lstat(name string) (fs.FileInfo, error)
}

// tempFile is the part of *os.File the write path uses.
type tempFile interface {
	io.Writer
	Sync() error // fsync; the OS implementation also drops the page cache
	Close() error
	Name() string
}

type osFS struct{}

type osTemp struct{ *os.File }

func (t osTemp) Write(b []byte) (int, error) {
	if err := faultfs.Before("write", t.Name()); err != nil {
		return 0, err
	}
	return t.File.Write(b)
}

func (t osTemp) Close() error {
	if err := faultfs.Before("close", t.Name()); err != nil {
		t.File.Close()
		return err
	}
	return t.File.Close()
}

func (t osTemp) Sync() error {
	if err := faultfs.Before("sync", t.Name()); err != nil {
		return err
	}
	if err := t.File.Sync(); err != nil {
		return err
	}
	dropCache(t.File)
	return nil
}

func (osFS) CreateTemp(dir, pattern string) (tempFile, error) {
	if err := faultfs.Before("create", dir); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, pattern) // mode 0600
	if err != nil {
		return nil, err
	}
	return osTemp{f}, nil
}

// The write-side operations go through faultfs (a no-op in production),
// so that the fault campaign of app/cli can fail or kill at each of them.
func (osFS) Rename(o, n string) error {
	return faultfs.Do("rename", n, func() error { return renameReplace(o, n) })
}
func (osFS) RenameNoReplace(o, n string) error {
	return faultfs.Do("rename", n, func() error { return renameNoReplace(o, n) })
}
func (osFS) Remove(name string) error {
	return faultfs.Do("remove", name, func() error { return os.Remove(name) })
}
func (osFS) SyncDir(dir string) error {
	return faultfs.Do("syncdir", dir, func() error { return syncDir(dir) })
}
func (osFS) ReadDir(dir string) ([]fs.DirEntry, error) { return os.ReadDir(dir) }
func (osFS) Lstat(name string) (fs.FileInfo, error)    { return os.Lstat(name) }

// ReadFile opens without blocking (a named pipe at the keystore's path
// cannot hang the program) and refuses anything but a regular file before
// reading (internal/safefile).
func (osFS) ReadFile(name string) ([]byte, error) {
	f, _, err := safefile.Open(name, safefile.Kind{Name: "keystore", Max: 1 << 62})
	if errors.Is(err, safefile.ErrNotRegular) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errNotRegular}
	}
	if err != nil {
		return nil, errors.Unwrap(err) // the system's *fs.PathError
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxFileLen+1))
}

var errNotRegular = errors.New("not a regular file")

// renameIfAbsent is the portable no-replace rename: a check, then a rename.
// Only a file created in between by another program could be overwritten.
func renameIfAbsent(oldpath, newpath string) error {
	if _, err := os.Lstat(newpath); err == nil {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: os.ErrExist}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.Rename(oldpath, newpath)
}

// tempPrefix is the name prefix of the temporary files written next to path.
func tempPrefix(path string) string { return "." + filepath.Base(path) + ".tmp-" }

// cleanTemps removes stale temporary files left next to path by an
// interrupted write (best effort; they only ever hold sealed data).
func cleanTemps(fsys fileOps, path string) {
	dir, pre := filepath.Dir(path), tempPrefix(path)
	ents, err := fsys.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), pre) && e.Type().IsRegular() {
			_ = fsys.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// writeMode says how atomicWrite treats an existing file at path.
type writeMode struct {
	create bool     // the file must not exist (fail with ErrExists)
	expect [][]byte // when not create: the file must hold one of these
}

// errMaybeWritten marks a failure after the rename: the new file may be in
// place (or not, after a power cut).
var errMaybeWritten = errors.New("the new file may already be in place")

// errReadBack marks a temporary file that did not read back identical.
var errReadBack = errors.New("read-back mismatch")

// atomicWrite replaces path with data so that at any instant path holds the
// old content or the new, never a mix: temporary file in the same folder,
// write, fsync, close, read back and compare, rename over path, fsync the
// folder.
func atomicWrite(fsys fileOps, path string, data []byte, m writeMode) (err error) {
	if !m.create {
		// A keystore reached through a symbolic link (a link on the PC to
		// the stick) is replaced where it lies: renaming over the link
		// would put a regular file in its place and leave the stick stale.
		if fi, err := fsys.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			real, err := filepath.EvalSymlinks(path)
			if err != nil {
				return wrapErr(ErrWriteFailed, err, "the key file %s is a symbolic link to a file that cannot be found (is the stick plugged in?); nothing was written", path)
			}
			path = real
		}
	}
	dir := filepath.Dir(path)
	if m.create {
		if _, err := fsys.Lstat(path); err == nil {
			return wrapErr(ErrExists, fs.ErrExist, "a file already exists at %s and was left untouched: choose another folder or name", path)
		}
	} else if m.expect != nil {
		cur, err := fsys.ReadFile(path)
		if err != nil || !matchesAny(cur, m.expect) {
			return wrapErr(ErrFileChanged, err, "the key file at %s is not the one that was opened (another stick, or changed by another program); nothing was written: open the key again", path)
		}
	}
	f, err := fsys.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return wrapErr(ErrWriteFailed, err, "cannot create a file in %s: check that the stick is plugged in, not full and not read-only", dir)
	}
	tmp := f.Name()
	closed, renamed := false, false
	defer func() {
		if err != nil && !renamed {
			if !closed {
				_ = f.Close()
			}
			_ = fsys.Remove(tmp)
		}
	}()
	fail := func(cause error) error {
		if m.create {
			return wrapErr(ErrWriteFailed, cause, "writing %s failed and nothing was put in its place: check the stick (plugged in, not full, not read-only) and try again", path)
		}
		return wrapErr(ErrWriteFailed, cause, "writing %s failed; the previous file is intact: check the stick (plugged in, not full, not read-only) and try again", path)
	}
	if n, err := f.Write(data); err != nil || n != len(data) {
		if err == nil {
			err = io.ErrShortWrite
		}
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return fail(err)
	}
	back, err := fsys.ReadFile(tmp)
	if err != nil {
		return fail(err)
	}
	if !bytes.Equal(back, data) {
		return wrapErr(ErrWriteFailed, errReadBack, "the file written in %s does not read back identical (faulty stick?); nothing was replaced: try again, or use another stick", dir)
	}
	if m.create {
		if err := fsys.RenameNoReplace(tmp, path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return wrapErr(ErrExists, fs.ErrExist, "a file already exists at %s and was left untouched: choose another folder or name", path)
			}
			return fail(err)
		}
	} else if err := fsys.Rename(tmp, path); err != nil {
		return fail(err)
	}
	renamed = true
	if err := fsys.SyncDir(dir); err != nil {
		// The rename happened: the temporary file is gone (no cleanup).
		return &kerror{
			msg:      "keystore: the new key file is written but the folder could not be synced, so it may not survive a power cut: do it again (" + err.Error() + ")",
			sentinel: ErrWriteFailed, cause: errors.Join(errMaybeWritten, err),
		}
	}
	return nil
}

func matchesAny(b []byte, set [][]byte) bool {
	for _, s := range set {
		if s != nil && bytes.Equal(b, s) {
			return true
		}
	}
	return false
}
