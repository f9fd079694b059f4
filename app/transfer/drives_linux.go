//go:build linux

package transfer

import (
	"os"
	"path/filepath"
	"strings"
)

func removableDrives() []Drive {
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return nil
	}
	return findRemovable(string(mounts), "/sys/class/block", "/dev")
}

// findRemovable keeps the mounts of block devices that the kernel marks
// removable (/sys/block/<disk>/removable is 1), and those mounted where
// desktop automounters put removable media (/media, /run/media); sysBlock
// and devDir are parameters for tests.
func findRemovable(mounts, sysBlock, devDir string) []Drive {
	var out []Drive
	seen := map[string]bool{}
	for _, m := range parseMounts(mounts) {
		if !strings.HasPrefix(m.device, "/dev/") || seen[m.mountPoint] {
			continue
		}
		dev := m.device
		if r, err := filepath.EvalSymlinks(filepath.Join(devDir, strings.TrimPrefix(dev, "/dev/"))); err == nil {
			dev = "/dev/" + filepath.Base(r)
		}
		removable := isRemovable(sysBlock, filepath.Base(dev))
		under := func(p string) bool { return m.mountPoint == p || strings.HasPrefix(m.mountPoint, p+"/") }
		if !removable && !under("/media") && !under("/run/media") {
			continue
		}
		seen[m.mountPoint] = true
		ro := false
		for _, o := range m.options {
			if o == "ro" {
				ro = true
			}
		}
		out = append(out, Drive{
			MountPoint: m.mountPoint,
			Device:     dev,
			FSType:     m.fsType,
			Label:      filepath.Base(m.mountPoint),
			ReadOnly:   ro,
		})
	}
	return out
}

// isRemovable reads the removable flag of the disk holding block device
// name (a partition's flag is its parent disk's).
func isRemovable(sysBlock, name string) bool {
	dir := filepath.Join(sysBlock, name)
	if _, err := os.Stat(filepath.Join(dir, "partition")); err == nil {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = filepath.Dir(real)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "removable"))
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

func onRemovable(path string) (bool, error) {
	mounts, err := os.ReadFile("/proc/mounts") // a /proc file: its size reads as 0
	if err != nil {
		return false, err
	}
	return onRemovableIn(path, string(mounts), "/sys/class/block", "/dev")
}

// onRemovableIn finds the mount that holds path (the longest mount point
// above its folder, symbolic links resolved as far as they exist) and
// reports whether findRemovable keeps it.
func onRemovableIn(path, mounts, sysBlock, devDir string) (bool, error) {
	dir, err := resolveExisting(filepath.Dir(path))
	if err != nil {
		return false, err
	}
	best := ""
	for _, m := range parseMounts(mounts) {
		mp := m.mountPoint
		if (dir == mp || mp == "/" || strings.HasPrefix(dir, mp+"/")) && len(mp) > len(best) {
			best = mp
		}
	}
	for _, d := range findRemovable(mounts, sysBlock, devDir) {
		if d.MountPoint == best {
			return true, nil
		}
	}
	return false, nil
}
