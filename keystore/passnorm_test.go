package keystore

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// "Café crème brûlée à Noël 42" composed (NFC) and decomposed (NFD).
	passNFC = "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u00e0 No\u00ebl 42"
	passNFD = "Cafe\u0301 cre\u0300me bru\u0302le\u0301e a\u0300 Noe\u0308l 42"
)

// TestPassphraseNFC (issue 10): the same passphrase typed composed or
// decomposed opens the same keystore, whichever form created it.
func TestPassphraseNFC(t *testing.T) {
	if passNFC == passNFD || norm.NFC.String(passNFD) != passNFC {
		t.Fatal("test data")
	}
	for _, c := range [][2]string{{passNFC, passNFD}, {passNFD, passNFC}, {passNFD, passNFD}} {
		path := filepath.Join(t.TempDir(), "k.cks")
		s, err := Create(path, pw(t, c[0]), testHeader(), []byte("secret"), testKDF)
		if err != nil {
			t.Fatal(err)
		}
		s.Destroy()
		s, err = Open(path, pw(t, c[1]))
		if err != nil {
			t.Fatalf("created with %+q, opened with %+q: %v", c[0], c[1], err)
		}
		s.Destroy()
	}
	// ChangePassphrase normalises too.
	s, path := newTestStore(t, []byte("secret"))
	if err := s.ChangePassphrase(pw(t, passNFD), testKDF); err != nil {
		t.Fatal(err)
	}
	s.Destroy()
	if s, err := Open(path, pw(t, passNFC)); err != nil {
		t.Fatal(err)
	} else {
		s.Destroy()
	}
	// The strength check sees one form.
	if PassphraseStrength([]byte(passNFC), "") != PassphraseStrength([]byte(passNFD), "") {
		t.Fatal("the strength depends on the form")
	}
}

// TestPassphraseNFCCompatible: ASCII is its own NFC form (keystores made
// before normalisation are unchanged: the vector of vector_test.go still
// opens), and a keystore whose passphrase was derived from non-NFC bytes
// before normalisation still opens with those bytes.
func TestPassphraseNFCCompatible(t *testing.T) {
	for _, p := range []string{testPass, testPass2, vectorPass, "~!@#$%^&*()_+{}|:<>?`-=[]\\;',./ 0123456789 AZaz"} {
		if !norm.NFC.IsNormal([]byte(p)) {
			t.Fatalf("%q is not its own NFC form", p)
		}
	}
	path := filepath.Join(t.TempDir(), "legacy.cks")
	s, err := createNFC(osFS{}, path, []byte(passNFD), testHeader(), []byte("legacy"), testKDF) // as before normalisation
	if err != nil {
		t.Fatal(err)
	}
	s.Destroy()
	s, err = Open(path, pw(t, passNFD))
	if err != nil {
		t.Fatalf("a keystore made from NFD bytes no longer opens: %v", err)
	}
	s.Destroy()
	if _, err := Open(path, pw(t, "wrong "+passNFD)); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatal(err)
	}
}

// TestTrimPassphraseFile (issue 10): one trailing newline (LF or CR LF) is
// accepted; a byte-order mark, invisible and control characters, further
// lines and invalid UTF-8 are refused with a message that names them.
func TestTrimPassphraseFile(t *testing.T) {
	good := "orange kettle mountain violin"
	for _, in := range []string{good, good + "\n", good + "\r\n"} {
		got, err := TrimPassphraseFile([]byte(in))
		if err != nil || string(got) != good {
			t.Errorf("%+q: %q %v", in, got, err)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"\uFEFF" + good + "\n", "byte-order mark"},
		{"orange\u200Bkettle mountain violin", "invisible character U+200B at character 7"},
		{"orange kettle\u200D mountain violin", "invisible character U+200D"},
		{"orange kettle mountain\u2060 violin", "invisible character U+2060"},
		{"orange kettle \u200Emountain violin", "invisible character U+200E"},
		{"orange kettle mountain viol\u00ADin", "invisible character U+00AD"},
		{"orange\tkettle mountain violin", "control character U+0009 at character 7"},
		{"orange kettle mountain violin\x00", "control character U+0000"},
		{good + "\n\n", "more than one line"},
		{good + "\nsecond line\n", "more than one line"},
		{good + "\r", "more than one line"},
		{"orange kettle \xff mountain", "not valid UTF-8"},
		{"", "empty"},
		{"\n", "empty"},
	} {
		data := []byte(c.in)
		got, err := TrimPassphraseFile(data)
		if !errors.Is(err, ErrPassphraseFile) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+q: %q %v, want an error saying %q", c.in, got, err, c.want)
			continue
		}
		checkErrShape(t, err)
		if strings.Contains(err.Error(), "kettle") {
			t.Errorf("%+q: the error quotes the passphrase", c.in)
		}
		if !bytes.Equal(data, make([]byte, len(data))) {
			t.Errorf("%+q: not wiped on error", c.in)
		}
	}
	// A new passphrase with an invisible character is refused too.
	if err := CheckPassphrase([]byte("orange kettle\u200B mountain violin"), ""); !errors.Is(err, ErrWeakPassphrase) {
		t.Errorf("invisible character in a new passphrase: %v", err)
	}
}

func FuzzTrimPassphraseFile(f *testing.F) {
	for _, s := range []string{"orange kettle\n", "a\r\n", "\uFEFFx", "a\u200Bb", "x\ty", "\xff", "", "a\nb"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		orig := bytes.Clone(data)
		got, err := TrimPassphraseFile(data)
		if err != nil {
			if !bytes.Equal(data, make([]byte, len(data))) {
				t.Fatal("not wiped")
			}
			return
		}
		if !bytes.HasPrefix(orig, got) || len(got) == 0 || len(orig)-len(got) > 2 || !utf8.Valid(got) {
			t.Fatalf("%+q -> %+q", orig, got)
		}
		for _, r := range string(got) {
			if r < 0x20 || r == 0x7f || invisible(r) {
				t.Fatalf("%+q kept %U", orig, r)
			}
		}
	})
}
