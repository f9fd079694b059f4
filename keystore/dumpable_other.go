//go:build !linux

package keystore

// markNonDumpable is Linux only; memguard already disables core dumps
// (RLIMIT_CORE) on the other Unix systems.
func markNonDumpable() {}
