package ur

import (
	"os"
	"testing"
)

// needTool skips the test when an external tool is missing, unless
// CONCLAVE_REQUIRE_TOOLS is set, in which case the test fails.
func needTool(t testing.TB, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CONCLAVE_REQUIRE_TOOLS") != "" {
		t.Fatalf("%s is required (CONCLAVE_REQUIRE_TOOLS is set)", what)
	}
	t.Skipf("%s is not available (set CONCLAVE_REQUIRE_TOOLS=1 to make this a failure)", what)
}
