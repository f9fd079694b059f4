package memscan

import (
	"crypto/rand"
	"runtime"
	"testing"
	"unsafe"
)

// TestScanFindsACopy: the scanner finds a planted copy where it is (heap
// and stack alike), does not find its own masked needle, and finds nothing
// once the copy is wiped; without this the leak tests could not fail.
func TestScanFindsACopy(t *testing.T) {
	if err := Available(); err != nil {
		t.Skipf("the process's memory cannot be read here: %v", err)
	}
	secret := make([]byte, 40)
	rand.Read(secret)
	n := NewNeedle("planted", secret[:20], secret[20:])
	plant := make([]byte, 100)
	copy(plant[37:], secret)
	clear(secret)
	hits, err := Scan([]Needle{n})
	if err != nil {
		t.Fatal(err)
	}
	want := uintptr(unsafe.Pointer(&plant[37]))
	found := false
	for _, h := range hits {
		found = found || h.Addr == want
	}
	if !found || len(hits) != 1 {
		t.Fatalf("hits %v, want exactly one at %#x", hits, want)
	}
	clear(plant)
	runtime.KeepAlive(plant)
	if hits, _ := Scan([]Needle{n}); len(hits) != 0 {
		t.Fatalf("found after wiping: %v", hits)
	}
	// A copy across a 1 MiB boundary (where the reader's chunks end when the
	// mapping is aligned, as Go's heap arenas are) is found once.
	big := make([]byte, 3<<20)
	rand.Read(secret)
	n = NewNeedle("across", secret)
	base := uintptr(unsafe.Pointer(&big[0]))
	off := int((base+(1<<20)-1)&^((1<<20)-1) - base + (1 << 20) - 17) // 17 bytes before a 1 MiB boundary
	copy(big[off:], secret)
	clear(secret)
	if hits, _ := Scan([]Needle{n}); len(hits) != 1 || hits[0].Addr != base+uintptr(off) {
		t.Fatalf("across a boundary: %v", hits)
	}
	clear(big)
	runtime.KeepAlive(big)
}
