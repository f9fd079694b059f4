package keystore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestRealLowMemlock exercises the real limit. It only runs where locking
// is limited (an unprivileged user), e.g.:
//
//	go test -c -o /tmp/ks/keystore.test ./keystore && cd /tmp/ks &&
//	setpriv --reuid=65534 --regid=65534 --clear-groups \
//	  prlimit --memlock=65536 ./keystore.test -test.run LowMemlock -test.v
//
// It uses the budget normally, then locks nearly all of what is left so
// that memguard would deadlock if called, and checks that every operation
// still returns (working in ordinary memory or refusing with
// ErrLockedMemory), then frees it and checks that locking resumes.
func TestRealLowMemlock(t *testing.T) {
	li := lockBudget()
	if li.unlimited {
		t.Skip("memory locking is unlimited here (root or CAP_IPC_LOCK); run as an unprivileged user under prlimit --memlock=65536")
	}
	t.Logf("budget at start: limit %d KiB, used %d KiB", li.limit>>10, li.used>>10)
	watchdog := time.AfterFunc(60*time.Second, func() { panic("keystore: deadlock (no progress in 60 s)") })
	defer watchdog.Stop()

	secret := bytes.Repeat([]byte("share"), 100)
	s, path := newTestStore(t, secret)
	t.Logf("within the limit: secret in enclave=%v, key in enclave=%v", s.st.secret.enc != nil, s.st.key.enc != nil)
	if got := secretOf(t, s); !bytes.Equal(got, secret) {
		t.Fatal("Use")
	}
	if err := s.Save(testHeader(), secret); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(t.TempDir()); err != nil {
		t.Fatal(err)
	}

	// Exhaust the budget, leaving less than one page.
	left := lockBudget().avail()
	n := int(left/pageSize) * int(pageSize)
	var mem []byte
	if n > 0 {
		var err error
		mem, err = unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
		if err != nil {
			t.Fatal(err)
		}
		if err := unix.Mlock(mem); err != nil {
			t.Fatalf("mlock %d bytes: %v", n, err)
		}
	}
	t.Logf("exhausted: %d bytes of locked memory left", lockBudget().avail())

	err := s.Use(func([]byte) error { return nil })
	t.Logf("Use on an enclave with no budget: %v", err)
	if err != nil && !errors.Is(err, ErrLockedMemory) {
		t.Fatal(err)
	}
	p := NewPassphrase([]byte(testPass))
	if _, ok := p.(*plainPassphrase); !ok {
		t.Fatalf("passphrase locked with no budget: %T", p)
	}
	s2, err := Open(path, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := secretOf(t, s2); !bytes.Equal(got, secret) {
		t.Fatal("Use in ordinary memory")
	}
	if err := s2.Save(testHeader(), []byte("saved while exhausted")); err != nil {
		t.Fatal(err)
	}
	if err := s2.ChangePassphrase(pw(t, testPass2), testKDF); err != nil {
		t.Fatal(err)
	}
	s2.Destroy()
	p2 := filepath.Join(t.TempDir(), "new.cks")
	s3, err := Create(p2, pw(t, testPass), testHeader(), secret, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	s3.Destroy()
	ok, msg := LockedMemoryStatus()
	t.Logf("LockedMemoryStatus: %v %q", ok, msg)
	if ok {
		t.Fatal("status ok while exhausted")
	}

	// Free it: locking works again.
	if mem != nil {
		unix.Munlock(mem)
		unix.Munmap(mem)
	}
	s4, err := Open(path, pw(t, testPass2))
	if err != nil {
		t.Fatal(err)
	}
	defer s4.Destroy()
	if s4.st.secret.enc == nil && lockBudget().avail() > 16*pageSize {
		t.Fatal("no enclave after the budget came back")
	}
	if got := secretOf(t, s4); string(got) != "saved while exhausted" {
		t.Fatalf("%q", got)
	}
	_ = os.Getpid()
}
