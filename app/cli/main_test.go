package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps the board's check cache (office.CheckCacheEnv) in a
// folder of the test run, not in the user's cache folder. A child started
// by the fault campaign (faults_test.go) runs its one verb instead.
func TestMain(m *testing.M) {
	if faultChildMain != nil {
		faultChildMain()
	}
	dir, err := os.MkdirTemp("", "conclave-checked-")
	if err != nil {
		panic(err)
	}
	if os.Getenv("CONCLAVE_CHECK_CACHE") == "" {
		os.Setenv("CONCLAVE_CHECK_CACHE", filepath.Join(dir, "checked"))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// faultChildMain, where the fault campaign runs (faults_test.go, Unix),
// runs a child's one verb and exits when this process is such a child.
var faultChildMain func()
