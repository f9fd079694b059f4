package keystore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzKey is the key of the seed file testdata/fuzz/FuzzDecode/valid
// (passphrase testPass, its salt, testKDF), fixed so the target never runs
// Argon2.
var fuzzKey []byte

func fuzzSeedKey(t testing.TB, raw []byte) []byte {
	f, err := decodeFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	return deriveKey([]byte(testPass), f.hdr.Salt, testKDF)[:keyLen]
}

// FuzzDecode feeds arbitrary bytes to the file decoder. It must never
// panic; every refusal must wrap exactly one sentinel and carry the
// prefix; every accepted file must re-encode to the same bytes, and
// decrypting it (with the seed's key) must not panic.
func FuzzDecode(f *testing.F) {
	seed, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzDecode", "valid"))
	if err == nil {
		if raw, ok := parseCorpusFile(seed); ok {
			fuzzKey = fuzzSeedKey(f, raw)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzOne(t, b)
		// The checksums stop almost every mutation before the header
		// decoder; repair them so the strict CBOR checks get fuzzed too.
		if r := repair(b); r != nil {
			fuzzOne(t, r)
		}
	})
}

func fuzzOne(t *testing.T, b []byte) {
	sf, err := decodeFile(b)
	if err != nil {
		checkErrShape(t, err)
		if sf != nil {
			t.Fatal("file and error")
		}
		return
	}
	re, err := encodeFile(&sf.hdr, len(sf.cipher), func([]byte) ([]byte, error) { return sf.cipher, nil })
	if err != nil || !bytes.Equal(re, b) {
		t.Fatalf("accepted file does not re-encode identically (%v)", err)
	}
	if h := headerFromWire(&sf.hdr); checkHeader(h) != nil {
		t.Fatalf("accepted header fails checkHeader: %+v", h)
	}
	if fuzzKey != nil {
		buf := make([]byte, len(sf.cipher)-tagLen)
		openSecret(fuzzKey, sf, buf)
	}
}

// repair rewrites the magic, version, lengths and checksums of b so that
// only its header and ciphertext bytes are left to judge.
func repair(b []byte) []byte {
	room := len(b) - prefixLen - fileCheckLen - minCipherLen
	if room < 1 {
		return nil
	}
	r := bytes.Clone(b)
	h := int(binary.BigEndian.Uint32(r[10:14])) % (min(room, maxHeaderLen) + 1)
	if h == 0 {
		h = min(room, 1)
	}
	c := len(r) - prefixLen - fileCheckLen - h
	if c > maxCipherLen {
		return nil
	}
	copy(r, magic[:])
	binary.BigEndian.PutUint16(r[8:10], FormatVersion)
	binary.BigEndian.PutUint32(r[10:14], uint32(h))
	binary.BigEndian.PutUint32(r[14:18], uint32(c))
	return fixChecksums(r)
}

// parseCorpusFile reads a "go test fuzz v1" file holding one []byte.
func parseCorpusFile(b []byte) ([]byte, bool) {
	s := string(b)
	const head = "go test fuzz v1\n[]byte("
	if !strings.HasPrefix(s, head) {
		return nil, false
	}
	var out string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimSpace(s[len(head):]), ")"), "%q", &out); err != nil {
		return nil, false
	}
	return []byte(out), true
}

// TestWriteFuzzSeeds regenerates the committed seed corpus when
// KEYSTORE_WRITE_SEEDS=1 (the files are committed; normally it only checks
// that the valid seed still decodes and opens).
func TestWriteFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if os.Getenv("KEYSTORE_WRITE_SEEDS") == "1" {
		s, path := newTestStore(t, []byte("fuzz seed secret"))
		s.Destroy()
		valid := readAll(t, path)
		_, p2 := newTestStore(t, []byte{0})
		small := readAll(t, p2)
		flipped := bytes.Clone(valid)
		flipped[40] ^= 1
		tampered := bytes.Clone(valid)
		tampered[len(tampered)-fileCheckLen-1] ^= 1
		seeds := map[string][]byte{
			"valid":          valid,
			"valid-small":    small,
			"empty":          {},
			"magic-only":     magic[:],
			"prefix-only":    valid[:prefixLen],
			"truncated":      valid[:len(valid)-1],
			"flipped":        flipped,
			"trailing":       append(bytes.Clone(valid), 0),
			"version2":       fixChecksums(append(append(bytes.Clone(valid[:8]), 0, 2), valid[10:]...)),
			"valid-tampered": fixChecksums(tampered),
			"not-keystore":   []byte("PK\x03\x04 a zip file, not a keystore"),
			"header-null":    rebuild(valid, append([]byte{0xab, 0x01, 0xf6}, valid[prefixLen+4+32:prefixLen+decodeLen(t, valid)]...)),
			"huge-lengths":   fixPrefix(append(append(bytes.Clone(valid[:10]), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), valid[18:]...)),
			"name-control":   reHeader(t, valid, func(w *wireHeader) { w.Name = "a\x1bb" }),
			"memory-too-big": reHeader(t, valid, func(w *wireHeader) { w.MemoryKiB = 1 << 30 }),
		}
		os.MkdirAll(dir, 0o755)
		for name, b := range seeds {
			content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	seed, err := os.ReadFile(filepath.Join(dir, "valid"))
	if err != nil {
		t.Fatal(err)
	}
	raw, ok := parseCorpusFile(seed)
	if !ok {
		t.Fatal("seed not parsed")
	}
	p := filepath.Join(t.TempDir(), "seed.cks")
	os.WriteFile(p, raw, 0o600)
	if got := openSecretAt(t, p, testPass); string(got) != "fuzz seed secret" {
		t.Fatalf("valid seed opens as %q", got)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		raw, ok := parseCorpusFile(b)
		if !ok {
			t.Fatalf("%s: not a corpus file", e.Name())
		}
		_, err := decodeFile(raw)
		if (err == nil) != strings.HasPrefix(e.Name(), "valid") {
			t.Errorf("seed %s: %v", e.Name(), err)
		}
	}
}

func decodeLen(t testing.TB, raw []byte) int {
	f, err := decodeFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	return f.adLen - prefixLen
}

// fixPrefix recomputes only the prefix check.
func fixPrefix(b []byte) []byte {
	copy(b[18:26], prefixCheck(b[:18]))
	return b
}
