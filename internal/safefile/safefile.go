// Package safefile reads the files Conclave is handed (messages, ballots,
// passphrase files, pictures) without trusting what is at the path: it
// opens without blocking (a named pipe called "deal.cbor" cannot hang the
// program), refuses anything that is not a regular file, and checks the
// size against the largest file of that kind before reading a byte
// (docs/formats.md, "File size limits").
//
// Entry points: Read, ReadNoFollow and Open, with a Kind.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Kind names a kind of file and the largest size it may have.
type Kind struct {
	Name string // in plain words, e.g. "message file"
	Max  int64  // bytes
}

// The kinds of file Conclave reads, with their limits (docs/formats.md,
// "File size limits"; the message limits follow docs/protocol.md §5.1).
var (
	// Request is a decryption request: at most 2^24 ciphertexts of 64
	// bytes, plus the envelope (label, signature: far less than 1 MiB).
	Request = Kind{"message file", 1<<30 + 1<<20}
	// Message is any other message: the largest, a bundle of 64 deals
	// each sealing 64 shares of up to 4096 bytes, is about 17 MiB.
	Message = Kind{"message file", 64 << 20}
	// BoardFile is a *.cbor file in a board folder, which may be any
	// message, a request included.
	BoardFile = Request
	// Ciphertexts is a conclave-ciphertexts/v1 file: 2^24 ciphertexts of
	// 128 hex digits, quoted, with a separator, plus the header.
	Ciphertexts = Kind{"ciphertext file", 1<<24*132 + 1<<20}
	// Ballots is a conclave-ballots/v1 file (demonstrations and tests).
	Ballots = Kind{"ballots file", 1 << 30}
	// Votes is a votes file: one option number per line.
	Votes = Kind{"votes file", 256 << 20}
	// Passphrase is a passphrase file: one line of at most 1024 bytes.
	Passphrase = Kind{"passphrase file", 4096}
	// Setting is a small settings file of the application.
	Setting = Kind{"settings file", 4096}
	// Picture is a PNG, JPEG or GIF picture of a QR code.
	Picture = Kind{"picture", 64 << 20}
	// Transfer is a file read by the importer: a message or UR text lines.
	Transfer = Kind{"file", 64 << 20}
)

// Sentinel errors, for errors.Is.
var (
	// ErrNotRegular: a named pipe, device, socket or folder.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: larger than any file of its kind.
	ErrTooLarge = errors.New("too large")
	// ErrSymlink: a symbolic link where none may be followed.
	ErrSymlink = errors.New("a symbolic link")
)

// Error says which file was refused and why, in plain words. Error() gives
// the English; Key() gives its format (the key the application translates
// in assets/translation/*.json) and its arguments: the path (a Path, never
// translated), the kind's Name (itself a key), sizes, and for any other
// refusal the system's error. errors.Is sees the sentinels above and the
// system's error through Unwrap.
type Error struct {
	Path string
	Kind Kind
	Size int64 // for ErrTooLarge
	Err  error // a sentinel above, or the system's error
}

// Path is a file's path as an argument of a keyed text: shown as it is,
// never taken for a key.
type Path string

// The refusals' English formats: the keys of assets/translation/*.json
// (app/keyed_test.go collects every constant named *Format).
const (
	notRegularFormat       = "%s is not a regular file (a named pipe, a device or a folder): give the path of a %s"
	tooLargeFormat         = "%s is larger (%d bytes) than any %s (at most %d bytes): it was not read; check that it is the right file"
	symlinkFormat          = "%s is a symbolic link, which is not followed here: give the path of the file itself"
	unreadableFormat       = "cannot read %s: %v"
	notRegularReasonFormat = "it is not a regular file (a named pipe, a device or a folder)"
	tooLargeReasonFormat   = "it is larger (%d bytes) than any %s (at most %d bytes), so it was not read"
	symlinkReasonFormat    = "it is a symbolic link, which is not followed here"
	unreadableReasonFormat = "cannot read it: %v"
)

func (e *Error) Error() string { return sprint(e.Key()) }

