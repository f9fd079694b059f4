//go:build windows

package keystore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The Windows moves: replace (with write-through) swaps the content in one
// step; no-replace refuses an existing file in one step and leaves both
// files as they were.
func TestWindowsMoveFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.tmp"), filepath.Join(dir, "b.key")
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	read := func(p string) string {
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(got)
	}
	write(a, "new")
	write(b, "old")
	err := renameNoReplace(a, b)
	if !errors.Is(err, fs.ErrExist) {
		t.Fatalf("no-replace over an existing file: %v, want fs.ErrExist", err)
	}
	if read(a) != "new" || read(b) != "old" {
		t.Fatal("a refused no-replace move changed a file")
	}
	if err := renameReplace(a, b); err != nil {
		t.Fatal(err)
	}
	if read(b) != "new" {
		t.Fatal("replace did not replace")
	}
	if _, err := os.Lstat(a); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("the source is still there: %v", err)
	}
	c := filepath.Join(dir, "c.key")
	write(a, "third")
	if err := renameNoReplace(a, c); err != nil {
		t.Fatal(err)
	}
	if read(c) != "third" {
		t.Fatal("no-replace to a free name lost the content")
	}
}

// Windows file systems are case-insensitive: creating ALICE.KEY where
// alice.key exists is refused like the same name.
func TestWindowsCaseInsensitiveCreate(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "alice.key"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := atomicWrite(osFS{}, filepath.Join(dir, "ALICE.KEY"), []byte("y"), writeMode{create: true})
	if !errors.Is(err, ErrExists) {
		t.Fatalf("creating ALICE.KEY next to alice.key: %v, want ErrExists", err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "alice.key"))
	if string(got) != "x" {
		t.Fatal("the existing file changed")
	}
}

// The first budget check raises the minimum working set, so that memguard's
// VirtualLock calls have room (Windows' default, about 200 KiB, is what
// VirtualLock may lock in all).
func TestWindowsWorkingSetRaised(t *testing.T) {
	li := lockBudget()
	if li.note != "" {
		t.Fatal(li.note)
	}
	var lo, hi uintptr
	var flags uint32
	windows.GetProcessWorkingSetSizeEx(windows.CurrentProcess(), &lo, &hi, &flags)
	if lo < minWorkingSet {
		t.Fatalf("minimum working set %d, want at least %d", lo, minWorkingSet)
	}
	// And locking a budget's worth of pages works.
	b := make([]byte, otherLimitPages*pageSize)
	p := uintptr(unsafe.Pointer(&b[0]))
	if err := windows.VirtualLock(p, uintptr(len(b))); err != nil {
		t.Fatalf("VirtualLock of %d KiB: %v", len(b)/1024, err)
	}
	windows.VirtualUnlock(p, uintptr(len(b)))
}
