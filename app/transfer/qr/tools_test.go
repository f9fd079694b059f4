package qr

import (
	"os"
	"os/exec"
	"testing"
)

// needTool returns the path of an external tool; it skips the test when the
// tool is missing, unless CONCLAVE_REQUIRE_TOOLS is set, which makes it fail.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CONCLAVE_REQUIRE_TOOLS") != "" {
		t.Fatalf("%s is required (CONCLAVE_REQUIRE_TOOLS is set): %v", name, err)
	}
	t.Skipf("%s is not installed (set CONCLAVE_REQUIRE_TOOLS=1 to make this a failure)", name)
	return ""
}
