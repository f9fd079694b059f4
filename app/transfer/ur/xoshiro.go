package ur

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
)

// xoshiro256 is Xoshiro256** 1.0 seeded, as in bc-ur, with the SHA-256 digest
// of a seed read as four big-endian 64-bit words.
type xoshiro256 struct{ s [4]uint64 }

func newXoshiro(seed []byte) *xoshiro256 {
	d := sha256.Sum256(seed)
	var x xoshiro256
	for i := range x.s {
		x.s[i] = binary.BigEndian.Uint64(d[i*8:])
	}
	return &x
}

func (x *xoshiro256) next() uint64 {
	s := &x.s
	result := bits.RotateLeft64(s[1]*5, 7) * 9
	t := s[1] << 17
	s[2] ^= s[0]
	s[3] ^= s[1]
	s[1] ^= s[2]
	s[0] ^= s[3]
	s[2] ^= t
	s[3] = bits.RotateLeft64(s[3], 45)
	return result
}

// nextDouble is the C++ reference's next() / (2^64): the 64-bit output is
// first rounded to a double, then scaled (exact, a power of two).
func (x *xoshiro256) nextDouble() float64 {
	return float64(x.next()) / 18446744073709551616.0
}

// nextInt returns an integer in [low, high].
func (x *xoshiro256) nextInt(low, high int) int {
	return int(x.nextDouble()*float64(high-low+1)) + low
}

func (x *xoshiro256) nextByte() byte { return byte(x.nextInt(0, 255)) }

func (x *xoshiro256) nextData(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = x.nextByte()
	}
	return out
}

// aliasSampler is the Walker-Vose alias method exactly as bc-ur's
// RandomSampler builds it (index lists filled from the top index down).
type aliasSampler struct {
	probs   []float64
	aliases []uint16 // n ≤ MaxSeqLen < 2^16
}

func newAliasSampler(weights []float64) *aliasSampler {
	return newAliasSamplerInPlace(append([]float64(nil), weights...))
}

// newAliasSamplerInPlace builds the sampler over the weights in p, which
// become its probabilities: 12 bytes per index in all (docs/transfer.md
// §2.5 bounds the number of indexes), the same arithmetic as bc-ur.
func newAliasSamplerInPlace(p []float64) *aliasSampler {
	n := len(p)
	if n > 1<<16 {
		panic("ur: alias sampler over more than 2^16 indexes")
	}
	sum := 0.0
	for _, w := range p {
		sum += w
	}
	for i, w := range p {
		p[i] = w * float64(n) / sum
	}
	// One stack of n slots: the small list grows up from 0, the large
	// list down from n-1 (an index is in at most one of them).
	stack := make([]uint16, n)
	ns, nl := 0, 0
	for i := n - 1; i >= 0; i-- {
		if p[i] < 1 {
			stack[ns] = uint16(i)
			ns++
		} else {
			nl++
			stack[n-nl] = uint16(i)
		}
	}
	s := &aliasSampler{probs: p, aliases: make([]uint16, n)}
	for ns > 0 && nl > 0 {
		ns--
		a := stack[ns]
		g := stack[n-nl]
		nl--
		// p[a] is final: a never enters a list again, so p doubles as probs.
		s.aliases[a] = g
		p[g] += p[a] - 1
		if p[g] < 1 {
			stack[ns] = g
			ns++
		} else {
			nl++
			stack[n-nl] = g
		}
	}
	for k := 0; k < nl; k++ {
		p[stack[n-1-k]] = 1
	}
	for k := 0; k < ns; k++ {
		p[stack[k]] = 1
	}
	return s
}

func (s *aliasSampler) next(rng *xoshiro256) int {
	r1 := rng.nextDouble()
	r2 := rng.nextDouble()
	i := int(float64(len(s.probs)) * r1)
	if r2 < s.probs[i] {
		return i
	}
	return int(s.aliases[i])
}
