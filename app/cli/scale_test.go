//go:build linux

package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/ceremony/group"

	"golang.org/x/sys/unix"
)

// TestScale runs the decryption verbs of the real command line (the
// binary named by CONCLAVE_SCALE_BIN, built with -tags ci) on requests of
// 100,000, 200,000 and 1,000,000 single ballots (threshold 3, and 1 for
// the million), from the voting system's ciphertext file (board request)
// to the count, verify and board status, and prints for each verb its
// cost per ciphertext as a number of variable-base scalar
// multiplications timed in this process just before and after it, and its
// peak RSS (the child's getrusage). scripts/bench.sh (make bench) runs it
// with CONCLAVE_SCALE_PROCS=1 and then with every core.
//
// CONCLAVE_SCALE_VERBS (e.g. CLIMemberDecrypt) runs only the verbs it
// lists, by the names of the lines below.
//
// Lines: SCALE Benchmark<verb>/<n> 1 <ns> ns/op <x> SM/ciphertext <m> MiB-peak-RSS
func TestScale(t *testing.T) {
	bin := os.Getenv("CONCLAVE_SCALE_BIN")
	if bin == "" {
		t.Skip("set CONCLAVE_SCALE_BIN to a conclave binary (scripts/bench.sh does)")
	}
	procs := os.Getenv("CONCLAVE_SCALE_PROCS")
	if procs == "" {
		procs = strconv.Itoa(runtime.NumCPU())
	}
	sizes := []int{100_000, 200_000, 1_000_000}
	if s := os.Getenv("CONCLAVE_SCALE_SIZES"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	runs := 1
	if s := os.Getenv("CONCLAVE_SCALE_RUNS"); s != "" {
		runs, _ = strconv.Atoi(s)
	}
	for _, n := range sizes {
		reps := runs
		if n > 200_000 {
			reps = 1
		}
		for r := 0; r < reps; r++ {
			scaleOnce(t, bin, procs, n)
		}
	}
}

func scaleOnce(t *testing.T, bin, procs string, n int) {
	work := t.TempDir()
	f := func(s string) string { return filepath.Join(work, s) }
	// Above 200,000 ciphertexts (the memory figures), a threshold of one:
	// one answer, so that a run takes minutes, not an hour.
	threshold := 3
	if n > 200_000 {
		threshold = 1
	}
	board, ms := threeMembers(t, work, threshold)
	run(t, 0, "board", "key", board, "--out", f("key.cbor"))
	key, err := readElectionKey(f("key.cbor"), ceremonyOf(t, f("key.cbor")), "")
	if err != nil {
		t.Fatal(err)
	}
	y := key.Key
	batch := &office.Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(y, n)}
	if err := os.WriteFile(f("ciphertexts.json"), batch.JSON(), 0o644); err != nil {
		t.Fatal(err)
	}
	batch = nil
	runtime.GC()
	reqFile := f("request.cbor")
	only := os.Getenv("CONCLAVE_SCALE_VERBS") // e.g. CLIMemberDecrypt: those verbs only
	verb := func(name string, args ...string) {
		if only != "" && !slices.Contains(strings.Split(only, ","), name) {
			return
		}
		sm := smCost()
		start := time.Now()
		cpu, rss := runMeasured(t, procs, bin, args...)
		wall := time.Since(start)
		sm = (sm + smCost()) / 2
		cost := wall
		if procs == "1" {
			cost = cpu
		}
		fmt.Printf("SCALE Benchmark%s/%d 1 %d ns/op %.3f SM/ciphertext %.1f MiB-peak-RSS\n",
			name, n, wall.Nanoseconds(), float64(cost)/float64(n)/float64(sm), float64(rss)/(1<<20))
	}
	// The request, made by the command line from the voting system's file;
	// in this process when that verb is not measured.
	if only != "" && !slices.Contains(strings.Split(only, ","), "CLIBoardRequest") {
		run(t, 0, "board", "request", board, "--ciphertexts", f("ciphertexts.json"), "--out", reqFile)
	} else {
		verb("CLIBoardRequest", "board", "request", board, "--ciphertexts", f("ciphertexts.json"), "--out", reqFile)
	}
	for j, m := range ms[:threshold] {
		ans := f(fmt.Sprintf("answer%d.cbor", j))
		verb("CLIMemberDecrypt", "member", "decrypt", "--keystore", m.keystore, "--in", reqFile, "--out", ans, "--yes", "--passphrase-file", m.pass)
		verb("CLIBoardAdd", "board", "add", board, ans)
	}
	verb("CLIBoardTally", "board", "tally", board, "--out", f("result.json"))
	verb("CLIVerify", "verify", board)
	verb("CLIBoardStatus", "board", "status", board)
}

