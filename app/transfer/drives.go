package transfer

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
)

// Drive is a mounted removable drive (a USB stick or card).
type Drive struct {
	MountPoint string // where its files are, e.g. /media/alice/CONCLAVE
	Device     string // e.g. /dev/sdb1
	FSType     string // e.g. vfat, exfat, ext4
	Label      string // the last element of the mount point, for display
	ReadOnly   bool   // mounted read-only: nothing can be exported to it
}

// RemovableDrives lists the mounted removable drives, or none when they
// cannot be found (then the person picks a folder by hand).
func RemovableDrives() []Drive { return removableDrives() }

// OnRemovable reports whether path (a file to be made) lies on a removable
// drive: the file system holding its folder, found through the mount
// table, is one RemovableDrives lists. A folder under /media whose stick is
// not mounted lies on the computer's own disk, so it is not. On systems
// where drives cannot be told apart it returns ErrUnknownDrive.
func OnRemovable(path string) (bool, error) { return onRemovable(path) }

// ErrUnknownDrive: this system cannot tell a removable drive from a fixed one.
var ErrUnknownDrive = errors.New("transfer: cannot tell removable drives here")

// resolveExisting makes path absolute and resolves the symbolic links of
// its longest existing part (the rest may not exist yet).
func resolveExisting(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	rest := ""
	for p := abs; ; p = filepath.Dir(p) {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest), nil
		}
		if filepath.Dir(p) == p {
			return abs, nil
		}
		rest = filepath.Join(filepath.Base(p), rest)
	}
}

// mountEntry is one line of /proc/mounts.
type mountEntry struct {
	device, mountPoint, fsType string
	options                    []string
}

// parseMounts reads the /proc/mounts format: device, mount point, type,
// options, with spaces and other bytes escaped as \ooo octal.
func parseMounts(s string) []mountEntry {
	var out []mountEntry
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		if len(f) < 4 {
			continue
		}
		out = append(out, mountEntry{
			device:     unescapeMount(f[0]),
			mountPoint: unescapeMount(f[1]),
			fsType:     f[2],
			options:    strings.Split(f[3], ","),
		})
	}
	return out
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
