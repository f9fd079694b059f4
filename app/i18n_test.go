package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"conclave/assets"
)

var (
	literalKey  = regexp.MustCompile(`lang\.[LN]\("((?:[^"\\]|\\.)*)"`)
	pluralKey   = regexp.MustCompile(`lang\.N\("((?:[^"\\]|\\.)*)"`)
	roleKeys    = regexp.MustCompile(`role\("([^"]+)", [^,]+, "([^"]+)", "([^"]+)"`)
	placeholder = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)
	printfVerb  = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
)

// loadTranslation reads a translation file: a key whose value is a set of
// plural forms gives its "other" form (see loadPlurals).
func loadTranslation(t *testing.T, name string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for k, forms := range loadPlurals(t, name) {
		m[k] = forms["other"]
	}
	return m
}

// loadPlurals reads a translation file as sets of forms: a plain value is
// the one form "other"; a plural value ({"one": ..., "other": ...}, as
// lang.N reads it) gives its forms.
func loadPlurals(t *testing.T, name string) map[string]map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile("translation/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m := map[string]map[string]string{}
	for k, v := range raw {
		var s string
		if json.Unmarshal(v, &s) == nil {
			m[k] = map[string]string{"other": s}
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			t.Fatalf("%s: %q: %v", name, k, err)
		}
		for form := range forms {
			if form != "one" && form != "other" {
				t.Fatalf("%s: %q: plural form %q (English and French have one and other)", name, k, form)
			}
		}
		if forms["one"] == "" || forms["other"] == "" {
			t.Fatalf("%s: %q: a plural needs both forms, one and other", name, k)
		}
		m[k] = forms
	}
	return m
}

// TestPlurals: a text shown with a count (lang.N, or a keyed text whose
// first argument is the count) has both plural forms in English and
// French, each with the key's verbs and placeholders; a key is plural in
// both files or in neither.
func TestPlurals(t *testing.T) {
	en, fr := loadPlurals(t, "en.json"), loadPlurals(t, "fr.json")
	files, _ := filepath.Glob("*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range pluralKey.FindAllStringSubmatch(string(src), -1) {
			n++
			if k := m[1]; len(en[k]) != 2 {
				t.Errorf("%s: lang.N(%q) has no plural forms in en.json", f, k)
			}
		}
	}
	if n < 4 {
		t.Fatalf("only %d plural texts found: the scan is broken", n)
	}
	for k, ef := range en {
		ff := fr[k]
		if len(ef) != len(ff) {
			t.Errorf("%q: %d forms in English, %d in French", k, len(ef), len(ff))
			continue
		}
		for form, text := range ff {
			for _, tr := range []string{text, ef[form]} {
				if v, w := printfVerb.FindAllString(k, -1), printfVerb.FindAllString(tr, -1); strings.Join(v, ",") != strings.Join(w, ",") {
					t.Errorf("%q, form %s: verbs differ in %q", k, form, tr)
				}
				a, b := placeholder.FindAllString(k, -1), placeholder.FindAllString(tr, -1)
				sort.Strings(a)
				sort.Strings(b)
				if strings.Join(a, ",") != strings.Join(b, ",") {
					t.Errorf("%q, form %s: placeholders differ in %q", k, form, tr)
				}
			}
		}
	}
	// A keyed text with a count as its first argument picks its form.
	inFrench(t)
	for _, c := range []struct {
		n    int
		want string
	}{{1, "1 part encore attendue pour reconstruire Alice"}, {2, "2 parts encore attendues pour reconstruire Alice"}} {
		if got, ok := translate("%d more share(s) of %s", []any{c.n, "Alice"}); !ok || got != c.want {
			t.Errorf("%d: %q, want %q", c.n, got, c.want)
		}
	}
	if got, _ := translate("%d more card(s)", []any{uint64(1)}); got != "1 inscription encore attendue" {
		t.Errorf("French, uint64 1: %q", got)
	}
	if got := lang.L("{{.N}} camera(s) found", map[string]any{"N": 5}); got != "5 caméras trouvées" {
		t.Errorf("a plural key without its count gives %q, want the other form", got)
	}
	useLanguage("en")
	if got, _ := translate("%d more card(s)", []any{1}); got != "1 more registration" {
		t.Errorf("English, 1: %q", got)
	}
	if got, _ := translate("%d more card(s)", []any{3}); got != "3 more registrations" {
		t.Errorf("English, 3: %q", got)
	}
}

// TestTranslations: every string the screens show is in English and
// French, and each French string keeps the English one's placeholders.
func TestTranslations(t *testing.T) {
	en, fr := loadTranslation(t, "en.json"), loadTranslation(t, "fr.json")
	used := map[string]bool{}
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		for _, m := range literalKey.FindAllStringSubmatch(string(src), -1) {
			used[strings.ReplaceAll(m[1], `\n`, "\n")] = true
		}
		for _, m := range roleKeys.FindAllStringSubmatch(string(src), -1) {
			used[m[1]], used[m[2]], used[m[3]] = true, true, true
		}
	}
	var missing []string
	for k := range used {
		if _, ok := en[k]; !ok {
			missing = append(missing, "en: "+k)
		}
		if _, ok := fr[k]; !ok {
			missing = append(missing, "fr: "+k)
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			missing = append(missing, "fr lacks en key: "+k)
		}
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			missing = append(missing, "en lacks fr key: "+k)
		}
		// Keys of the packages below are their English formats: the French
		// keeps the same verbs, in the same order (fmt fills them in order).
		if v, w := printfVerb.FindAllString(k, -1), printfVerb.FindAllString(fr[k], -1); strings.Join(v, ",") != strings.Join(w, ",") {
			missing = append(missing, "verbs differ: "+k)
		}
		a, b := placeholder.FindAllString(k, -1), placeholder.FindAllString(fr[k], -1)
		sort.Strings(a)
		sort.Strings(b)
		if strings.Join(a, ",") != strings.Join(b, ",") {
			missing = append(missing, "placeholders differ: "+k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d translation problems:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	if len(used) < 100 {
		t.Fatalf("only %d strings found: the scan is broken", len(used))
	}
}
