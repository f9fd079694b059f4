// Package group implements the prime-order group ristretto255 (RFC 9496,
// Section 4) and its scalar field, as a thin layer over
// filippo.io/edwards25519.
//
// ristretto255 has prime order
//
//	l = 2^252 + 27742317777372353535851937790883648493
//
// so protocols built on it need no cofactor handling. Its elements are
// represented internally by edwards25519 points, but those points are never
// exposed: an [Element] can only be obtained by decoding, by hashing to the
// group, or by group operations on other elements (RFC 9496, Section 6).
//
// # Entry points
//
// Elements:
//
//   - [Element.SetCanonicalBytes] decodes a 32-byte encoding received from
//     elsewhere (RFC 9496, Section 4.3.1). It rejects every non-canonical or
//     invalid encoding, but it accepts the identity element; callers that
//     must not see the identity (public keys, commitments, ...) check
//     [Element.IsIdentity] themselves.
//   - [Element.Bytes] encodes (Section 4.3.2). Equal elements always have
//     identical encodings.
//   - [Element.SetUniformBytes] derives an element from 64 uniformly random
//     bytes (Section 4.3.4). To hash arbitrary data to the group, feed it the
//     output of a domain-separated 64-byte hash such as SHA-512 or
//     SHAKE256; nobody knows the discrete logarithm of the result.
//   - [Element.Equal] compares elements (Section 4.3.3). Never compare
//     elements in any other way.
//
// Scalars:
//
//   - [Scalar.SetCanonicalBytes] decodes a 32-byte little-endian scalar and
//     rejects values that are not reduced modulo l (Section 4.4).
//   - [Scalar.SetUniformBytes] derives a scalar from 64 uniformly random
//     bytes (for example from crypto/rand, or from a domain-separated
//     64-byte hash), which is how secret scalars should be generated.
//   - [Scalar.Zeroize] wipes a secret scalar once it is no longer needed.
//
// # Constant time
//
// Every operation that can touch secrets (scalar arithmetic, encoding,
// decoding, hashing to the group, [Element.ScalarBaseMult],
// [Element.ScalarMult] and [Element.MultiScalarMult]) runs in time that is
// independent of the values involved. Functions whose names start with
// VarTime run in variable time and must only be used with public inputs,
// such as when verifying proofs or signatures.
//
// Decoding reports in its error which check failed. The checks themselves
// are all evaluated in constant time; only the choice of message for an
// input that is already rejected depends on the input.
//
// # Zero values
//
// The zero value of [Scalar] is the scalar 0 and is ready to use. The zero
// value of [Element] is NOT a valid element: use [NewIdentityElement],
// [NewGeneratorElement], or set it with one of its setters before reading
// it. Using an unset Element as an operand panics.
//
// All methods are safe to call with aliased arguments (the receiver may also
// be an operand), and return the receiver to allow chaining. On error,
// setters leave the receiver unchanged.
package group
