package app

import (
	"fmt"
	"strings"
	"testing"

	"conclave/keystore"
)

// TestFrenchForms: every French form keeps the English one's arguments,
// and sample sentences as the packages write them come out in French.
func TestFrenchForms(t *testing.T) {
	for _, p := range ceremonyFR {
		if a, b := verb.FindAllString(p[0], -1), verb.FindAllString(p[1], -1); len(a) != len(b) {
			t.Errorf("%q and %q take different arguments", p[0], p[1])
		}
	}
	pats := compileFR(ceremonyFR)
	apply := func(s string) string {
		for _, p := range pats {
			s = p.re.ReplaceAllString(s, p.repl)
		}
		return s
	}
	for in, want := range map[string]string{
		"member 3 (Carl) is disqualified: did not answer the complaint of member 4 (Dora)":                                       "membre 3 (Carl) est disqualifié : n'a pas répondu à l'objection de membre 4 (Dora)",
		`manifest of "Conseil 2027": 5 members, threshold 3, ceremony 7KQ2-M9XD-4RTA-W0BZ`:                                       `manifeste de "Conseil 2027" : 5 membres, seuil 3, cérémonie 7KQ2-M9XD-4RTA-W0BZ`,
		"deal1.cbor: this deal message belongs to another ceremony (AAAA-BBBB-CCCC-DDDD), not to this one (EEEE-FFFF-GGGG-HHHH)": "deal1.cbor: ce message (deal) appartient à une autre cérémonie (AAAA-BBBB-CCCC-DDDD), pas à celle-ci (EEEE-FFFF-GGGG-HHHH)",
		"the share from member 2 (Bruno) opens and matches its commitments":                                                      "la part de membre 2 (Bruno) s'ouvre et correspond à ses engagements",
		"FAILED: the share from member 1 (Alice) does not match its commitments: you complain":                                   "ÉCHEC : la part de membre 1 (Alice) ne correspond pas à ses engagements : vous portez plainte",
	} {
		if got := apply(in); got != want {
			t.Errorf("%q\n  gave %q\n want %q", in, got, want)
		}
	}
	// Keystore refusals are found through wrapping (TestExplain checks the
	// French).
	err := fmt.Errorf("office: %w", keystore.ErrWrongPassphrase)
	if explain(err) == "" || strings.HasPrefix(explain(err), "office") {
		t.Fatalf("explain gave %q", explain(err))
	}
}
