package minutes

import (
	"fmt"
	"strings"
	"sync"

	"conclave/assets"

	"golang.org/x/image/font/sfnt"
)

// sansFont is the font the minutes print names, titles and labels in.
var sansFont = sync.OnceValue(func() *sfnt.Font {
	f, err := sfnt.Parse(assets.FontSans)
	if err != nil {
		panic(fmt.Sprintf("minutes: the embedded font does not parse: %v", err))
	}
	return f
})

// drawable returns s with every character the minutes' font cannot draw
// written as its code point, [U+674E]: without it, a name in a script the
// font lacks (Chinese, Thai, Korean...) prints as empty boxes, and two such
// names look the same on paper although 'board status' shows them apart.
func drawable(s string) string {
	f := sansFont()
	var buf sfnt.Buffer
	var b strings.Builder
	for _, r := range s {
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
