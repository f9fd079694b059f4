//go:build !linux && !windows

package transfer

// Other platforms: no automatic detection yet; the person picks a folder.
func removableDrives() []Drive { return nil }

func onRemovable(string) (bool, error) { return false, ErrUnknownDrive }
