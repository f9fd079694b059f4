// Package keystore keeps a member's secrets in one sealed file on their USB
// stick, and in memory only inside memguard enclaves.
//
// The file (format version 1, normative specification in docs/keystore.md)
// is: a fixed prefix (magic, version, lengths, prefix checksum), a clear
// header in deterministic CBOR (ceremony ID, member index and name,
// verification key, Argon2id parameters, salt, nonce, key-check value), the
// secret encrypted with XChaCha20-Poly1305 under Argon2id(passphrase) with
// the prefix and header as associated data, and a SHA-256 of everything.
// The decoder is strict and gives one precise error per failure (not a
// keystore, truncated, unknown version, damaged, malformed, wrong
// passphrase, tampered, other ceremony).
//
// Every write is atomic (temporary file, fsync, read-back, rename, folder
// fsync): a pulled stick or a power cut leaves the old file or the new one.
//
// In memory the derived key and the secret live in memguard enclaves and
// are opened only inside Use, Save, Backup and VerifyCopy. Every memguard
// call is guarded by a locked-memory budget check, because memguard
// deadlocks when mlock fails inside Enclave.Open; where memory cannot be
// locked the package keeps working with ordinary wiped memory and
// LockedMemoryStatus says so. The package never logs.
package keystore
