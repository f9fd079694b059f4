package memscan

// Unmasked returns a fresh copy of the secret. Hand it at once to
// something that takes ownership and wipes it (keystore.NewPassphrase).
func (n Needle) Unmasked() []byte {
	out := make([]byte, len(n.masked))
	for i, b := range n.masked {
		out[i] = b ^ mask
	}
	return out
}
