// Package locale runs before Fyne reads the locale and maps the POSIX "C"
// locale (LANG=C, C.UTF-8, POSIX), which Fyne cannot parse and complains
// about on every start, to English. Import it for its side effect, from
// main only; it must import nothing but the standard library, so that Go
// initializes it before fyne.io/fyne/v2/lang (packages ready to initialize
// are taken in import-path order, and "conclave/..." sorts first).
package locale

import (
	"os"
	"strings"
)

func isPOSIX(v string) bool {
	v = strings.ToUpper(v)
	return v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.")
}

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if isPOSIX(v) {
				os.Setenv("LANGUAGE", "en")
			}
			return
		}
	}
	os.Setenv("LANGUAGE", "en")
}
