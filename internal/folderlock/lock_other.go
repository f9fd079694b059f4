//go:build !unix && !windows

package folderlock

import "os"

// No advisory locks here: runs are not kept apart.
func tryLock(*os.File) error { return nil }
func unlock(*os.File)        {}
