package keystore

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// withBudget makes the package see a locked-memory budget of at most
// availPages (never more than the real one: memguard would deadlock).
func withBudget(t *testing.T, availPages int64) {
	t.Helper()
	lockMu.Lock()
	old := budgetFn
	budgetFn = func() lockInfo {
		if real := old(); !real.unlimited && real.avail() < availPages*pageSize {
			return real
		}
		return lockInfo{measured: true, limit: 64 << 10, used: 64<<10 - availPages*pageSize}
	}
	lockMu.Unlock()
	statusMu.Lock()
	oldDeg := degraded
	degraded = ""
	statusMu.Unlock()
	t.Cleanup(func() {
		lockMu.Lock()
		budgetFn = old
		lockMu.Unlock()
		statusMu.Lock()
		degraded = oldDeg
		statusMu.Unlock()
	})
}

// TestNoLockedMemory runs every operation with no locked memory at all:
// everything keeps working in ordinary memory, and the status says so once.
func TestNoLockedMemory(t *testing.T) {
	withBudget(t, 0)
	p := NewPassphrase([]byte(testPass))
	if _, ok := p.(*plainPassphrase); !ok {
		t.Fatalf("passphrase in %T", p)
	}
	s, path := newTestStore(t, testSecret)
	if s.st.secret.enc != nil || s.st.key.enc != nil {
		t.Fatal("enclave used without budget")
	}
	if got := secretOf(t, s); !bytes.Equal(got, testSecret) {
		t.Fatal("Use")
	}
	if err := s.Save(testHeader(), []byte("two")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangePassphrase(pw(t, testPass2), testKDF); err != nil {
		t.Fatal(err)
	}
	if got := openSecretAt(t, path, testPass2); string(got) != "two" {
		t.Fatal("reopen")
	}
	ok, msg := LockedMemoryStatus()
	if ok || !strings.Contains(msg, "Memory locking is limited") || !strings.Contains(msg, "raise the locked-memory limit") {
		t.Fatalf("status %v %q", ok, msg)
	}
	ok2, msg2 := LockedMemoryStatus()
	if ok2 || msg2 != msg {
		t.Fatal("status not stable")
	}
	// Destroy wipes the plain copies.
	plain := s.st.secret.plain
	s.Destroy()
	if !bytes.Equal(plain, make([]byte, len(plain))) {
		t.Fatal("plain secret not wiped")
	}
}

// TestLockedMemoryShrinks: a secret sealed in an enclave while memory
// allowed it, and opened when it no longer does, gives ErrLockedMemory
// rather than calling memguard (which would deadlock).
func TestLockedMemoryShrinks(t *testing.T) {
	withBudget(t, 64)
	s, _ := newTestStore(t, testSecret)
	if s.st.secret.enc == nil {
		if li := lockBudget(); !li.unlimited && li.avail() < 64*pageSize {
			t.Skipf("the real locked-memory budget (%d bytes) is too small for this test", li.avail())
		}
		t.Fatal("enclave not used with budget")
	}
	if ok, msg := LockedMemoryStatus(); !ok {
		t.Fatalf("status with budget: %q", msg)
	}
	lockMu.Lock()
	budgetFn = func() lockInfo { return lockInfo{measured: true, limit: 64 << 10, used: 64 << 10} }
	lockMu.Unlock()
	err := s.Use(func([]byte) error { t.Fatal("fn called"); return nil })
	if !errors.Is(err, ErrLockedMemory) {
		t.Fatalf("err = %v", err)
	}
	checkErrShape(t, err)
	if ok, _ := LockedMemoryStatus(); ok {
		t.Fatal("status ok after refusal")
	}
	// Save still works: the new secret goes to ordinary memory, the key
	// cannot be opened, so it is refused cleanly too.
	if err := s.Save(testHeader(), []byte("x")); !errors.Is(err, ErrLockedMemory) {
		t.Fatalf("save: %v", err)
	}
}

func TestRealBudgetProbe(t *testing.T) {
	li := lockBudget()
	t.Logf("lock budget: %+v (page %d)", li, pageSize)
	ok, msg := LockedMemoryStatus()
	t.Logf("LockedMemoryStatus: %v %q", ok, msg)
	if !li.unlimited && !li.measured {
		t.Log("budget not measurable here")
	}
}
