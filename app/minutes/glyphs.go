package minutes

import (
	"fmt"
	"strings"
	"sync"
	"unicode"

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
// Right-to-left scripts are written as code points too: the PDF library
// neither reorders nor joins them, so their letters would print reversed
// and unconnected, another name than the screens show.
func drawable(s string) string {
	f := sansFont()
	var buf sfnt.Buffer
	var b strings.Builder
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko, unicode.Samaritan, unicode.Mandaic, unicode.Adlam) {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		if g, err := f.GlyphIndex(&buf, r); err != nil || g == 0 {
			fmt.Fprintf(&b, "[U+%04X]", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
