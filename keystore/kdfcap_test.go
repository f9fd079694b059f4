package keystore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestTamperedKDFRefusedBeforeDeriving (issue 10): the header's KDF
// parameters are authenticated only by the key they derive, so a crafted
// header asking for too much memory or work is refused when the file is
// read, before any derivation, and quickly.
func TestTamperedKDFRefusedBeforeDeriving(t *testing.T) {
	s, path := newTestStore(t, []byte("secret"))
	defer s.Destroy()
	f, err := decodeFile(readAll(t, path))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name                     string
		time, memoryKiB, threads uint64
	}{
		{"1 GiB × 32 passes", 32, 1 << 20, 4},
		{"1 GiB × 5 passes", 5, 1 << 20, 4},
		{"512 MiB × 9 passes", 9, 512 << 10, 4},
		{"2 GiB", 1, 2 << 20, 4},
		{"4 GiB + 8 KiB (wraps to 8 KiB in 32 bits)", 1, 1<<32 + 8, 1},
		{"33 passes", 33, 8 << 10, 1},
		{"2^32 + 1 passes (wraps to 1)", 1<<32 + 1, 8 << 10, 1},
		{"17 lanes", 1, 8 << 10, 17},
		{"0 lanes", 1, 8 << 10, 0},
	} {
		w := f.hdr
		w.Time, w.MemoryKiB, w.Threads = c.time, c.memoryKiB, c.threads
		data, err := encodeFile(&w, len(f.cipher), func([]byte) ([]byte, error) { return f.cipher, nil })
		if err != nil {
			t.Fatal(err)
		}
		bad := filepath.Join(t.TempDir(), "tampered.cks")
		if err := os.WriteFile(bad, data, 0o600); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = Open(bad, pw(t, testPass))
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: Open gave %v, want ErrMalformed", c.name, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: refused only after %v", c.name, d)
		}
	}
	// The largest accepted work is at most about five times DefaultKDF.
	if w := uint64(DefaultKDF.MemoryKiB) * uint64(DefaultKDF.Time); MaxKDFWork > 6*w {
		t.Fatalf("MaxKDFWork is %.1f × DefaultKDF", float64(MaxKDFWork)/float64(w))
	}
	for _, ok := range []KDFParams{MinKDF, DefaultKDF, {Time: 4, MemoryKiB: 1 << 20, Threads: 16}, {Time: 16, MemoryKiB: 256 << 10, Threads: 4}} {
		if err := checkKDF(ok); err != nil {
			t.Errorf("%+v refused: %v", ok, err)
		}
	}
}
