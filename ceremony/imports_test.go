package ceremony

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// allowedImport reports whether a non-test file of a package may import
// path: the standard library (no dot in the first path element; the
// module's own "conclave/..." paths and cgo's "C" excluded) and the listed
// modules (a module path allows its sub-packages).
func allowedImport(path string, modules []string) bool {
	for _, m := range modules {
		if path == m || strings.HasPrefix(path, m+"/") {
			return true
		}
	}
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "conclave" && path != "C"
}

func checkImports(t *testing.T, dir string, modules []string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, im := range af.Imports {
			path, err := strconv.Unquote(im.Path.Value)
			if err != nil {
				t.Fatal(err)
			}
			if !allowedImport(path, modules) {
				t.Errorf("%s imports %q: package %s may import only the standard library and %v", f, path, dir, modules)
			}
		}
	}
	if checked == 0 {
		t.Fatalf("no Go files in %s", dir)
	}
}

func TestImports(t *testing.T) {
	t.Run("ceremony", func(t *testing.T) {
		checkImports(t, ".", []string{"conclave/ceremony/group", "conclave/internal/keyed", "filippo.io/edwards25519", "github.com/fxamacker/cbor/v2"})
	})
	t.Run("ceremony/group", func(t *testing.T) {
		checkImports(t, "group", []string{"filippo.io/edwards25519"})
	})
	// Belenios's protocol shares nothing with ours: not even our group.
	t.Run("ceremony/belenios", func(t *testing.T) {
		checkImports(t, "belenios", []string{"filippo.io/edwards25519"})
	})
	// The rule itself.
	for path, want := range map[string]bool{
		"crypto/hpke": true, "conclave/ceremony/group": true, "filippo.io/edwards25519/field": true,
		"github.com/fxamacker/cbor/v2": true, "conclave/keystore": false, "conclave": false, "C": false,
		"github.com/fxamacker/cbor": false, "filippo.io/edwards25519x": false, "golang.org/x/crypto/argon2": false,
		"github.com/gtank/ristretto255": false,
	} {
		if got := allowedImport(path, []string{"conclave/ceremony/group", "filippo.io/edwards25519", "github.com/fxamacker/cbor/v2"}); got != want {
			t.Errorf("allowedImport(%q) = %v, want %v", path, got, want)
		}
	}
}
