// Package keyed is the refusal of Conclave's packages below the application
// (ceremony, office): its English, prefixed by the package, for the command
// line and logs, and its key, the English format the application translates
// in assets/translation/*.json, with its arguments (STYLE.md §4, §6).
//
// A package wraps Errorf with its own name and Causef, both called with a
// literal format, so that the application's tests can collect every key.
package keyed

import "fmt"

// Error is a refusal. Error() gives the English, prefixed by its package
// (except for a cause that another refusal wraps, or a format that starts
// with a sentinel, %w:, which carries the prefix already); Key() gives the
// unprefixed format and its arguments. An error given with %w is wrapped as
// fmt.Errorf would (errors.Is and errors.As see it). Arguments are paths,
// names, numbers and fingerprints, never secret bytes.
type Error struct {
	pkg    string // "" for no prefix
	format string
	args   []any
	err    error // fmt.Errorf(format, args...): its text and what it wraps
}

// Errorf builds a refusal of package pkg: format is its English without the
// package prefix, which Error() adds.
func Errorf(pkg, format string, args ...any) error {
	return &Error{pkg: pkg, format: format, args: args, err: fmt.Errorf(format, args...)}
}

// Causef builds a refusal without the package prefix: a cause that another
// refusal wraps, or one that starts with a sentinel (%w:).
func Causef(format string, args ...any) error {
	return &Error{format: format, args: args, err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string {
	if e.pkg != "" {
		return e.pkg + ": " + e.err.Error()
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
