package keystore

import "bytes"

// LooksLikeKeystore reports whether prefix, the first bytes of a file,
// starts as every keystore does (its magic, docs/keystore.md §2). Callers
// use it to refuse writing anything else over a keystore, even a damaged
// one.
func LooksLikeKeystore(prefix []byte) bool {
	return len(prefix) >= len(magic) && bytes.Equal(prefix[:len(magic)], magic[:])
}
