package keystore

import (
	"bytes"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Passphrase normalisation (docs/keystore.md §4).
//
// The same passphrase typed on two systems may reach the program as
// different bytes: "é" as one code point (U+00E9, NFC: Windows, Linux) or
// as "e" and a combining accent (NFD: some macOS paths, some input
// methods). The key is derived from the Unicode NFC form, so both open the
// keystore. NFC of an ASCII (or already NFC) passphrase is the identity:
// keystores made before normalisation open unchanged; one whose passphrase
// was not in NFC still opens (Open tries the bytes as typed when the NFC
// form does not match).

// withNFC calls fn with the NFC form of pass: pass itself when it is
// already in NFC, otherwise a copy in a scratch buffer (locked when the
// budget allows) wiped afterwards.
func withNFC(pass []byte, fn func(p []byte) error) error {
	if !utf8.Valid(pass) || norm.NFC.IsNormal(pass) {
		return fn(pass)
	}
	// NFC never makes a string more than three times longer (Unicode
	// stability policy), so the buffer never grows.
	return withScratch(3*len(pass)+utf8.UTFMax, func(buf []byte) error {
		out := norm.NFC.Append(buf[:0], pass...)
		if len(out) == 0 || &out[:1][0] != &buf[:1][0] {
			clear(out)
			return newErr(ErrInvalidArgument, "the passphrase cannot be normalised: type it again")
		}
		err := fn(out)
		clear(out)
		return err
	})
}

// invisible reports whether r is a character a member cannot see or type
// knowingly: zero-width characters, the byte-order mark and bidirectional
// controls.
func invisible(r rune) bool {
	switch r {
	case 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, 0x00AD:
		return true
	}
	return unicode.Is(unicode.Bidi_Control, r)
}

// TrimPassphraseFile returns the passphrase held in the content of a
// passphrase file (for scripts): data without its one trailing newline
// (LF or CR LF), as a prefix of data (no copy). It refuses, with an error
// wrapping ErrPassphraseFile that says what is wrong and at which
// character, a byte-order mark, zero-width and other invisible characters,
// control characters (so also a second line), invalid UTF-8 and an empty
// passphrase. On error data is wiped. The passphrase is normalised later,
// when it is used (docs/keystore.md §4).
func TrimPassphraseFile(data []byte) ([]byte, error) {
	fail := func(format string, args ...any) ([]byte, error) {
		clear(data)
		return nil, newErr(ErrPassphraseFile, format, args...)
	}
	p := data
	if bytes.HasSuffix(p, []byte("\r\n")) {
		p = p[:len(p)-2]
	} else if bytes.HasSuffix(p, []byte("\n")) {
		p = p[:len(p)-1]
	}
	if bytes.HasPrefix(p, []byte("\xEF\xBB\xBF")) {
		return fail("the passphrase file begins with a byte-order mark (U+FEFF, added by editors that save as \"UTF-8 with BOM\"): save it as plain UTF-8 without BOM")
	}
	if len(p) == 0 {
		return fail("the passphrase file is empty: write the passphrase on its first line")
	}
	for i, n := 0, 1; i < len(p); n++ {
		r, size := utf8.DecodeRune(p[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return fail("the passphrase file is not valid UTF-8 text (character %d): save it as UTF-8", n)
		case r == '\n' || r == '\r':
			return fail("the passphrase file has more than one line (a line break at character %d): leave the passphrase alone on the first line, with at most one line break after it", n)
		case unicode.IsControl(r):
			return fail("the passphrase file holds a control character U+%04X at character %d (a tab or another invisible key): remove it", r, n)
		case invisible(r):
			return fail("the passphrase file holds an invisible character U+%04X at character %d (zero-width, byte-order mark or direction mark, often pasted from a web page or a word processor): remove it", r, n)
		}
		i += size
	}
	return p, nil
}
