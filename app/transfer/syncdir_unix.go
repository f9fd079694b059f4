//go:build !windows

package transfer

import (
	"errors"
	"os"
	"syscall"
)

// syncDir flushes a folder's entries (the rename) to the device. File
// systems that cannot sync a folder (some FUSE mounts) say EINVAL or
// ENOTSUP; the rename is then as durable as they make it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}
