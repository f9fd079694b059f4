package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestDemo(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"demo", "--ballots", "200", "--dir", t.TempDir()}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("demo exited %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "verifies") {
		t.Fatalf("demo did not verify:\n%s", out.String())
	}
	t.Log(out.String())
}
