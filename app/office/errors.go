package office

import (
	"fmt"

	"conclave/ceremony"
)

// Error is a refusal of this package. Error() gives the English, prefixed
// by "office: " (except when the format starts with a sentinel, %w:, that
// carries the prefix already, or for a cause another error wraps); Key()
// gives the unprefixed format, the key the application translates in
// assets/translation/*.json, and its arguments. An error given with %w is
// wrapped as fmt.Errorf would (errors.Is and errors.As see it). Arguments
// are paths, names, numbers and fingerprints, never secret bytes.
type Error struct {
	prefix bool
	format string
	args   []any
	err    error // fmt.Errorf(format, args...): its text and what it wraps
}

// errorf builds a refusal: format is its English without the package
// prefix, which Error() adds.
func errorf(format string, args ...any) error {
	return &Error{prefix: true, format: format, args: args, err: fmt.Errorf(format, args...)}
}

// causef builds an error without the package prefix: one that starts with
// a sentinel (%w:) or a cause another error wraps.
func causef(format string, args ...any) error {
	return &Error{format: format, args: args, err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string {
	if e.prefix {
		return "office: " + e.err.Error()
	}
	return e.err.Error()
}

// Key returns the English format without the package prefix (the
// translation key) and its arguments.
func (e *Error) Key() (string, []any) { return e.format, e.args }

// Unwrap returns what the format wrapped with %w.
func (e *Error) Unwrap() []error {
	switch u := e.err.(type) {
	case interface{ Unwrap() error }:
		if w := u.Unwrap(); w != nil {
			return []error{w}
		}
	case interface{ Unwrap() []error }:
		return u.Unwrap()
	}
	return nil
}

// textf builds a sentence for people, keyed as the ceremony's are.
func textf(format string, args ...any) ceremony.Text {
	return ceremony.Text{Format: format, Args: args}
}
