package keystore

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// peakRSS returns the process's peak resident memory in bytes (Linux), 0
// elsewhere.
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}

func benchUnlock(b *testing.B, kdf KDFParams) {
	path := filepath.Join(b.TempDir(), "k.cks")
	s, err := Create(path, pw(b, testPass), testHeader(), testSecret, kdf)
	if err != nil {
		b.Fatal(err)
	}
	s.Destroy()
	pass := pw(b, testPass)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s, err := Open(path, pass)
		if err != nil {
			b.Fatal(err)
		}
		s.Destroy()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "alloc-MiB/op")
	b.ReportMetric(float64(after.HeapSys)/(1<<20), "heap-sys-MiB")
	b.ReportMetric(peakRSS()/(1<<20), "peak-RSS-MiB")
}

// BenchmarkUnlockDefault is the time a member waits at DefaultKDF.
func BenchmarkUnlockDefault(b *testing.B) { benchUnlock(b, DefaultKDF) }

// BenchmarkUnlockTestKDF is the same at the test parameters (8 MiB, t=1).
func BenchmarkUnlockTestKDF(b *testing.B) { benchUnlock(b, testKDF) }

func BenchmarkUse(b *testing.B) {
	s, _ := newTestStore(b, make([]byte, 4096))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Use(func([]byte) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSave includes the fsyncs and the read-back on the temp folder's
// file system.
func BenchmarkSave(b *testing.B) {
	s, _ := newTestStore(b, make([]byte, 4096))
	sec := make([]byte, 4096)
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Save(testHeader(), sec); err != nil {
			b.Fatal(err)
		}
	}
}
