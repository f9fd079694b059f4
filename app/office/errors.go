package office

import (
	"conclave/ceremony"
	"conclave/internal/keyed"
)

// Error is a refusal of this package (internal/keyed): Error() gives the
// English, prefixed by "office: " (except when the format starts with a
// sentinel, %w:, that carries the prefix already, or for a cause another
// error wraps); Key() gives the unprefixed format, the key the application
// translates in assets/translation/*.json, and its arguments; errors.Is and
// errors.As see what it wraps with %w. Arguments are paths, names, numbers
// and fingerprints, never secret bytes.
type Error = keyed.Error

// errorf builds a refusal: format is its English without the package
// prefix, which Error() adds.
func errorf(format string, args ...any) error { return keyed.Errorf("office", format, args...) }

// causef builds an error without the package prefix: one that starts with
// a sentinel (%w:) or a cause another error wraps.
func causef(format string, args ...any) error { return keyed.Causef(format, args...) }

// textf builds a sentence for people, keyed as the ceremony's are.
func textf(format string, args ...any) ceremony.Text {
	return ceremony.Text{Format: format, Args: args}
}
