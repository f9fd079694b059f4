package minutes

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The words of the minutes, one table per language: every word printed on
// them, apart from the ceremony's own data (title, names, labels,
// fingerprints, numbers), comes from translation/LANG.json.
//
//go:embed translation/*.json
var tables embed.FS

// Languages are the languages the minutes can be printed in.
var Languages = []string{"en", "fr"}

var words = map[string]map[string]string{}

func init() {
	for _, l := range Languages {
		data, err := tables.ReadFile("translation/" + l + ".json")
		if err != nil {
			panic(err)
		}
		d := json.NewDecoder(bytes.NewReader(data))
		d.DisallowUnknownFields()
		m := map[string]string{}
		if err := d.Decode(&m); err != nil {
			panic(fmt.Sprintf("minutes: translation/%s.json: %v", l, err))
		}
		words[l] = m
	}
}

// translator renders the words of one language.
type translator struct {
	lang  string
	table map[string]string
}

func newTranslator(lang string) (*translator, error) {
	t, ok := words[lang]
	if !ok {
		return nil, fmt.Errorf("minutes: no minutes in the language %q: choose %s", lang, strings.Join(Languages, " or "))
	}
	return &translator{lang: lang, table: t}, nil
}

// T returns the words of key with each {name} replaced by the value given
// after it: T("page", "p", 1, "n", 2). A key missing from the table is a
// programming error that the tests catch; it prints as the key itself.
func (t *translator) T(key string, args ...any) string {
	s, ok := t.table[key]
	if !ok {
		s = key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	if t.lang == "fr" {
		// French typography: a no-break space before the high punctuation
		// and inside the guillemets, so that a line never starts with ":".
		s = strings.NewReplacer(" :", "\u00a0:", " ;", "\u00a0;", "« ", "«\u00a0", " »", "\u00a0»").Replace(s)
	}
	return s
}

// has reports whether the table has key.
func (t *translator) has(key string) bool { _, ok := t.table[key]; return ok }

// list joins items as people write them: "1, 2 and 3".
func (t *translator) list(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + t.T("list_and") + " " + items[len(items)-1]
}

// dateTime writes a moment in words, in loc: "14 mars 2027 à 18:00".
func (t *translator) dateTime(at time.Time, loc *time.Location) string {
	at = at.In(loc)
	day := strconv.Itoa(at.Day())
	if at.Day() == 1 {
		day = t.T("day_first")
	}
	return t.T("datetime", "day", day, "month", t.T(fmt.Sprintf("month_%d", int(at.Month()))), "year", at.Year(), "time", at.Format("15:04"))
}

// zone names the offset of a moment from UTC: "UTC+01:00 (CET)".
func zone(at time.Time, loc *time.Location) string {
	at = at.In(loc)
	name, _ := at.Zone()
	off := at.Format("-07:00")
	if off == "+00:00" || off == "Z" {
		off = "+00:00"
	}
	z := "UTC" + off
	if name != "" && !strings.HasPrefix(name, "+") && !strings.HasPrefix(name, "-") && name != "UTC" {
		z += " (" + name + ")"
	}
	return z
}

// Table returns a copy of the words of a language, for tests and for
// whoever checks a translation.
func Table(lang string) map[string]string {
	out := map[string]string{}
	for k, v := range words[lang] {
		out[k] = v
	}
	return out
}
