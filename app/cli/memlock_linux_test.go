package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

const (
	memlockKiBEnv  = "CONCLAVE_TEST_CLI_MEMLOCK_KIB"
	memlockArgsEnv = "CONCLAVE_TEST_CLI_ARGS"
)

// TestMemberVerbsUnderEveryMemlockLimit (issue 10): member step, decrypt
// and check complete whatever the locked-memory limit; 32 to 36 KiB used
// to make them refuse with "not enough locked memory". Each member verb
// runs in a process of its own, as with the real binary, without
// CAP_IPC_LOCK (so that the limit applies to root too) and under the limit.
func TestMemberVerbsUnderEveryMemlockLimit(t *testing.T) {
	if os.Getenv(memlockKiBEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("runs a ceremony per limit")
	}
	for _, kib := range []int{0, 16, 32, 33, 34, 35, 36, 64} {
		t.Run(fmt.Sprintf("%dKiB", kib), func(t *testing.T) {
			member := func(args ...string) string {
				t.Helper()
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				defer cancel()
				js, _ := json.Marshal(args)
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMemberVerbChild$")
				cmd.Env = append(os.Environ(), memlockKiBEnv+"="+strconv.Itoa(kib), memlockArgsEnv+"="+string(js))
				out, err := cmd.CombinedOutput()
				if ctx.Err() != nil {
					t.Fatalf("deadlock or too slow at %d KiB: conclave %s\n%s", kib, strings.Join(args, " "), out)
				}
				if err != nil {
					t.Fatalf("at %d KiB: conclave %s: %v\n%s", kib, strings.Join(args, " "), err, out)
				}
				return string(out)
			}
			work := t.TempDir()
			f := func(n string) string { return filepath.Join(work, n) }
			run(t, 0, "board", "new", f("board"), "--title", "Memlock", "--members", "1", "--threshold", "1", "--close", "2020-01-01T00:00:00Z", "--i-understand")
			run(t, 0, "board", "next", f("board"), "--out", f("call.cbor"), "--force")
			os.WriteFile(f("pass"), []byte("granite puzzle harbor 4471 saffron\n"), 0o600)
			ks := f("alice.key")
			member("member", "step", "--yes", "--i-understand", "--keystore", ks, "--name", "Alice", "--in", f("call.cbor"), "--out", f("card.cbor"), "--force",
				"--passphrase-file", f("pass"), "--kdf-memory", "8", "--kdf-time", "1")
			run(t, 0, "board", "add", f("board"), f("card.cbor"))
			for i := 0; i < 4; i++ {
				run(t, 0, "board", "next", f("board"), "--out", f("next.cbor"), "--force")
				out := member("member", "step", "--yes", "--i-understand", "--keystore", ks, "--in", f("next.cbor"), "--out", f("answer.cbor"), "--force", "--passphrase-file", f("pass"))
				if strings.Contains(out, "Wrote") {
					run(t, 0, "board", "add", f("board"), f("answer.cbor"))
				}
			}
			run(t, 0, "board", "key", f("board"), "--out", f("key.cbor"), "--force")
			run(t, 0, "ballots", "encrypt", "--key", f("key.cbor"), "--expect", ceremonyOf(t, f("key.cbor")), "--simulate", "5", "--options", "2", "--out", f("ballots.json"), "--force")
			run(t, 0, "ballots", "sum", f("ballots.json"), "--out", f("tally.json"), "--force")
			run(t, 0, "board", "request", f("board"), "--ciphertexts", f("tally.json"), "--out", f("request.cbor"), "--force")
			member("member", "decrypt", "--keystore", ks, "--in", f("request.cbor"), "--out", f("answer.cbor"), "--force", "--yes", "--passphrase-file", f("pass"))
			member("member", "check", "--keystore", ks, "--passphrase-file", f("pass"))
		})
	}
}

// TestMemberVerbChild runs one verb for TestMemberVerbsUnderEveryMemlockLimit
// and exits with its status.
func TestMemberVerbChild(t *testing.T) {
	v := os.Getenv(memlockKiBEnv)
	if v == "" {
		t.Skip("run by TestMemberVerbsUnderEveryMemlockLimit")
	}
	kib, _ := strconv.Atoi(v)
	var args []string
	if err := json.Unmarshal([]byte(os.Getenv(memlockArgsEnv)), &args); err != nil {
		t.Fatal(err)
	}
	// Drop CAP_IPC_LOCK from every thread (with it root ignores RLIMIT_MEMLOCK).
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		t.Fatal(err)
	}
	const capIPCLock = 14
	data[0].Effective &^= 1 << capIPCLock
	data[0].Permitted &^= 1 << capIPCLock
	data[0].Inheritable &^= 1 << capIPCLock
	if _, _, e := syscall.AllThreadsSyscall(unix.SYS_CAPSET, uintptr(unsafe.Pointer(&hdr)), uintptr(unsafe.Pointer(&data[0])), 0); e != 0 {
		t.Fatalf("cannot drop CAP_IPC_LOCK: %v", e)
	}
	lim := uint64(kib) * 1024
	if err := unix.Setrlimit(unix.RLIMIT_MEMLOCK, &unix.Rlimit{Cur: lim, Max: lim}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &out)
	os.Stdout.Write(out.Bytes())
	os.Exit(code)
}
