package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"conclave/app/cli"
)

// TestPrintTheMinutes: the coordinator prints the minutes from the board
// and again after the count; minutes already printed are never replaced.
func TestPrintTheMinutes(t *testing.T) {
	work := t.TempDir()
	var out bytes.Buffer
	if code := cli.Main([]string{"demo", "--dir", work, "--ballots", "10"}, strings.NewReader(""), &out, &out); code != 0 {
		t.Fatalf("demo: %s", out.String())
	}
	coord := newTestUI(t)
	test.Tap(coord.home.buttons["Start a ceremony"])
	s := coord.board
	typeInto(s.dir.entry, filepath.Join(work, "board"))
	tap(coord, s.open)
	tap(coord, s.minutes.print)
	pdf := filepath.Join(work, "minutes-ceremony.pdf")
	if !strings.Contains(s.minutes.state.Text(), "Minutes saved to "+pdf) {
		t.Fatalf("print: %s", s.minutes.state.Text())
	}
	first, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(first, []byte("%PDF-")) {
		t.Fatalf("no PDF at %s: %v", pdf, err)
	}
	tap(coord, s.minutes.print)
	if !strings.Contains(s.minutes.state.Text(), "already exists") {
		t.Fatalf("printing again over the same file: %s", s.minutes.state.Text())
	}
	if again, _ := os.ReadFile(pdf); !bytes.Equal(again, first) {
		t.Fatal("the minutes already printed were replaced")
	}

	coord.goHome()
	test.Tap(coord.home.buttons["Count"])
	typeInto(s.countDir.entry, filepath.Join(work, "board"))
	tap(coord, s.openCount)
	typeInto(s.countMinutes.path.entry, filepath.Join(work, "pv-count.pdf"))
	tap(coord, s.countMinutes.print)
	if !strings.Contains(s.countMinutes.state.Text(), "Minutes saved to") {
		t.Fatalf("print after the count: %s", s.countMinutes.state.Text())
	}
	if data, err := os.ReadFile(filepath.Join(work, "pv-count.pdf")); err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) {
		t.Fatalf("no PDF after the count: %v", err)
	}
}