// Key returns the refusal's English format, naming the file, and its
// arguments.
func (e *Error) Key() (string, []any) {
	switch e.Err {
	case ErrNotRegular:
		return notRegularFormat, []any{Path(e.Path), e.Kind.Name}
	case ErrTooLarge:
		return tooLargeFormat, []any{Path(e.Path), e.Size, e.Kind.Name, e.Kind.Max}
	case ErrSymlink:
		return symlinkFormat, []any{Path(e.Path)}
	}
	return unreadableFormat, []any{Path(e.Path), plain(e.Err)}
}

func (e *Error) Unwrap() error { return e.Err }

// Reason is the refusal without the path, for a caller that names the file
// itself.
func (e *Error) Reason() string { return sprint(e.reasonKey()) }

func (e *Error) reasonKey() (string, []any) {
	switch e.Err {
	case ErrNotRegular:
		return notRegularReasonFormat, nil
	case ErrTooLarge:
		return tooLargeReasonFormat, []any{e.Size, e.Kind.Name, e.Kind.Max}
	case ErrSymlink:
		return symlinkReasonFormat, nil
	}
	return unreadableReasonFormat, []any{plain(e.Err)}
}

// Why is the refusal without the path, as an error: keyed as Error is, and
// wrapping the same sentinel or system error.
func (e *Error) Why() error { return &why{e} }

type why struct{ e *Error }

func (w *why) Error() string        { return w.e.Reason() }
func (w *why) Key() (string, []any) { return w.e.reasonKey() }
func (w *why) Unwrap() error        { return w.e.Err }

func sprint(format string, args []any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// Reason is err's Reason when it is an *Error, else its text.
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason()
	}
	return err.Error()
}

// Why is err's Why when it is an *Error, else err.
func Why(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Why()
	}
	return err
}

func plain(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Open opens path for reading without blocking, checks that it is a
// regular file of at most kind.Max bytes, and returns it with its size. The
// caller reads at most kind.Max bytes from it and closes it.
func Open(path string, kind Kind) (*os.File, int64, error) {
	return open(path, kind, false)
}

// OpenNoFollow is Open for a path that must not be a symbolic link.
func OpenNoFollow(path string, kind Kind) (*os.File, int64, error) {
	return open(path, kind, true)
}

func open(path string, kind Kind, noFollow bool) (*os.File, int64, error) {
	f, err := openNonBlocking(path, noFollow)
	if err != nil {
		if noFollow && isSymlinkErr(path, err) {
			return nil, 0, &Error{Path: path, Kind: kind, Err: ErrSymlink}
		}
		return nil, 0, &Error{Path: path, Kind: kind, Err: err}
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, &Error{Path: path, Kind: kind, Err: err}
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, &Error{Path: path, Kind: kind, Err: ErrNotRegular}
	}
	if fi.Size() > kind.Max {
		f.Close()
		return nil, 0, &Error{Path: path, Kind: kind, Size: fi.Size(), Err: ErrTooLarge}
	}
	return f, fi.Size(), nil
}

// Read reads the regular file at path (following symbolic links) if it is
// at most kind.Max bytes. The buffer is sized from the file's size, so the
// memory it takes is the file's size (plus one byte).
func Read(path string, kind Kind) ([]byte, error) { return read(path, kind, false) }

// ReadNoFollow is Read for a path that must not be a symbolic link.
func ReadNoFollow(path string, kind Kind) ([]byte, error) { return read(path, kind, true) }

func read(path string, kind Kind, noFollow bool) ([]byte, error) {
	f, size, err := open(path, kind, noFollow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadOpened(f, path, size, kind)
}

// ReadOpened reads f, which Open (or OpenNoFollow) opened at path with its
// size and kind, as Read would have: a caller that opened the file to
// learn its size reads it without opening it again. The caller closes f.
func ReadOpened(f *os.File, path string, size int64, kind Kind) ([]byte, error) {
	buf := make([]byte, size+1)
	n, err := io.ReadFull(f, buf)
	switch {
	case err == nil: // more than fstat said: it grows while we read
		return nil, &Error{Path: path, Kind: kind, Size: size + 1, Err: ErrTooLarge}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return buf[:n], nil
	}
	return nil, &Error{Path: path, Kind: kind, Err: err}
}

func isSymlinkErr(path string, err error) bool {
	fi, lerr := os.Lstat(path)
	return lerr == nil && fi.Mode()&fs.ModeSymlink != 0
}
