package keystore

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns wraps exactly one of them
// (test with errors.Is), starts with "keystore: ", says what to do, and never
// contains secret bytes or the passphrase.
var (
	// ErrNotKeystore: the file is not a Conclave keystore at all (wrong
	// signature, or not a regular file).
	ErrNotKeystore = errors.New("keystore: this file is not a Conclave keystore: choose the key file on the member's stick")
	// ErrUnknownVersion: the file carries a format version this build cannot read.
	ErrUnknownVersion = errors.New("keystore: the key file uses a format version this Conclave cannot read: open it with the Conclave that wrote it or a newer one")
	// ErrTruncated: the file ends before its declared end (cut short).
	ErrTruncated = errors.New("keystore: the key file is truncated (cut short, e.g. the stick was pulled during a copy): use your backup copy")
	// ErrDamaged: the file's checksums do not match (accidental corruption of
	// any byte, or extra bytes at the end).
	ErrDamaged = errors.New("keystore: the key file is damaged (its checksum does not match): use your backup copy")
	// ErrMalformed: the checksums match but the content breaks the format
	// rules: the file was not written by a correct Conclave (crafted or buggy).
	ErrMalformed = errors.New("keystore: the key file breaks the format rules although its checksum is intact: it was not written by Conclave; use your backup copy")
	// ErrWrongPassphrase: the key-check value does not match the passphrase.
	// The checksums rule out accidental damage, so the only other cause is a
	// deliberate alteration of the header (the message says so).
	ErrWrongPassphrase = errors.New("keystore: wrong passphrase: type it again, checking Caps Lock and the keyboard layout (if you are sure of it, the file was altered: use your backup copy)")
	// ErrTampered: the passphrase is right (key-check value matches) but the
	// sealed secret fails authentication: the file was deliberately altered.
	ErrTampered = errors.New("keystore: the passphrase is right but the sealed secret fails authentication: the file was deliberately altered; use your backup copy and report it")
	// ErrOtherCeremony: the key belongs to another ceremony than the expected one.
	ErrOtherCeremony = errors.New("keystore: this key belongs to another ceremony: bring the stick used for this ceremony")
	// ErrExists: Create or Backup refused to overwrite an existing file.
	ErrExists = errors.New("keystore: a file already exists there and was left untouched: choose another folder or name")
	// ErrFileChanged: Save or ChangePassphrase found that the file on disk is
	// no longer the one this Store read or wrote (another stick in the same
	// place, or another program wrote it); nothing was written.
	ErrFileChanged = errors.New("keystore: the key file on the stick is not the one that was opened (another stick, or changed by another program); nothing was written: open the key again")
	// ErrUnreadable: the key file cannot be read (missing stick, wrong name,
	// permissions); the underlying *fs.PathError is wrapped too.
	ErrUnreadable = errors.New("keystore: cannot read the key file: check that the stick is plugged in and the name is right")
	// ErrWriteFailed: writing the file failed (the old file is intact unless
	// the message says the new file may already be in place).
	ErrWriteFailed = errors.New("keystore: writing the key file failed: check the stick (plugged in, not full, not read-only) and try again")
	// ErrBackupMismatch: a copy does not read back identical to the key.
	ErrBackupMismatch = errors.New("keystore: the copy does not read back identical to the key: make the backup again, on another stick if it happens twice")
	// ErrSameLocation: Backup was asked to write into the folder of the original.
	ErrSameLocation = errors.New("keystore: the backup folder is the folder of the key itself: choose a folder on a second stick")
	// ErrWeakPassphrase: CheckPassphrase refused the passphrase (the error
	// text says why and what to do).
	ErrWeakPassphrase = errors.New("keystore: passphrase too weak")
	// ErrPassphraseFile: a passphrase file holds something other than one
	// line of visible text (a byte-order mark, an invisible or control
	// character, invalid UTF-8, several lines): see TrimPassphraseFile. The
	// error says which and where, never the passphrase.
	ErrPassphraseFile = errors.New("keystore: the passphrase file holds characters that cannot be typed: save it as plain UTF-8 text with the passphrase alone on one line")
	// ErrInvalidArgument: a Header field, the secret or KDF parameters given
	// by the caller are out of range.
	ErrInvalidArgument = errors.New("keystore: invalid argument")
	// ErrClosed: the Store was destroyed, or memguard.Purge wiped its keys.
	ErrClosed = errors.New("keystore: this key is closed (destroyed or wiped from memory): open it again")
	// ErrLockedMemory: not enough locked memory was left to open the secret
	// safely right now (opening it anyway could deadlock memguard).
	ErrLockedMemory = errors.New("keystore: not enough locked memory left to open the secret safely: close other open keys, or raise the locked-memory limit (ulimit -l), and try again")
)

// kerror is an error with its own message that wraps one sentinel (and
// possibly an underlying cause, e.g. an *os.PathError).
type kerror struct {
	msg      string
	sentinel error
	cause    error
	// format and args are the message's English format (the key the
	// application translates) and its arguments.
	format string
	args   []any
}

func (e *kerror) Error() string { return e.msg }

// Key returns the English format of the message, without the package
// prefix (the key the application translates), and its arguments; the
// cause, if any, is left out.
func (e *kerror) Key() (string, []any) { return e.format, e.args }

func (e *kerror) Unwrap() []error {
	if e.cause != nil {
		return []error{e.sentinel, e.cause}
	}
	return []error{e.sentinel}
}

// newErr builds an error whose message is "keystore: " + the formatted text
// and that wraps sentinel. Arguments must never be secret.
func newErr(sentinel error, format string, args ...any) error {
	return &kerror{msg: "keystore: " + fmt.Sprintf(format, args...), sentinel: sentinel, format: format, args: args}
}

// wrapErr is newErr with an underlying cause (kept for errors.Is/As; its
// text is appended).
func wrapErr(sentinel, cause error, format string, args ...any) error {
	msg := "keystore: " + fmt.Sprintf(format, args...)
	if cause != nil {
		msg += " (" + cause.Error() + ")"
	}
	return &kerror{msg: msg, sentinel: sentinel, cause: cause, format: format, args: args}
}
