package keystore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestInterruptedSave fails Save at every step of the write path, as an
// error (with clean-up) and as a crash (power cut: nothing after the
// step), and checks that the file then opens with the old or the new
// content, exactly as expected for that step; that stale temporary files
// are removed by the next Open; and that a retry succeeds.
func TestInterruptedSave(t *testing.T) {
	oldSecret, newSecret := []byte("old secret"), []byte("new secret, longer than the old")
	for _, crash := range []bool{false, true} {
		for _, step := range writeSteps {
			name := step
			if crash {
				name += "/crash"
			}
			t.Run(name, func(t *testing.T) {
				s, path := newTestStore(t, oldSecret)
				dir := filepath.Dir(path)
				ffs := &faultFS{failAt: step, crash: crash}
				s.fs = ffs
				err := s.Save(testHeader(), newSecret)
				if !errors.Is(err, ErrWriteFailed) {
					t.Fatalf("Save err = %v, want ErrWriteFailed", err)
				}
				checkErrShape(t, err)
				if !errors.Is(err, errInjected) {
					t.Fatalf("cause lost: %v", err)
				}
				want := oldSecret
				if step == "syncdir" {
					want = newSecret // renamed, not yet durable
				}
				// The Store keeps its old content after a failed Save.
				if got := secretOf(t, s); !bytes.Equal(got, oldSecret) {
					t.Fatalf("Store content after failure = %q", got)
				}
				left := temps(t, dir)
				if !crash && len(left) != 0 {
					t.Fatalf("temporary files left after a clean failure: %v", left)
				}
				if crash && step != "create" && step != "rename" && step != "syncdir" && len(left) == 0 {
					t.Fatalf("crash at %s left no temporary file (test does not model the crash)", step)
				}
				if got := openSecretAt(t, path, testPass); !bytes.Equal(got, want) {
					t.Fatalf("file opens as %q, want %q", got, want)
				}
				if left := temps(t, dir); len(left) != 0 {
					t.Fatalf("Open did not clean %v", left)
				}
				// Retry succeeds (even when the file already holds the new content).
				s.fs = osFS{}
				if err := s.Save(testHeader(), newSecret); err != nil {
					t.Fatalf("retry: %v", err)
				}
				if got := openSecretAt(t, path, testPass); !bytes.Equal(got, newSecret) {
					t.Fatalf("after retry: %q", got)
				}
			})
		}
	}
}

func TestInterruptedCreate(t *testing.T) {
	for _, crash := range []bool{false, true} {
		for _, step := range writeSteps {
			t.Run(fmt.Sprintf("%s/crash=%v", step, crash), func(t *testing.T) {
				dir := t.TempDir()
				path := filepath.Join(dir, "k.cks")
				_, err := create(&faultFS{failAt: step, crash: crash}, path, pw(t, testPass), testHeader(), testSecret, testKDF)
				if !errors.Is(err, ErrWriteFailed) {
					t.Fatalf("err = %v", err)
				}
				if step == "syncdir" {
					if got := openSecretAt(t, path, testPass); !bytes.Equal(got, testSecret) {
						t.Fatalf("%q", got)
					}
					return
				}
				if _, err := os.Stat(path); !os.IsNotExist(err) {
					t.Fatal("a file exists after a failed Create")
				}
				// Creating again works and cleans what a crash left.
				s, err := Create(path, pw(t, testPass), testHeader(), testSecret, testKDF)
				if err != nil {
					t.Fatalf("create again: %v", err)
				}
				s.Destroy()
				if left := temps(t, dir); len(left) != 0 {
					t.Fatalf("temporary files left: %v", left)
				}
			})
		}
	}
}

func TestInterruptedChangePassphrase(t *testing.T) {
	for _, step := range writeSteps {
		t.Run(step, func(t *testing.T) {
			s, path := newTestStore(t, testSecret)
			s.fs = &faultFS{failAt: step, crash: true}
			if err := s.ChangePassphrase(pw(t, testPass2), testKDF); !errors.Is(err, ErrWriteFailed) {
				t.Fatal(err)
			}
			pass := testPass
			if step == "syncdir" {
				pass = testPass2
			}
			if got := openSecretAt(t, path, pass); !bytes.Equal(got, testSecret) {
				t.Fatalf("%q", got)
			}
			// The Store still holds the old key after the failure.
			s.fs = osFS{}
			if step != "syncdir" {
				if err := s.Save(testHeader(), []byte("x")); err != nil {
					t.Fatalf("save after failure: %v", err)
				}
				if got := openSecretAt(t, path, testPass); string(got) != "x" {
					t.Fatalf("%q", got)
				}
			}
		})
	}
}

// TestWriteStepsOrder checks the write path runs every step, in order.
func TestWriteStepsOrder(t *testing.T) {
	s, _ := newTestStore(t, testSecret)
	ffs := &faultFS{}
	s.fs = ffs
	if err := s.Save(testHeader(), []byte("y")); err != nil {
		t.Fatal(err)
	}
	want := []string{"create", "write", "sync", "close", "readback", "rename", "syncdir"}
	if len(ffs.steps) != len(want) {
		t.Fatalf("steps %v", ffs.steps)
	}
	for i := range want {
		if ffs.steps[i] != want[i] {
			t.Fatalf("steps %v", ffs.steps)
		}
	}
}
