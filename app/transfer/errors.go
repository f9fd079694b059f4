package transfer

import (
	"errors"
	"fmt"
	"strings"
)

// Error is a refusal of this package: its English format, which is also the
// key the application translates (assets/translation/*.json), and its
// arguments. The command line prints Error(); the application shows
// Key() in the member's language.
type Error struct {
	format string
	args   []any
}

func errorf(format string, args ...any) error { return &Error{format: format, args: args} }

// Error returns the English text, prefixed by the package.
func (e *Error) Error() string { return "transfer: " + fmt.Sprintf(e.format, e.args...) }

// Key returns the English format (the translation key) and its arguments.
func (e *Error) Key() (string, []any) { return e.format, e.args }

// Unwrap returns the first argument that is an error (an operating-system
// cause), so that errors.Is finds os.ErrPermission and the like.
func (e *Error) Unwrap() error {
	for _, a := range e.args {
		if err, ok := a.(error); ok {
			return err
		}
	}
	return nil
}

// Err returns the problem as an error that keeps its key and arguments
// (Reason is the same text in English).
func (p Problem) Err() error {
	if p.format == "" {
		return errors.New(p.Reason)
	}
	return &Error{format: p.format, args: p.args}
}

// urErr shows a UR error without its package prefix in English, and keeps
// it (with its sentinel) for the application's translation.
type urErr struct{ err error }

func (u urErr) Error() string { return strings.TrimPrefix(u.err.Error(), "ur: ") }
func (u urErr) Unwrap() error { return u.err }
