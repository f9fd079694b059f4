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
	if args := os.Getenv(envChild); args != "" {
		os.Exit(faultChild(args))
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
