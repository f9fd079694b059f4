package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"conclave/assets"
)

var (
	literalKey  = regexp.MustCompile(`lang\.L\("((?:[^"\\]|\\.)*)"`)
	roleKeys    = regexp.MustCompile(`role\("([^"]+)", [^,]+, "([^"]+)", "([^"]+)"`)
	placeholder = regexp.MustCompile(`\{\{\.[A-Za-z]+\}\}`)
	printfVerb  = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)
)

func loadTranslation(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile("translation/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
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
