// Package bench measures kyber's Pedersen DKG and its partial decryption
// with a DLEQ proof, beside a variable-base scalar multiplication of
// filippo.io/edwards25519 (the unit of docs/performance.md) interleaved in the
// same run. It is a module of its own so that the application does not
// depend on kyber. Run it through `make bench` (scripts/bench.sh).
package bench

import (
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	fed "filippo.io/edwards25519"
	"go.dedis.ch/kyber/v4"
	kyed "go.dedis.ch/kyber/v4/group/edwards25519"
	"go.dedis.ch/kyber/v4/proof/dleq"
	dkg "go.dedis.ch/kyber/v4/share/dkg/pedersen"
	"golang.org/x/sys/unix"
)

var suite = kyed.NewBlakeSHA256Ed25519()

// checkProcs fails a benchmark that runs with another number of Ps than
// scripts/bench.sh asked for in CONCLAVE_BENCH_PROCS: with several -cpu
// values in one go test, a b.Loop benchmark measures its first values
// with the previous GOMAXPROCS (golang/go#49980).
func checkProcs(b *testing.B) {
	want := os.Getenv("CONCLAVE_BENCH_PROCS")
	if want == "" {
		return
	}
	n, err := strconv.Atoi(want)
	if err != nil {
		b.Fatalf("CONCLAVE_BENCH_PROCS=%q is not a number", want)
	}
	if got := runtime.GOMAXPROCS(0); got != n {
		b.Fatalf("this benchmark runs with GOMAXPROCS=%d, but %d was asked for: run each -cpu value as its own go test (golang/go#49980)", got, n)
	}
}

// benchClock returns the process's CPU time on one P (the work, garbage
// collection included, not the time other programs took the core away),
// and the wall clock otherwise, as the ceremony's benchmarks do.
func benchClock() time.Duration {
	if runtime.GOMAXPROCS(0) == 1 {
		var ts unix.Timespec
		if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) == nil {
			return time.Duration(ts.Nano())
		}
	}
	return time.Duration(time.Now().UnixNano())
}

// interleaved runs op b.N times and, after each run, times variable-base
// scalar multiplications (filippo.io/edwards25519, as in the ceremony's
// benchmarks; at least 50 and at least a twentieth of op's time), and
// reports op's cost per unit as a number of them.
func interleaved(b *testing.B, units int, unit string, op func()) {
	checkProcs(b)
	var work, base time.Duration
	sms := 0
	var seed [64]byte
	seed[0] = 7
	x, _ := fed.NewScalar().SetUniformBytes(seed[:])
	p := fed.NewGeneratorPoint()
	for b.Loop() {
		checkProcs(b)
		start := benchClock()
		op()
		done := benchClock() - start
		work += done
		b.StopTimer()
		// At least 50, and at least a twentieth of op's time, as the
		// ceremony's timeSMs: kyber's DKG is timed against thousands.
		for spent := time.Duration(0); spent == 0 || spent < done/20; sms += 50 {
			start = benchClock()
			for i := 0; i < 50; i++ {
				p.ScalarMult(x, p)
			}
			d := benchClock() - start
			spent += d
			base += d
		}
		b.StartTimer()
	}
	per := float64(work.Nanoseconds()) / float64(b.N) / float64(units)
	mult := float64(base.Nanoseconds()) / float64(sms)
	b.ReportMetric(per/mult, "SM/"+unit)
	b.ReportMetric(mult, "ns/SM")
}

// BenchmarkKyberDKG runs kyber's Pedersen DKG (share/dkg/pedersen) for
// n = 25, t = 13 in one process: every deal, every response processed by
// every participant, and every participant's distributed key share.
func BenchmarkKyberDKG(b *testing.B) {
	const n, t = 25, 13
	interleaved(b, 1, "ceremony", func() {
		secs := make([]kyber.Scalar, n)
		pubs := make([]kyber.Point, n)
		for i := range secs {
			secs[i] = suite.Scalar().Pick(suite.RandomStream())
			pubs[i] = suite.Point().Mul(secs[i], nil)
		}
		dkgs := make([]*dkg.DistKeyGenerator, n)
		for i := range dkgs {
			d, err := dkg.NewDistKeyGenerator(suite, secs[i], pubs, t)
			if err != nil {
				b.Fatal(err)
			}
			dkgs[i] = d
		}
		var resps []*dkg.Response
		for _, d := range dkgs {
			deals, err := d.Deals()
			if err != nil {
				b.Fatal(err)
			}
			for i, deal := range deals {
				resp, err := dkgs[i].ProcessDeal(deal)
				if err != nil {
					b.Fatal(err)
				}
				resps = append(resps, resp)
			}
		}
		for _, resp := range resps {
			for i, d := range dkgs {
				if uint32(i) == resp.Response.Index {
					continue
				}
				if _, err := d.ProcessResponse(resp); err != nil {
					b.Fatal(err)
				}
			}
		}
		var key kyber.Point
		for _, d := range dkgs {
			if !d.Certified() {
				b.Fatal("kyber's DKG did not certify")
			}
			share, err := d.DistKeyShare()
			if err != nil {
				b.Fatal(err)
			}
			if key == nil {
				key = share.Public()
			} else if !key.Equal(share.Public()) {
				b.Fatal("kyber's participants disagree on the key")
			}
		}
	})
}

// ciphertextFirstHalves returns n random points A_k = r_k·G.
func ciphertextFirstHalves(n int) []kyber.Point {
	out := make([]kyber.Point, n)
	for i := range out {
		out[i] = suite.Point().Mul(suite.Scalar().Pick(suite.RandomStream()), nil)
	}
	return out
}

// BenchmarkKyberPartialDecrypt computes D_k = x·A_k and a DLEQ proof that
// log_G X = log_{A_k} D_k for each ciphertext, as a kyber user would
// (proof/dleq, one proof per ciphertext).
func BenchmarkKyberPartialDecrypt(b *testing.B) {
	const n = 100
	as := ciphertextFirstHalves(n)
	x := suite.Scalar().Pick(suite.RandomStream())
	interleaved(b, n, "ciphertext", func() {
		for _, a := range as {
			if _, _, _, err := dleq.NewDLEQProof(suite, nil, a, x); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkKyberVerifyPartial verifies those proofs.
func BenchmarkKyberVerifyPartial(b *testing.B) {
	const n = 100
	as := ciphertextFirstHalves(n)
	x := suite.Scalar().Pick(suite.RandomStream())
	g := suite.Point().Base()
	proofs := make([]*dleq.Proof, n)
	xgs := make([]kyber.Point, n)
	xas := make([]kyber.Point, n)
	for i, a := range as {
		p, xg, xa, err := dleq.NewDLEQProof(suite, g, a, x)
		if err != nil {
			b.Fatal(err)
		}
		proofs[i], xgs[i], xas[i] = p, xg, xa
	}
	interleaved(b, n, "ciphertext", func() {
		for i, a := range as {
			if err := proofs[i].Verify(suite, g, a, xgs[i], xas[i]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
