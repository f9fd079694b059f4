// Package belenios makes a Conclave member a trustee of a Belenios election:
// Belenios's "version 1" protocol with the Ed25519 group, as Belenios 2.5.1
// to 3.3.0 speak it. It is pure protocol code like package ceremony (no
// files, no clock, no GUI) and shares nothing with it. The group encoding,
// the hashes and the messages are Belenios's, as its specification
// (doc/specification.tex in the Belenios sources, cited here as
// "spec §...") defines them. docs/belenios.md says how an office uses it.
//
// # Entry points
//
// A threshold trustee, step by step: [NewSeed] and [DeriveKeys], then
// [MakeCert] (step 1); [ParseCerts] and [MakePolynomial] (step 3);
// [ParseVinput] and [MakeVoutput] (step 5). [Secret] is what a keystore
// seals. A Single trustee: [NewSingleKey].
//
// Decryption: [ReadArchive] reads an election's .bel archive and
// [VerifyArchive] checks it (trustees, every ballot, the tally as the
// product of the ballots). Then [Decrypt] and [DecryptionLines] write what
// belenios-tool's "election decrypt" prints.
//
// [ParseVersion] maps a Belenios release to the [Version] whose channel
// cipher and signatures the trustee messages use.
//
// # Decoding
//
// Every decoder is strict. A message is accepted only if encoding it again
// gives the same bytes (compact JSON, fields in the specification's order).
// Every point is canonical and in the prime-order subgroup, and every
// scalar is a canonical decimal below the group order. election.json and
// trustees.json are the exceptions: they are hashed as received, so their
// fields are checked but their spelling is not.
//
// # Errors
//
// Every decoding error wraps [ErrFormat]. Every failed proof, signature or
// relation wraps [ErrInvalid]. [ErrNotHomomorphic], [ErrNoTally] and
// [ErrNotBelenios] mark elections and keystores this package does not
// handle.
package belenios
