package cli

import (
	"errors"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// maxTypedPassphrase bounds a passphrase typed at the terminal (the
// keystore refuses more than 1024 bytes).
const maxTypedPassphrase = 1024

// readTerminalSecret reads one line from the terminal f without echo, as
// golang.org/x/term.ReadPassword does, but into one buffer of fixed size
// that never grows: x/term appends to a growing slice and abandons each
// smaller array with the first 8, 16, 32... bytes of the passphrase in it,
// which nothing can wipe (docs/threat-model.md §2.14). The caller wipes
// the result.
func readTerminalSecret(f *os.File) ([]byte, error) {
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	t.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &t); err != nil {
		return nil, err
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old)
	return readSecretBytes(f)
}

// readSecretBytes reads up to a line feed (not included) into a buffer of
// fixed size, byte by byte so that nothing past the line is consumed. On
// error the buffer is wiped.
func readSecretBytes(r io.Reader) ([]byte, error) {
	buf := make([]byte, maxTypedPassphrase+1)
	var one [1]byte
	defer clear(one[:])
	n := 0
	for {
		k, err := r.Read(one[:])
		if k == 1 {
			switch c := one[0]; c {
			case '\n':
				return buf[:n], nil
			case '\r':
				// ICRNL turns Enter into '\n'; a stray CR is ignored.
			case '\b':
				if n > 0 {
					n--
					buf[n] = 0
				}
			default:
				if n == len(buf) {
					clear(buf)
					return nil, errors.New("the passphrase typed is longer than 1024 bytes: type a shorter one")
				}
				buf[n] = c
				n++
			}
			continue
		}
		if err != nil {
			if err == io.EOF && n > 0 {
				return buf[:n], nil
			}
			clear(buf)
			return nil, err
		}
	}
}
