package app

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMain keeps the board's check cache (office.CheckCacheEnv) in a
// folder of the test run, not in the user's cache folder.
func TestMain(m *testing.M) {
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
