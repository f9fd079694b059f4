//go:build windows

package transfer

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// removableDrives lists the drive letters Windows reports as removable
// (GetDriveType DRIVE_REMOVABLE: USB sticks and memory cards), with their
// volume label, file system and read-only flag.
func removableDrives() []Drive {
	mask, err := windows.GetLogicalDrives()
	if err != nil {
		return nil
	}
	return findRemovableWindows(mask, driveType, volumeInfo)
}

// volume is what GetVolumeInformation tells about a drive.
type volume struct {
	label, fsType string
	readOnly      bool
}

// findRemovableWindows keeps, in drive-letter order, the drives of mask
// (bit 0 is A:) whose type is DRIVE_REMOVABLE; kind and info are
// parameters for tests. A drive whose volume cannot be read (no medium in
// a card reader) is left out.
func findRemovableWindows(mask uint32, kind func(root string) uint32, info func(root string) (volume, error)) []Drive {
	var out []Drive
	for i := 0; i < 26; i++ {
		if mask&(1<<i) == 0 {
			continue
		}
		letter := string(rune('A' + i))
		root := letter + `:\`
		if kind(root) != windows.DRIVE_REMOVABLE {
			continue
		}
		v, err := info(root)
		if err != nil {
			continue
		}
		label := letter + ":"
		if l := strings.TrimSpace(v.label); l != "" {
			label = l + " (" + letter + ":)"
		}
		out = append(out, Drive{
			MountPoint: root,
			Device:     letter + ":",
			FSType:     strings.ToLower(v.fsType),
			Label:      label,
			ReadOnly:   v.readOnly,
		})
	}
	return out
}

func driveType(root string) uint32 {
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return windows.DRIVE_UNKNOWN
	}
	return windows.GetDriveType(p)
}

func volumeInfo(root string) (volume, error) {
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return volume{}, err
	}
	var name, fs [windows.MAX_PATH + 1]uint16
	var serial, maxComp, flags uint32
	if err := windows.GetVolumeInformation(p, &name[0], uint32(len(name)), &serial, &maxComp, &flags, &fs[0], uint32(len(fs))); err != nil {
		return volume{}, err
	}
	return volume{
		label:    windows.UTF16ToString(name[:]),
		fsType:   windows.UTF16ToString(fs[:]),
		readOnly: flags&windows.FILE_READ_ONLY_VOLUME != 0,
	}, nil
}

// onRemovable reports whether path (a file to be made) lies on a drive
// Windows reports as removable: the drive letter of its absolute path. A
// UNC path (\\server\share) is a network share, not removable.
func onRemovable(path string) (bool, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, err
	}
	vol := filepath.VolumeName(abs)
	if len(vol) != 2 || vol[1] != ':' {
		return false, nil
	}
	return driveType(vol+`\`) == windows.DRIVE_REMOVABLE, nil
}
