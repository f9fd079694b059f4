package keystore

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretLeakScan runs every operation with a recognisable secret and
// passphrase, collects every file the package writes (keystores, temporary
// files left by a crash, backups), every error text and all log and
// standard-error output, and checks that none holds the secret, the
// passphrase or the derived key, raw or encoded.
func TestSecretLeakScan(t *testing.T) {
	secret := append([]byte("SECRET-SHARE-OF-ALICE:"), make([]byte, 48)...)
	rand.Read(secret[22:])
	pass := "leak canary purple walrus 93"
	pass2 := "second canary amber giraffe 17"

	// Capture log output and standard error.
	var logBuf bytes.Buffer
	log.SetOutput(&logBuf)
	defer log.SetOutput(os.Stderr)
	r, w, _ := os.Pipe()
	oldErr := os.Stderr
	os.Stderr = w
	var errOut bytes.Buffer
	done := make(chan struct{})
	go func() { io.Copy(&errOut, r); close(done) }()
	defer func() { os.Stderr = oldErr }()

	p1, p2 := pw(t, pass), pw(t, pass2)
	root := t.TempDir()
	stick1, stick2 := filepath.Join(root, "stick1"), filepath.Join(root, "stick2")
	os.Mkdir(stick1, 0o700)
	os.Mkdir(stick2, 0o700)
	path := filepath.Join(stick1, "alice.cks")
	var errs []error
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	s, err := Create(path, p1, testHeader(), secret, testKDF)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Create(path, p1, testHeader(), secret, testKDF)
	note(err)
	note(s.Save(testHeader(), secret))
	// A crash mid-save leaves a temporary file: scan it too.
	s.fs = &faultFS{failAt: "rename", crash: true}
	note(s.Save(testHeader(), secret))
	s.fs = &faultFS{failAt: "write", crash: true}
	note(s.Save(testHeader(), secret))
	if len(temps(t, stick1)) == 0 {
		t.Fatal("no temporary file to scan")
	}
	tempCopies := map[string][]byte{}
	for _, n := range temps(t, stick1) {
		tempCopies[n] = readAll(t, filepath.Join(stick1, n))
	}
	s.fs = osFS{}
	_, err = s.Backup(stick2)
	note(err)
	note(s.ChangePassphrase(p2, testKDF))
	_, err = s.Backup(stick2)
	note(err)
	note(s.Use(func(b []byte) error { return errors.New("caller error") }))

	// Refusals of every kind.
	_, err = Open(path, p1) // the old passphrase is now wrong
	note(err)
	_, err = OpenFor(path, p2, []byte("other"))
	note(err)
	raw := readAll(t, path)
	bad := filepath.Join(root, "bad")
	for i := 0; i < len(raw); i += 7 {
		b := bytes.Clone(raw)
		b[i] ^= 0x55
		os.WriteFile(bad, b, 0o600)
		_, err := Open(bad, p2)
		note(err)
		os.WriteFile(bad, raw[:i], 0o600)
		_, err = Open(bad, p2)
		note(err)
	}
	tampered := bytes.Clone(raw)
	tampered[len(tampered)-fileCheckLen-3] ^= 1
	os.WriteFile(bad, fixChecksums(tampered), 0o600)
	_, err = Open(bad, p2)
	note(err)
	note(CheckPassphrase([]byte("alice martin "+pass), "Alice Martin"))
	note(CheckPassphrase([]byte(pass[:8]), ""))
	note(s.ChangePassphrase(pw(t, pass[:10]), testKDF))
	note(s.VerifyCopy(bad))
	if ok, msg := LockedMemoryStatus(); !ok {
		errs = append(errs, errors.New(msg))
	}

	// The derived key, to scan for it too.
	f, err := decodeFile(readAll(t, path))
	if err != nil {
		t.Fatal(err)
	}
	dk := deriveKey([]byte(pass2), f.hdr.Salt, testKDF)
	s.Destroy()

	w.Close()
	<-done

	needles := map[string][]byte{}
	for name, v := range map[string][]byte{
		"secret": secret, "secret tail": secret[22:], "passphrase": []byte(pass),
		"new passphrase": []byte(pass2), "derived key": dk[:keyLen],
	} {
		needles[name] = v
		needles[name+" (hex)"] = []byte(hex.EncodeToString(v))
		needles[name+" (HEX)"] = []byte(strings.ToUpper(hex.EncodeToString(v)))
		needles[name+" (base64)"] = []byte(base64.StdEncoding.EncodeToString(v))
	}
	hay := map[string][]byte{"log output": logBuf.Bytes(), "standard error": errOut.Bytes()}
	for n, b := range tempCopies {
		hay["temporary file "+n] = b
	}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			hay[p] = readAll(t, p)
		}
		return nil
	})
	if len(errs) < 20 {
		t.Fatalf("only %d errors collected", len(errs))
	}
	for i, e := range errs {
		hay["error "+string(rune('A'+i%26))+": "+e.Error()] = []byte(e.Error())
	}
	files := 0
	for where, b := range hay {
		if strings.HasPrefix(where, root) {
			files++
		}
		for what, needle := range needles {
			if bytes.Contains(b, needle) {
				t.Errorf("%s found in %s", what, where)
			}
		}
	}
	if files < 3 {
		t.Fatalf("scanned only %d files", files)
	}
	t.Logf("scanned %d places (%d files, %d errors) for %d needles", len(hay), files, len(errs), len(needles))
}
