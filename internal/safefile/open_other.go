//go:build !unix

package safefile

import (
	"io/fs"
	"os"
)

// openNonBlocking: opening a file on Windows does not wait for a writer
// (named pipes live under \\.\pipe\, not among files); with noFollow a
// symbolic link is refused by a look at the path first.
func openNonBlocking(path string, noFollow bool) (*os.File, error) {
	if noFollow {
		if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &fs.PathError{Op: "open", Path: path, Err: ErrSymlink}
		}
	}
	return os.Open(path)
}
