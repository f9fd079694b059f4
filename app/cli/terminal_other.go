//go:build !linux

package cli

import (
	"os"

	"golang.org/x/term"
)

// readTerminalSecret reads one line from the terminal f without echo.
// Outside Linux it is golang.org/x/term.ReadPassword, which may leave
// copies of parts of the passphrase in freed memory
// (docs/threat-model.md §2.14).
func readTerminalSecret(f *os.File) ([]byte, error) { return term.ReadPassword(int(f.Fd())) }
