package ceremony

import (
	"fmt"
	"strings"

	"conclave/internal/keyed"
)

// Text is a sentence of this package for people (what a step checked,
// what to do next, why a member was excluded): its English format, which
// is also the key the application translates in
// assets/translation/*.json, and its arguments. An argument that is itself
// a Text (a reason inside a sentence) is translated in turn. The command
// line prints String(). Arguments are names, numbers and fingerprints,
// never secret bytes.
type Text struct {
	Format string
	Args   []any
}

// textf builds a Text; the format is a literal (app tests collect them).
func textf(format string, args ...any) Text { return Text{Format: format, Args: args} }

// String gives the English sentence.
func (t Text) String() string {
	if len(t.Args) == 0 {
		return t.Format
	}
	return fmt.Sprintf(t.Format, t.Args...)
}

// Key returns the English format (the translation key) and its arguments.
func (t Text) Key() (string, []any) { return t.Format, t.Args }

// Error is a refusal of this package (internal/keyed): Error() gives the
// English, prefixed by "ceremony: " (except for a cause that another error
// of this package wraps); Key() gives the unprefixed format, the key the
// application translates, and its arguments; errors.Is and errors.As see
// the sentinels and causes it wraps with %w.
type Error = keyed.Error

// errorf builds a refusal: format is its English without the package
// prefix, which Error() adds.
func errorf(format string, args ...any) error { return keyed.Errorf("ceremony", format, args...) }

// causef builds an error without the package prefix: a cause that another
// error of this package wraps, or one that starts with a sentinel (%w:)
// which carries the prefix already.
func causef(format string, args ...any) error { return keyed.Causef(format, args...) }

// List is sentences or names shown one after the other, joined by Sep
// (", " or "; "); each is translated on its own.
type List struct {
	Items []Text
	Sep   string
}

// String gives the English sentences, joined.
func (l List) String() string {
	var b strings.Builder
	for i, t := range l.Items {
		if i > 0 {
			b.WriteString(l.Sep)
		}
		b.WriteString(t.String())
	}
	return b.String()
}
