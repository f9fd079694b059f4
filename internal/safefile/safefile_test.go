//go:build unix

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// within fails the test if f does not return within a few seconds (a
// blocking open of a named pipe never returns).
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("reading hung (a named pipe opened for reading waits for a writer)")
		return nil
	}
}

func TestNamedPipeRefusedWithoutHanging(t *testing.T) {
	p := filepath.Join(t.TempDir(), "deal.cbor")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skip("no named pipes here:", err)
	}
	for _, read := range []func(string, Kind) ([]byte, error){Read, ReadNoFollow} {
		err := within(t, func() error { _, err := read(p, Message); return err })
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("a named pipe gave %v, want ErrNotRegular", err)
		}
	}
	err := within(t, func() error { _, _, err := Open(p, Message); return err })
	if !errors.Is(err, ErrNotRegular) {
		t.Errorf("Open of a named pipe gave %v", err)
	}
}

func TestSizeCheckedBeforeReading(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "huge.cbor")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file of 4 GiB: reading it would take 4 GiB of memory.
	if err := f.Truncate(4 << 30); err != nil {
		t.Skip(err)
	}
	f.Close()
	_, err = Read(p, Request)
	var e *Error
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &e) || e.Size != 4<<30 {
		t.Fatalf("a 4 GiB file gave %v", err)
	}
	small := filepath.Join(dir, "pass.txt")
	os.WriteFile(small, make([]byte, Passphrase.Max+1), 0o600)
	if _, err := Read(small, Passphrase); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a passphrase file one byte too long gave %v", err)
	}
	os.WriteFile(small, []byte("exactly\n"), 0o600)
	if b, err := Read(small, Passphrase); err != nil || string(b) != "exactly\n" {
		t.Errorf("read %q, %v", b, err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	if b, err := Read(empty, Message); err != nil || len(b) != 0 {
		t.Errorf("empty file: %q, %v", b, err)
	}
}

func TestFoldersAndLinks(t *testing.T) {
	dir := t.TempDir()
	if _, err := Read(dir, Message); !errors.Is(err, ErrNotRegular) {
		t.Errorf("a folder gave %v", err)
	}
	target := filepath.Join(dir, "target.cbor")
	os.WriteFile(target, []byte("x"), 0o600)
	link := filepath.Join(dir, "link.cbor")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	if b, err := Read(link, Message); err != nil || string(b) != "x" {
		t.Errorf("Read through a link: %q, %v", b, err)
	}
	if _, err := ReadNoFollow(link, Message); !errors.Is(err, ErrSymlink) {
		t.Errorf("ReadNoFollow of a link gave %v", err)
	}
	if _, err := Read(filepath.Join(dir, "absent"), Message); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file gave %v", err)
	}
}
