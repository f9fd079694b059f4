package ceremony

import (
	"crypto/sha512"
	"encoding/binary"
	"hash"
	"strings"

	"conclave/ceremony/group"
)

// Domain tags (docs/protocol.md §2). Every hash the protocol computes starts
// with one of these tags, so that no hash computed for one purpose can be
// replayed as a hash for another.
//
// Protocol version 2 changed the meaning of some hashes (the DKG of
// Gennaro, Jarecki, Krawczyk and Rabin): those carry "conclave/v2/"; the
// others keep their version 1 tag, since what they hash is unchanged.
const (
	tagPrefix          = "conclave/v1/"
	tagPrefix2         = "conclave/v2/"
	tagMessage         = tagPrefix + "message"
	tagSignature       = tagPrefix + "signature"
	tagCall            = tagPrefix + "call"
	tagCeremony        = tagPrefix + "ceremony"
	tagShareInfo       = tagPrefix2 + "share"
	tagTranscript      = tagPrefix2 + "transcript"
	tagQual            = tagPrefix2 + "qual"
	tagGeneratorH      = tagPrefix2 + "generator-h"
	tagCiphertexts     = tagPrefix + "ciphertexts"
	tagWeights         = tagPrefix + "decryption-weights"
	tagWeight          = tagPrefix + "decryption-weight"
	tagProofOpen       = tagPrefix2 + "proof/open"
	tagOpenWeights     = tagPrefix2 + "proof/open-weights"
	tagShareWeights    = tagPrefix2 + "share-check-weights"
	tagProofShare      = tagPrefix + "proof/share"
	tagProofDecryption = tagPrefix + "proof/decryption"
	tagNonce           = tagPrefix + "nonce"
)

// transcript is a domain-separated SHA-512 hash in which every input is
// length-prefixed (docs/protocol.md §2.1):
//
//	SHA-512( len(tag) || tag || len(x1) || x1 || ... )
//
// where len is an 8-byte big-endian byte count.
type transcript struct {
	h hash.Hash
}

func newTranscript(tag string) *transcript {
	t := &transcript{h: sha512.New()}
	t.bytes([]byte(tag))
	return t
}

func (t *transcript) bytes(b []byte) *transcript {
	var l [8]byte
	binary.BigEndian.PutUint64(l[:], uint64(len(b)))
	t.h.Write(l[:])
	t.h.Write(b)
	return t
}

func (t *transcript) uint(v uint64) *transcript {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return t.bytes(b[:])
}

func (t *transcript) element(e *group.Element) *transcript { return t.bytes(e.Bytes()) }

func (t *transcript) sum() []byte { return t.h.Sum(nil) }

// id returns the first 32 bytes of the hash, as used for message and
// ceremony identifiers.
func (t *transcript) id() ID {
	var id ID
	copy(id[:], t.sum())
	return id
}

// scalar reduces the 64-byte hash modulo the group order (hash-to-scalar by
// wide reduction, docs/protocol.md §2.2).
func (t *transcript) scalar() *group.Scalar {
	s, err := group.NewScalar().SetUniformBytes(t.sum())
	if err != nil {
		panic("ceremony: internal error: " + err.Error())
	}
	return s
}

// ID identifies a message or a ceremony: the first 32 bytes of a
// domain-separated SHA-512 hash (docs/protocol.md §2.3).
type ID [32]byte

// IsZero reports whether id is all zeros (no identifier).
func (id ID) IsZero() bool { return id == ID{} }

// Fingerprint returns the short form of id that people read aloud and
// compare: the first 80 bits in Crockford's base 32, in four groups of four
// characters, e.g. "7KQ2-M9XD-4RTA-W0BZ" (docs/protocol.md §2.4).
func (id ID) Fingerprint() string { return Fingerprint(id[:]) }

// crockford is Crockford's base-32 alphabet: no I, L, O or U, so that no two
// characters are easily confused when read aloud.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Fingerprint formats the first 80 bits of b as four groups of four
// Crockford base-32 characters (docs/protocol.md §2.4).
func Fingerprint(b []byte) string {
	var buf [10]byte
	copy(buf[:], b)
	var acc uint64
	var bits uint
	var out strings.Builder
	n := 0
	for _, c := range buf {
		acc = acc<<8 | uint64(c)
		bits += 8
		for bits >= 5 {
			bits -= 5
			if n > 0 && n%4 == 0 {
				out.WriteByte('-')
			}
			out.WriteByte(crockford[(acc>>bits)&31])
			n++
		}
	}
	return out.String()
}
