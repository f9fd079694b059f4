//go:build !unix

package keystore

// syncDir is a no-op where Go cannot fsync a directory (Windows): there the
// rename is as durable as the file system makes it on its own.
func syncDir(string) error { return nil }
