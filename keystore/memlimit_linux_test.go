package keystore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const memlockChildEnv = "CONCLAVE_TEST_MEMLOCK_KIB"

// TestEveryMemlockLimitWorks (issue 10): with RLIMIT_MEMLOCK at any value
// (0, 16, 32 to 36, 64 KiB...) every operation completes, in locked memory
// where the limit allows and in wiped ordinary memory where it does not;
// none refuses with ErrLockedMemory and none deadlocks. A limit of 32 to
// 36 KiB used to make every Use refuse. Each limit runs in a child process
// without CAP_IPC_LOCK (so that root is limited too).
func TestEveryMemlockLimitWorks(t *testing.T) {
	if os.Getenv(memlockChildEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("starts a process per limit")
	}
	for _, kib := range []int{0, 16, 24, 28, 32, 33, 34, 35, 36, 40, 44, 48, 56, 64, 128} {
		t.Run(fmt.Sprintf("%dKiB", kib), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMemlockChild$", "-test.v")
			cmd.Env = append(os.Environ(), memlockChildEnv+"="+strconv.Itoa(kib))
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("deadlock or too slow at %d KiB:\n%s", kib, out)
			}
			if err != nil || !bytes.Contains(out, []byte("--- PASS: TestMemlockChild")) {
				t.Fatalf("at %d KiB: %v\n%s", kib, err, out)
			}
			for _, l := range bytes.Split(out, []byte("\n")) {
				if bytes.Contains(l, []byte("memlock:")) {
					t.Log(string(bytes.TrimSpace(l)))
				}
			}
		})
	}
}

// dropIPCLock removes CAP_IPC_LOCK from every thread's effective and
// permitted sets, so that RLIMIT_MEMLOCK applies even to root.
func dropIPCLock() error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return err
	}
	data[0].Effective &^= 1 << capIPCLock
	data[0].Permitted &^= 1 << capIPCLock
	data[0].Inheritable &^= 1 << capIPCLock
	_, _, e := syscall.AllThreadsSyscall(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0)
	if e != 0 {
		return e
	}
	return nil
}

// TestMemlockChild is the child of TestEveryMemlockLimitWorks.
func TestMemlockChild(t *testing.T) {
	v := os.Getenv(memlockChildEnv)
	if v == "" {
		t.Skip("run by TestEveryMemlockLimitWorks")
	}
	kib, _ := strconv.Atoi(v)
	if err := dropIPCLock(); err != nil {
		t.Fatalf("cannot drop CAP_IPC_LOCK: %v", err)
	}
	lim := uint64(kib) * 1024
	if err := unix.Setrlimit(unix.RLIMIT_MEMLOCK, &unix.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Fatal(err)
	}
	li := lockBudget()
	if li.unlimited {
		t.Fatal("still unlimited")
	}
	t.Logf("memlock: limit %d KiB, %d KiB locked at start (uid %d)", li.limit>>10, li.used>>10, os.Getuid())
	for _, size := range []int{100, 3000, 9000} {
		secret := bytes.Repeat([]byte{byte(size)}, size)
		dir := t.TempDir()
		path := filepath.Join(dir, "k.cks")
		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("memlock %d KiB, secret of %d bytes, %s: %v", kib, size, what, err)
			}
		}
		p := NewPassphrase([]byte(testPass))
		s, err := Create(path, p, testHeader(), secret, testKDF)
		p.Destroy()
		step("create", err)
		s.Destroy()
		p = NewPassphrase([]byte(testPass))
		s, err = Open(path, p)
		p.Destroy()
		step("open", err)
		for i := 0; i < 3; i++ {
			step("use", s.Use(func(b []byte) error {
				if !bytes.Equal(b, secret) {
					return errors.New("wrong secret")
				}
				return nil
			}))
			step("save", s.Save(testHeader(), secret))
		}
		_, err = s.Backup(t.TempDir())
		step("backup", err)
		step("verify copy", s.VerifyCopy(path))
		p = NewPassphrase([]byte(testPass2))
		step("change passphrase", s.ChangePassphrase(p, testKDF))
		p.Destroy()
		step("use after change", s.Use(func([]byte) error { return nil }))
		enclave := s.st.secret.enc != nil
		s.Destroy()
		t.Logf("memlock: %d KiB, secret %d bytes: every operation completed; secret in an enclave at the end: %v", kib, size, enclave)
	}
	ok, _ := LockedMemoryStatus()
	t.Logf("memlock: %d KiB: LockedMemoryStatus ok=%v", kib, ok)
}