// runMeasured runs the binary through this test binary started afresh
// (TestScaleChild), whose memory is small: Linux's peak RSS of a process
// (ru_maxrss) starts from that of the process that started it, and this
// one holds the million ciphertexts. It returns the verb's CPU time and
// peak RSS in bytes (at most a few MiB above the verb's own: the helper's
// start-up).
func runMeasured(t *testing.T, procs, bin string, args ...string) (time.Duration, int64) {
	t.Helper()
	argv, _ := json.Marshal(append([]string{bin}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestScaleChild$", "-test.v")
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+procs, "CONCLAVE_SCALE_CHILD="+string(argv))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("conclave %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var cpu, rss int64
	for _, line := range strings.Split(string(out), "\n") {
		if _, err := fmt.Sscanf(line, "CHILD %d %d", &cpu, &rss); err == nil {
			return time.Duration(cpu), rss
		}
	}
	t.Fatalf("no measurement from the helper:\n%s", out)
	return 0, 0
}

// TestScaleChild is the helper of runMeasured: it runs the command named
// by CONCLAVE_SCALE_CHILD (JSON) and prints its CPU time and peak RSS.
func TestScaleChild(t *testing.T) {
	spec := os.Getenv("CONCLAVE_SCALE_CHILD")
	if spec == "" {
		t.Skip("a helper of TestScale")
	}
	var argv []string
	if err := json.Unmarshal([]byte(spec), &argv); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	fmt.Printf("CHILD %d %d\n", syscall.TimevalToNsec(ru.Utime)+syscall.TimevalToNsec(ru.Stime), ru.Maxrss*1024)
}

// smCost times 100 variable-base scalar multiplications in this process
// (CPU time) and returns the cost of one.
func smCost() time.Duration {
	x := group.NewScalar().SetUint64(0x1234567)
	x.Multiply(x, x)
	p := group.NewGeneratorElement()
	cpu := func() time.Duration {
		var ts unix.Timespec
		unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
		return time.Duration(ts.Nano())
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := cpu()
	for i := 0; i < 100; i++ {
		p.ScalarMult(x, p)
	}
	return (cpu() - start) / 100
}

// ballotsOfOne returns n encryptions of 1 under y, (r·G, G + r·Y) for
// r = r0, r0+1, ..., made by additions.
func ballotsOfOne(y *group.Element, n int) []byte {
	r0 := group.NewScalar().SetUint64(0x9e3779b97f4a7c15)
	a := group.NewIdentityElement().ScalarBaseMult(r0)
	bb := group.NewIdentityElement().ScalarMult(r0, y)
	g := group.NewGeneratorElement()
	bb.Add(bb, g)
	out := make([]byte, 0, n*ceremony.CiphertextSize)
	for i := 0; i < n; i++ {
		out = append(out, a.Bytes()...)
		out = append(out, bb.Bytes()...)
		a.Add(a, g)
		bb.Add(bb, y)
	}
	return out
}

// threeMembers runs a ceremony of three members whose poll closed in
// 2026, through the command line in this process.
func threeMembers(t *testing.T, work string, threshold int) (string, []*cliMember) {
	t.Helper()
	f := func(n string) string { return filepath.Join(work, n) }
	board := f("board")
	run(t, 0, "board", "new", board, "--title", "Scale", "--members", "3", "--threshold", strconv.Itoa(threshold), "--close", "2026-01-01T18:00:00Z", "--i-understand")
	run(t, 0, "board", "next", board, "--out", f("call.cbor"))
	var ms []*cliMember
	for i, name := range []string{"Alice", "Bruno", "Chloé"} {
		m := &cliMember{name: name, keystore: f(fmt.Sprintf("stick%d/conclave.key", i)), pass: f(fmt.Sprintf("pass%d", i))}
		os.MkdirAll(filepath.Dir(m.keystore), 0o700)
		os.WriteFile(m.pass, []byte(fmt.Sprintf("granite puzzle harbor %d saffron lantern\n", i*7919)), 0o600)
		m.step(t, f("call.cbor"), f(fmt.Sprintf("card%d.cbor", i)))
		run(t, 0, "board", "add", board, f(fmt.Sprintf("card%d.cbor", i)))
		ms = append(ms, m)
	}
	for step := 0; step < 4; step++ {
		run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
		for i, m := range ms {
			out := m.step(t, f("next.cbor"), f(fmt.Sprintf("msg%d.cbor", i)))
			if strings.Contains(out, "Wrote") {
				run(t, 0, "board", "add", board, f(fmt.Sprintf("msg%d.cbor", i)))
			}
		}
	}
	return board, ms
}
