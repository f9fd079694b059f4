package ceremony

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// benchProcsEnv names the number of Ps a benchmark run was asked for;
// scripts/bench.sh sets it for each of its go test runs.
const benchProcsEnv = "CONCLAVE_BENCH_PROCS"

// checkProcs fails a benchmark that runs with another number of Ps than it
// was asked for. With several -cpu values in one go test, a b.Loop
// benchmark's first line is measured with the GOMAXPROCS the process
// started with (golang/go#49980): a "one core" figure from two cores.
func checkProcs(b *testing.B) {
	want := os.Getenv(benchProcsEnv)
	if want == "" {
		return
	}
	n, err := strconv.Atoi(want)
	if err != nil {
		b.Fatalf("%s=%q is not a number", benchProcsEnv, want)
	}
	if got := runtime.GOMAXPROCS(0); got != n {
		b.Fatalf("this benchmark runs with GOMAXPROCS=%d, but %d was asked for: run each -cpu value as its own go test (golang/go#49980)", got, n)
	}
}

// BenchmarkProcsProbe does nothing but check its Ps, for TestOneCoreMeansOneP.
func BenchmarkProcsProbe(b *testing.B) {
	for b.Loop() {
		checkProcs(b)
	}
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "procs")
}

// TestOneCoreMeansOneP runs the probe benchmark in a child test process,
// the way scripts/bench.sh runs every benchmark (GOMAXPROCS and -cpu set to
// the same value, one value per process), and the way the old `make bench`
// did (-cpu 1,2 in one process): the first must see one P, the second must
// be caught.
func TestOneCoreMeansOneP(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	if os.Getenv(benchProcsEnv) != "" {
		t.Skip("inside a benchmark run")
	}
	run := func(gomaxprocs, cpu string) (string, error) {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkProcsProbe$",
			"-test.benchtime=3x", "-test.cpu="+cpu)
		cmd.Env = append(os.Environ(), "GOMAXPROCS="+gomaxprocs, benchProcsEnv+"=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run("1", "1")
	if err != nil || !strings.Contains(out, "1.000 procs") {
		t.Fatalf("a one-core run as scripts/bench.sh makes it does not see exactly one P (%v):\n%s", err, out)
	}
	out, err = run("2", "1,2")
	if err == nil || !strings.Contains(out, "--- FAIL: BenchmarkProcsProbe\n") {
		t.Fatalf("-cpu 1,2 in one process was not caught measuring its one-core line with two Ps (%v):\n%s", err, out)
	}
}
