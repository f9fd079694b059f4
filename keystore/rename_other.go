//go:build !windows

package keystore

import "os"

// renameReplace replaces newpath with oldpath (rename(2), atomic on POSIX
// file systems; the folder is fsynced after by syncDir).
func renameReplace(oldpath, newpath string) error { return os.Rename(oldpath, newpath) }
