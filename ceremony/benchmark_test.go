package ceremony

import (
	"crypto/rand"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"conclave/ceremony/group"
)

// fakeCiphertexts returns n valid ciphertexts with distinct elements, made
// by additions (much faster than encrypting).
func fakeCiphertexts(n int) []byte {
	out := make([]byte, 0, n*CiphertextSize)
	a := group.NewIdentityElement().ScalarBaseMult(group.NewScalar().SetUint64(7))
	b := group.NewIdentityElement().ScalarBaseMult(group.NewScalar().SetUint64(11))
	g := group.NewGeneratorElement()
	for i := 0; i < n; i++ {
		a.Add(a, g)
		b.Add(b, a)
		out = append(out, a.Bytes()...)
		out = append(out, b.Bytes()...)
	}
	return out
}

// interleaved runs op b.N times and, after each run, times scalar
// multiplications on one core (at least 50, and at least a twentieth of
// op's time: timeSMs), so that the ratio compares the two under the same
// machine conditions (this machine's speed varies over seconds). The
// scalar multiplications are not counted in the benchmark's time. On one P
// both are timed in CPU time (benchClock).
func interleaved(b *testing.B, n int, op func()) { interleavedUnit(b, n, "ciphertext", op) }

// interleavedUnit is interleaved for n units of another name.
func interleavedUnit(b *testing.B, n int, unit string, op func()) {
	var work, base time.Duration
	sms := 0
	x := group.NewScalar().SetUint64(0x1234567)
	x.Multiply(x, x)
	p := group.NewGeneratorElement()
	checkProcs(b)
	b.ResetTimer()
	for b.Loop() {
		checkProcs(b)
		start := benchClock()
		op()
		done := benchClock() - start
		work += done
		b.StopTimer()
		base += timeSMs(p, x, done, &sms)
		b.StartTimer()
	}
	per := float64(work.Nanoseconds()) / float64(b.N) / float64(n)
	mult := float64(base.Nanoseconds()) / float64(sms)
	b.ReportMetric(per, "ns/"+unit)
	b.ReportMetric(mult, "ns/SM")
	b.ReportMetric(per/mult, "SM/"+unit)
}

// timeSMs times scalar multiplications by 50 until they took at least a
// twentieth of op's time, adds their number to *count and returns their
// time: the unit is timed over a sample that grows with the operation, so
// that a long operation's ratio does not rest on a few milliseconds (the
// same rule as bench/kyber_test.go's, for kyber's side of the comparison).
func timeSMs(p *group.Element, x *group.Scalar, op time.Duration, count *int) time.Duration {
	var spent time.Duration
	for spent == 0 || spent < op/20 {
		start := benchClock()
		for i := 0; i < 50; i++ {
			p.ScalarMult(x, p)
		}
		spent += benchClock() - start
		*count += 50
	}
	return spent
}

func BenchmarkScalarMult(b *testing.B) {
	x := group.NewScalar().SetUint64(0x1234567)
	x.Multiply(x, x)
	p := group.NewGeneratorElement()
	for b.Loop() {
		p.ScalarMult(x, p)
	}
}

var benchID = ID{1, 2, 3}

func BenchmarkAnswer(b *testing.B) {
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cts := fakeCiphertexts(n)
			x := group.NewScalar().SetUint64(987654321)
			interleaved(b, n, func() {
				if _, _, err := partialDecrypt(x, benchID, benchID, 1, cts, rand.Reader); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkVerifyAnswer(b *testing.B) {
	for _, n := range []int{1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			cts := fakeCiphertexts(n)
			x := group.NewScalar().SetUint64(987654321)
			yj := group.NewIdentityElement().ScalarBaseMult(x)
			shares, p, err := partialDecrypt(x, benchID, benchID, 1, cts, rand.Reader)
			if err != nil {
				b.Fatal(err)
			}
			interleaved(b, n, func() {
				if err := verifyPartialBytes(yj, benchID, benchID, 1, cts, shares, p); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkCombine measures the combination of t=3 answers to a request of
// n single ballots, discrete logarithms included (bound n).
func BenchmarkCombine(b *testing.B) {
	h := newHarness(b, 3, 3, false)
	h.runToComplete()
	y := electionKey(b, h.board)
	const n = 200
	cts := make([]byte, 0, n*CiphertextSize)
	for i := 0; i < n; i++ {
		ct, _ := Encrypt(y, uint64(i%n+1), rand.Reader)
		cts = append(cts, ct...)
	}
	req, err := h.board.NewRequest("bench", RequestBallots, n, n, cts)
	if err != nil {
		b.Fatal(err)
	}
	h.add(req)
	for j := uint64(1); j <= 3; j++ {
		a, err := h.byIndex(j).sec.Answer(req, time.Now().Unix(), rand.Reader)
		if err != nil {
			b.Fatal(err)
		}
		h.add(a)
	}
	info := h.board.requests[req.ID()]
	interleaved(b, n, func() {
		if err := h.board.combine(info, []uint64{1, 2, 3}, func(int, []uint64) error { return nil }); err != nil {
			b.Fatal(err)
		}
	})
}

func isZeroBallot(err error) bool {
	return err != nil && len(err.Error()) > 0 && err.Error()[:9] == "ceremony:"
}

// BenchmarkDKG runs a whole key ceremony of n=25, t=13 in one process:
// every member's every step, and the board's checks. "shared": the board
// and the members share one cache of checked messages, as one process
// playing them all does (docs/protocol.md §8.6); "apart": the board keeps
// its cache and each member checks every message of every bundle itself,
// as members on their own machines, one process per step, do. After each
// ceremony it times scalar multiplications on the same core (timeSMs) and
// reports the ceremony's cost in scalar multiplications.
func BenchmarkDKG(b *testing.B) {
	interleavedUnit(b, 1, "ceremony", func() {
		h := newHarness(b, 25, 13, false)
		h.runToComplete()
	})
}

// BenchmarkDKGApart is BenchmarkDKG with no cache shared between the board
// and the members: each checks every bundle itself, as on separate
// machines.
func BenchmarkDKGApart(b *testing.B) {
	interleavedUnit(b, 1, "ceremony", func() {
		h := newHarness(b, 25, 13, false)
		h.cache = nil
		h.runToComplete()
	})
}

// peakHeap samples the heap in use while f runs and returns the maximum.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	return peak.Load()
}

// BenchmarkMillion answers and verifies a request of 1,000,000 ciphertexts
// and reports the peak heap: it must stay flat (docs/performance.md). Run
// it on its own: go test ./ceremony -run XXX -bench Million -benchtime 1x
func BenchmarkMillion(b *testing.B) {
	const n = 1_000_000
	cts := fakeCiphertexts(n)
	x := group.NewScalar().SetUint64(987654321)
	yj := group.NewIdentityElement().ScalarBaseMult(x)
	runtime.GC()
	var peak uint64
	interleaved(b, n, func() {
		peak = peakHeap(func() {
			shares, p, err := partialDecrypt(x, benchID, benchID, 1, cts, rand.Reader)
			if err != nil {
				b.Fatal(err)
			}
			if err := verifyPartialBytes(yj, benchID, benchID, 1, cts, shares, p); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}
