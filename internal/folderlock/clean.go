package folderlock

import (
	"os"
	"path/filepath"
	"regexp"
)

// leftover is the name of Conclave's own temporary files (transfer.Export:
// ".NAME.part-DIGITS"), and only those.
var leftover = regexp.MustCompile(`^\..+\.part-[0-9]+$`)

// CleanLeftovers removes from dir the temporary files an interrupted write
// left behind: only Conclave's own pattern, only regular files, and only
// those last written before the lock was taken (a write in progress by the
// lock holder is never touched, and no one else writes while it holds the
// lock). It returns the names removed.
func (l *Lock) CleanLeftovers(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		if !leftover.MatchString(e.Name()) || !e.Type().IsRegular() {
			continue
		}
		fi, err := e.Info()
		if err != nil || !fi.ModTime().Before(l.Acquired) {
			continue
		}
		if os.Remove(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	return removed
}
