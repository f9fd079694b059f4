package minutes_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"conclave/app/minutes"
	"conclave/app/office"
	"conclave/assets"
	"conclave/keystore"

	"golang.org/x/image/font/sfnt"
)

// TestMinutesDrawEveryCharacter: the minutes' font has no glyph for many
// scripts (Chinese, Thai, Korean...). A member enrolled as "李小龍" and
// another as "王小明" then both print as empty boxes: the paper shows a
// name that 'board status' does not, and two members the office cannot
// tell apart by name (pdftotext still extracts the characters, so a test
// of the text alone does not see it). Every character the minutes print
// must be one their font draws; any other is printed as its code point,
// and so are right-to-left letters, which the PDF would print reversed.
func TestMinutesDrawEveryCharacter(t *testing.T) {
	work := t.TempDir()
	b, err := office.CreateBoard(filepath.Join(work, "board"), "選舉 2027", 3, 2, false, time.Date(2027, 3, 14, 17, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	call, err := b.Next(false)
	if err != nil {
		t.Fatal(err)
	}
	terms, err := office.ReadTerms(call, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	acc, err := terms.Accept(true)
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"李小龍", "Anaïs ก", "محمد"}
	for i, name := range names {
		m, card, err := office.Enrol(filepath.Join(work, strconv.Itoa(i)+".key"), keystore.NewPassphrase([]byte("quartz ferveur 9 ombrage "+strconv.Itoa(i)+" xylophone brume")), name, call, acc, keystore.MinKDF)
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		if _, err := b.Add(card.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Next(false); err != nil { // the manifest
		t.Fatal(err)
	}
	pdf, err := minutes.Render(b, minutes.Options{Lang: "en", Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf)
	var fonts []*sfnt.Font
	for _, data := range [][]byte{assets.FontSans, assets.FontMono} {
		f, err := sfnt.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		fonts = append(fonts, f)
	}
	var buf sfnt.Buffer
	var missing []rune
	for _, r := range text {
		if r < ' ' {
			continue
		}
		drawn := false
		for _, f := range fonts {
			if g, err := f.GlyphIndex(&buf, r); err == nil && g != 0 {
				drawn = true
			}
		}
		if !drawn {
			missing = append(missing, r)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the minutes print characters their fonts cannot draw (empty boxes on paper): %q", missing)
	}
	// Arabic has glyphs, but the PDF would print its letters left to right
	// and unjoined: another name than on the screens.
	for _, want := range []string{"[U+674E][U+5C0F][U+9F8D]", "Anaïs [U+0E01]", "[U+9078][U+8209] 2027", "[U+0645][U+062D][U+0645][U+062F]"} {
		// Compared without white space: a long name wraps in its cell.
		if !strings.Contains(strings.Join(strings.Fields(text), ""), strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the minutes lack %q", want)
		}
	}
}
