package office

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"conclave/app/transfer"
	"conclave/ceremony"
	"conclave/internal/safefile"
	"conclave/keystore"
)

// Refusals of CheckOutput, for errors.Is.
var (
	// ErrOutputExists: a file is at the path and --force (or the GUI's
	// confirmation) was not given.
	ErrOutputExists = errorf("will not write over an existing file")
	// ErrOutputProtected: the path is never written over, even with
	// --force: a keystore, a file of a board folder, a symbolic link, or
	// anything that is not a regular file (a device, a pipe, a folder).
	ErrOutputProtected = errorf("this path is never written over")
)

// CheckOutput says whether a verb may write its output at path
// (docs/cli.md §1, "Files written"). A new file may be written anywhere but
// in a board folder; an existing one only with force, and never a keystore,
// a file of a board, a symbolic link or anything that is not a regular file.
func CheckOutput(path string, force bool) error {
	if IsBoardDir(filepath.Dir(path)) {
		return causef("%w: %s is in a board folder, which holds the record: write the file elsewhere (a USB stick, another folder)", ErrOutputProtected, path)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return errorf("cannot check %s before writing: %v", path, err)
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return causef("%w: %s is a symbolic link: give the path of a new file", ErrOutputProtected, path)
	case !fi.Mode().IsRegular():
		return causef("%w: %s is not a regular file (a device, a named pipe or a folder): give the path of a new file", ErrOutputProtected, path)
	case isKeystore(path):
		return causef("%w: %s is a keystore: a keystore is never replaced by another file; give the path of a new file", ErrOutputProtected, path)
	case !force:
		return causef("%w: %s exists: choose another name, or add --force to replace it", ErrOutputExists, path)
	}
	return nil
}

// WriteOutput writes a verb's output at path, atomically, after
// CheckOutput.
func WriteOutput(path string, data []byte, force bool) error {
	if err := CheckOutput(path, force); err != nil {
		return err
	}
	return WriteFileAtomic(path, data)
}

// WriteOutputWith is WriteOutput of what write writes (a large output
// written a chunk at a time).
func WriteOutputWith(path string, force bool, write func(io.Writer) error) error {
	if err := CheckOutput(path, force); err != nil {
		return err
	}
	if _, err := transfer.ExportWith(filepath.Dir(path), filepath.Base(path), write, nil); err != nil {
		return errorf("%w", err)
	}
	return nil
}

// WriteMessageOutput is WriteOutput of a message's encoding, written piece
// by piece (ceremony.Envelope.WriteTo): an answer to a million ciphertexts
// is not copied once more to be written, and a request read in chunks is
// copied in chunks.
func WriteMessageOutput(path string, e *ceremony.Envelope, force bool) error {
	if err := CheckOutput(path, force); err != nil {
		return err
	}
	return writeMessage(path, e)
}

// IsBoardDir reports whether dir is a board folder (CreateBoard made its
// handout folder).
func IsBoardDir(dir string) bool {
	fi, err := os.Lstat(filepath.Join(dir, handoutDir))
	return err == nil && fi.IsDir()
}

// isKeystore reports whether the regular file at path starts as a keystore.
func isKeystore(path string) bool {
	f, _, err := safefile.Open(path, safefile.Kind{Name: "file", Max: 1 << 62})
	if err != nil {
		return false
	}
	defer f.Close()
	var prefix [8]byte
	if _, err := io.ReadFull(f, prefix[:]); err != nil {
		return false
	}
	return keystore.LooksLikeKeystore(prefix[:])
}

// OnRemovable tells whether a path lies on a removable drive
// (transfer.OnRemovable); tests replace it.
var OnRemovable = transfer.OnRemovable

// ErrNotRemovable: a new keystore would be made on the computer's own disk.
var ErrNotRemovable = errorf("this is not on a removable drive")

// CheckKeystoreLocation refuses to make a keystore at path unless it lies
// on a removable drive (docs/threat-model.md §2.14): with the stick not
// mounted, its mount point is an empty folder of the computer's disk, and a
// new identity made there puts the keys on the PC and two cards for one
// person on the board. The caller lets the person override it
// (--not-removable, or the GUI's question). Where drives cannot be told
// apart (transfer.ErrUnknownDrive) it allows.
func CheckKeystoreLocation(path string) error {
	ok, err := OnRemovable(path)
	switch {
	case errors.Is(err, transfer.ErrUnknownDrive):
		return nil
	case err != nil:
		return causef("%w: cannot tell whether %s is on a USB stick (%v)", ErrNotRemovable, path, err)
	case !ok:
		return causef("%w: %s is on this computer's own disk, not on a USB stick; the keys belong on the stick: plug it in and check that it is mounted, or, if you mean to keep them on this disk, say so (--not-removable)", ErrNotRemovable, path)
	}
	return nil
}
