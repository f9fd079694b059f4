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
	aliases []int
}

func newAliasSampler(weights []float64) *aliasSampler {
	n := len(weights)
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	p := make([]float64, n)
	for i, w := range weights {
		p[i] = w * float64(n) / sum
	}
	small := make([]int, 0, n)
	large := make([]int, 0, n)
	for i := n - 1; i >= 0; i-- {
		if p[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	s := &aliasSampler{probs: make([]float64, n), aliases: make([]int, n)}
	for len(small) > 0 && len(large) > 0 {
		a := small[len(small)-1]
		small = small[:len(small)-1]
		g := large[len(large)-1]
		large = large[:len(large)-1]
		s.probs[a] = p[a]
		s.aliases[a] = g
		p[g] += p[a] - 1
		if p[g] < 1 {
			small = append(small, g)
		} else {
			large = append(large, g)
		}
	}
	for _, g := range large {
		s.probs[g] = 1
	}
	for _, a := range small {
		s.probs[a] = 1
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
	return s.aliases[i]
}
