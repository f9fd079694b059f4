//go:build windows

package transfer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"
)

func TestFindRemovableWindows(t *testing.T) {
	types := map[string]uint32{
		`C:\`: windows.DRIVE_FIXED,
		`D:\`: windows.DRIVE_CDROM,
		`E:\`: windows.DRIVE_REMOVABLE,
		`F:\`: windows.DRIVE_REMOVABLE, // a card reader with no card
		`G:\`: windows.DRIVE_REMOTE,
		`K:\`: windows.DRIVE_REMOVABLE,
	}
	vols := map[string]volume{
		`E:\`: {label: "CONCLAVE", fsType: "FAT32"},
		`K:\`: {label: "", fsType: "exFAT", readOnly: true},
	}
	kind := func(root string) uint32 { return types[root] }
	info := func(root string) (volume, error) {
		v, ok := vols[root]
		if !ok {
			return volume{}, errors.New("no medium")
		}
		return v, nil
	}
	// C D E F G K, and Z (not in the table: DRIVE_UNKNOWN)
	mask := uint32(1<<2 | 1<<3 | 1<<4 | 1<<5 | 1<<6 | 1<<10 | 1<<25)
	got := findRemovableWindows(mask, kind, info)
	want := []Drive{
		{MountPoint: `E:\`, Device: "E:", FSType: "fat32", Label: "CONCLAVE (E:)"},
		{MountPoint: `K:\`, Device: "K:", FSType: "exfat", Label: "K:", ReadOnly: true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("drive %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// A letter missing from the mask is not asked about.
	if d := findRemovableWindows(1<<2, kind, info); len(d) != 0 {
		t.Errorf("only C: in the mask, got %+v", d)
	}
}

// TestRemovableDrivesSystem asks the real system. The Wine harness
// (scripts/windows-check.sh) maps a folder as a removable drive and names
// it in CONCLAVE_TEST_REMOVABLE (e.g. "R:"); elsewhere the test only
// checks that no fixed drive is listed.
func TestRemovableDrivesSystem(t *testing.T) {
	drives := RemovableDrives()
	for _, d := range drives {
		if k := driveType(d.MountPoint); k != windows.DRIVE_REMOVABLE {
			t.Errorf("%s listed but its type is %d", d.MountPoint, k)
		}
	}
	want := os.Getenv("CONCLAVE_TEST_REMOVABLE")
	if want == "" {
		t.Skip("CONCLAVE_TEST_REMOVABLE not set: no removable drive known to be present")
	}
	for _, d := range drives {
		if strings.EqualFold(d.Device, want) {
			if d.ReadOnly {
				t.Errorf("%s is listed read-only", want)
			}
			return
		}
	}
	t.Fatalf("%s is not among the removable drives %+v", want, drives)
}

// onRemovable goes by the drive letter of the path: on the harness's
// removable R: a file is on a removable drive, on C: it is not.
func TestOnRemovableWindows(t *testing.T) {
	if on, err := onRemovable(filepath.Join(t.TempDir(), "x.cbor")); err != nil || on {
		t.Errorf("a file in the temporary folder (fixed drive): %v, %v", on, err)
	}
	if on, _ := onRemovable(`\\server\share\x.cbor`); on {
		t.Error("a network share counted as removable")
	}
	want := os.Getenv("CONCLAVE_TEST_REMOVABLE")
	if want == "" {
		t.Skip("CONCLAVE_TEST_REMOVABLE not set")
	}
	if on, err := onRemovable(want + `\conclave\m1.key`); err != nil || !on {
		t.Fatalf("a file on %s: %v, %v", want, on, err)
	}
}
