//go:build linux

package transfer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindRemovable(t *testing.T) {
	root := t.TempDir()
	devices := filepath.Join(root, "devices")
	sys := filepath.Join(root, "sys")
	dev := filepath.Join(root, "dev")
	// sdb: removable disk with partition sdb1; sda: fixed disk with sda2;
	// sdc: fixed USB SSD mounted under /run/media.
	mkfile(t, filepath.Join(devices, "sdb/removable"), "1\n")
	mkfile(t, filepath.Join(devices, "sdb/sdb1/partition"), "1\n")
	mkfile(t, filepath.Join(devices, "sda/removable"), "0\n")
	mkfile(t, filepath.Join(devices, "sda/sda2/partition"), "2\n")
	mkfile(t, filepath.Join(devices, "sdc/removable"), "0\n")
	mkfile(t, filepath.Join(devices, "sdc/sdc1/partition"), "1\n")
	mkfile(t, filepath.Join(devices, "mmcblk0/removable"), "1\n")
	os.MkdirAll(sys, 0o755)
	for _, l := range [][2]string{{"sdb/sdb1", "sdb1"}, {"sda/sda2", "sda2"}, {"sdc/sdc1", "sdc1"}, {"sdb", "sdb"}, {"mmcblk0", "mmcblk0"}} {
		if err := os.Symlink(filepath.Join(devices, l[0]), filepath.Join(sys, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	mkfile(t, filepath.Join(dev, "sdb1"), "")
	os.MkdirAll(filepath.Join(dev, "disk/by-uuid"), 0o755)
	os.Symlink("../../sdb1", filepath.Join(dev, "disk/by-uuid/1234-ABCD"))
	mounts := strings.Join([]string{
		"/dev/sda2 / ext4 rw,relatime 0 0",
		"/dev/disk/by-uuid/1234-ABCD /mnt/stick vfat rw 0 0",
		"/dev/sdc1 /run/media/bob/SSD exfat ro,nosuid 0 0",
		"/dev/mmcblk0 /srv/card ext4 rw 0 0",
		"tmpfs /media/tmp tmpfs rw 0 0",
		"/dev/sda2 /media/bob/data ext4 rw 0 0",
	}, "\n")
	got := findRemovable(mounts, sys, dev)
	want := []Drive{
		{MountPoint: "/mnt/stick", Device: "/dev/sdb1", FSType: "vfat", Label: "stick"},
		{MountPoint: "/run/media/bob/SSD", Device: "/dev/sdc1", FSType: "exfat", Label: "SSD", ReadOnly: true},
		{MountPoint: "/srv/card", Device: "/dev/mmcblk0", FSType: "ext4", Label: "card"},
		{MountPoint: "/media/bob/data", Device: "/dev/sda2", FSType: "ext4", Label: "data"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	_ = RemovableDrives() // must not fail on this machine
}

func TestOnRemovable(t *testing.T) {
	root := t.TempDir()
	sys := filepath.Join(root, "sys")
	dev := filepath.Join(root, "dev")
	mkfile(t, filepath.Join(sys, "sdb/removable"), "1\n")
	mkfile(t, filepath.Join(sys, "sda/removable"), "0\n")
	mkfile(t, filepath.Join(dev, "sdb"), "")
	mkfile(t, filepath.Join(dev, "sda"), "")
	stick := filepath.Join(root, "media/alice/STICK")
	os.MkdirAll(stick, 0o755)
	mounts := "/dev/sda / ext4 rw 0 0\n/dev/sdb " + stick + " vfat rw 0 0\n"
	// A link on the computer's disk to the stick counts as the stick.
	link := filepath.Join(root, "home-link")
	os.Symlink(stick, link)
	for _, c := range []struct {
		path string
		want bool
	}{
		{filepath.Join(stick, "conclave.key"), true},
		{filepath.Join(stick, "new-folder/conclave.key"), true},
		{filepath.Join(link, "conclave.key"), true},
		{filepath.Join(root, "home/conclave.key"), false},
		{"/conclave.key", false},
	} {
		got, err := onRemovableIn(c.path, mounts, sys, dev)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.path, got, err, c.want)
		}
	}
	// The stick unmounted: its mount point is a plain folder of the disk.
	if got, _ := onRemovableIn(filepath.Join(stick, "conclave.key"), "/dev/sda / ext4 rw 0 0\n", sys, dev); got {
		t.Error("an unmounted stick's empty mount point counts as removable")
	}
}
