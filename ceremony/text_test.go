package ceremony

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"
)

// A dishonest member (or coordinator) hides direction controls or
// invisible characters in a name, a title or a label. A terminal or screen
// that applies the Unicode bidirectional algorithm then shows the rest of
// the line reversed — "board status" prints the card fingerprint after the
// name — while the printed minutes (no bidi) show it in logical order; or
// two names look the same; or a line separator breaks a table. Such text
// must be refused wherever it arrives (docs/protocol.md §5.1).
var spoofingText = []string{
	"Alice\u202E4321-DCBA",  // right-to-left override
	"Bob \u2067x\u2069",     // right-to-left isolate
	"Carol\u200F",           // right-to-left mark
	"Dav\u200Bid",           // zero-width space
	"Eve\uFEFF",             // byte-order mark
	"Fr\u00ADank",           // soft hyphen (invisible)
	"Gr\U000E0041ace",       // tag character
	"Heidi\u2028card 7KQ2",  // line separator
	"Ivan\u2029",            // paragraph separator
	"Judy\u061C",            // Arabic letter mark
	"Ken\u2066\u202A\u202C", // isolate, embedding, pop
}

func TestRefuseSpoofingText(t *testing.T) {
	closeAt := time.Unix(1700000000, 0)
	call, err := NewCall("Election", 3, 2, false, closeAt, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sec, card, err := Enrol(call, "Mallory", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range spoofingText {
		t.Run(strings.ToValidUTF8(s, "?"), func(t *testing.T) {
			if _, _, err := Enrol(call, s, rand.Reader); err == nil || !strings.Contains(err.Error(), "invisible") {
				t.Errorf("Enrol accepted the name %q (err %v)", s, err)
			}
			if _, err := NewCall(s, 3, 2, false, closeAt, rand.Reader); err == nil || !strings.Contains(err.Error(), "invisible") {
				t.Errorf("NewCall accepted the title %q (err %v)", s, err)
			}
			// A card made by modified software, validly self-signed.
			c := cardBody(t, card)
			c.Name = s
			forged := resign(sec, KindCard, card.Ceremony, 0, &c)
			st := NewState()
			if _, err := st.Add(call); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Add(mustParse(forged.Bytes())); err == nil || !strings.Contains(err.Error(), "invisible") {
				t.Errorf("the board took in a card named %q (err %v)", s, err)
			}
		})
	}
	// Ordinary names of every script stay accepted.
	for _, s := range []string{"Élise Ñúñez-O'Brien", "Zoë Łukasiewicz", "Ольга", "محمد", "李小龍", "Anne-Marie d’Arc (2e adjointe)"} {
		if _, _, err := Enrol(call, s, rand.Reader); err != nil {
			t.Errorf("Enrol refused the ordinary name %q: %v", s, err)
		}
	}
}
