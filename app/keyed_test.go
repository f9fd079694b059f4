package app

import (
	"crypto/rand"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/internal/safefile"
)

// keyedConstructors are the functions and methods of ceremony and office
// whose first argument is an English format the application translates by
// key, and keyedFields the struct fields that hold one.
var (
	keyedConstructors = map[string]bool{"errorf": true, "causef": true, "textf": true, "pass": true, "fail": true}
	keyedFields       = map[string]bool{"Format": true}
)

// parseSources parses the non-test Go sources of dir (at least one).
func parseSources(t *testing.T, dir string) (*token.FileSet, []*ast.File) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no sources in %s: %v", dir, err)
	}
	fset := token.NewFileSet()
	var out []*ast.File
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, af)
	}
	return fset, out
}

// keyedFormats collects every literal format given to a keyed constructor
// (or as a Format field, or a constant named like one) in the non-test
// sources of dir, with its position. A constructor called with a format
// that is not a literal is reported too: its key could not be checked.
func keyedFormats(t *testing.T, dir string) map[string]string {
	t.Helper()
	fset, sources := parseSources(t, dir)
	out := map[string]string{}
	add := func(e ast.Expr) {
		if id, ok := e.(*ast.Ident); ok && id.Name == "format" {
			return // a constructor passing its own format on
		}
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("%s: a keyed text whose format is not a literal: its key cannot be checked", fset.Position(e.Pos()))
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		out[s] = fset.Position(lit.Pos()).String()
	}
	for _, af := range sources {
		ast.Inspect(af, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				name := ""
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					if x, ok := fn.X.(*ast.Ident); ok && (x.Name == "r" || x.Name == "fmt" || x.Name == "ceremony") {
						name = fn.Sel.Name // r.pass, r.fail of a verification report
						if x.Name == "fmt" {
							name = ""
						}
					}
				}
				if name == "problem" && len(n.Args) > 1 { // transfer's r.problem(path, format, ...)
					add(n.Args[1])
				}
				if keyedConstructors[name] && len(n.Args) > 0 {
					_, isFunc := n.Fun.(*ast.Ident)
					_, isLit := n.Args[0].(*ast.BasicLit)
					if isFunc || isLit { // r.fail(causef(...)): the inner call is collected
						add(n.Args[0])
					}
				}
			case *ast.CompositeLit:
				if !isText(n.Type) {
					return true
				}
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && keyedFields[k.Name] {
							if _, isIdent := kv.Value.(*ast.Ident); !isIdent { // Text{Format: format} in a constructor
								add(kv.Value)
							}
						}
					}
				}
			case *ast.ValueSpec:
				for i, id := range n.Names {
					if strings.HasSuffix(id.Name, "Format") && i < len(n.Values) {
						add(n.Values[i])
					}
				}
			}
			return true
		})
	}
	return out
}

// isText reports whether a composite literal's type is ceremony's Text.
func isText(e ast.Expr) bool {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name == "Text"
	case *ast.SelectorExpr:
		return t.Sel.Name == "Text"
	}
	return false
}

// TestKeyedFormats: every sentence that ceremony, office, transfer and
// safefile return as a keyed error or text (the words a member's screen
// shows) has its key in en.json and fr.json, so no screen falls back to
// the English of the record.
func TestKeyedFormats(t *testing.T) {
	en, fr := loadTranslation(t, "en.json"), loadTranslation(t, "fr.json")
	var missing []string
	n := 0
	for _, dir := range []string{"../ceremony", "office", "transfer", "../internal/safefile"} {
		for format, pos := range keyedFormats(t, dir) {
			n++
			if _, ok := en[format]; !ok {
				missing = append(missing, "en: "+strconv.Quote(format)+" ("+pos+")")
			}
			if _, ok := fr[format]; !ok {
				missing = append(missing, "fr: "+strconv.Quote(format)+" ("+pos+")")
			}
		}
	}
	// The sentinels shown by their own text, the operating system's causes,
	// and every exported sentinel of keystore are keys too.
	for _, e := range sentinels {
		checkKey(en, fr, e.Error(), "sentinel", &missing)
	}
	for _, c := range osCauses {
		checkKey(en, fr, c.key, "cause", &missing)
	}
	for text, pos := range exportedSentinels(t, "../keystore") {
		checkKey(en, fr, text, pos, &missing)
	}
	// The kinds of file safefile names in its refusals are keys too.
	for _, k := range []safefile.Kind{safefile.Request, safefile.Message, safefile.Ciphertexts, safefile.Ballots,
		safefile.Votes, safefile.Passphrase, safefile.Setting, safefile.Picture, safefile.Transfer} {
		for _, tr := range []map[string]string{en, fr} {
			if _, ok := tr[k.Name]; !ok {
				missing = append(missing, "kind of file: "+strconv.Quote(k.Name))
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		if out := os.Getenv("KEYED_MISSING"); out != "" {
			os.WriteFile(out, []byte(strings.Join(missing, "\n")+"\n"), 0o600)
		}
		t.Fatalf("%d keyed formats have no translation:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	if n < 250 {
		t.Fatalf("only %d keyed formats found: the scan is broken", n)
	}
}

func checkKey(en, fr map[string]string, key, where string, missing *[]string) {
	if _, ok := en[key]; !ok {
		*missing = append(*missing, "en: "+strconv.Quote(key)+" ("+where+")")
	}
	if _, ok := fr[key]; !ok {
		*missing = append(*missing, "fr: "+strconv.Quote(key)+" ("+where+")")
	}
}

// exportedSentinels collects the texts of the exported Err* variables
// made with errors.New in the non-test sources of dir.
func exportedSentinels(t *testing.T, dir string) map[string]string {
	t.Helper()
	fset, sources := parseSources(t, dir)
	out := map[string]string{}
	for _, af := range sources {
		ast.Inspect(af, func(n ast.Node) bool {
			vs, ok := n.(*ast.ValueSpec)
			if !ok {
				return true
			}
			for i, id := range vs.Names {
				if !strings.HasPrefix(id.Name, "Err") || i >= len(vs.Values) {
					continue
				}
				call, ok := vs.Values[i].(*ast.CallExpr)
				if !ok || len(call.Args) != 1 {
					continue
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "New" {
					continue
				}
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					text, _ := strconv.Unquote(lit.Value)
					out[text] = id.Name + " at " + fset.Position(lit.Pos()).String()
				}
			}
			return true
		})
	}
	if len(out) < 10 {
		t.Fatalf("only %d sentinels found in %s: the scan is broken", len(out), dir)
	}
	return out
}

// TestCeremonySentinels: the sentinels of ceremony are still found by
// errors.Is through the keyed errors that wrap them, and the English of a
// keyed error keeps one package prefix.
func TestCeremonySentinels(t *testing.T) {
	if _, err := ceremony.ParseFingerprint("not-a-fingerprint!"); !errors.Is(err, ceremony.ErrBadFingerprint) {
		t.Fatalf("ParseFingerprint: %v does not wrap ErrBadFingerprint", err)
	} else if !strings.HasPrefix(err.Error(), "ceremony: this is not a fingerprint: ") || strings.Count(err.Error(), "ceremony: ") != 1 {
		t.Fatalf("English %q: want one prefix, then the sentinel's words", err)
	} else if k, ok := err.(keyed); !ok {
		t.Fatalf("%T is not keyed", err)
	} else if format, _ := k.Key(); strings.HasPrefix(format, "ceremony: ") {
		t.Fatalf("key %q keeps the package prefix", format)
	}
	st := ceremony.NewState()
	call, err := ceremony.NewCall("Election", 3, 2, false, time.Unix(1700000000, 0), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Add(call); err != nil {
		t.Fatal(err)
	}
	_, err = st.Add(call)
	if !errors.Is(err, ceremony.ErrDuplicate) {
		t.Fatalf("the same call twice: %v, want ErrDuplicate", err)
	}
	if err.Error() != "ceremony: this message was already taken in" {
		t.Fatalf("ErrDuplicate's English changed: %q", err)
	}
}

// dealOf runs a ceremony of three members up to the deal step and returns
// its board and the first member's deal.
func dealOf(t *testing.T, title string) (*ceremony.State, *ceremony.Envelope) {
	t.Helper()
	call, err := ceremony.NewCall(title, 3, 2, false, time.Unix(1700000000, 0), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	st := ceremony.NewState()
	if _, err := st.Add(call); err != nil {
		t.Fatal(err)
	}
	var first *ceremony.Secrets
	for _, name := range []string{"Alice", "Bruno", "Chloé"} {
		sec, card, err := ceremony.Enrol(call, name, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = sec
		}
		if _, err := st.Add(card); err != nil {
			t.Fatal(err)
		}
	}
	man, err := st.NewManifest()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Add(man); err != nil {
		t.Fatal(err)
	}
	out, err := first.Step(man, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return st, out.Out
}

// TestCeremonyRefusalInFrench: a deal of another ceremony brought to a
// board is refused by ceremony with a keyed error, and that refusal, its
// message kind and member name included, reaches a French screen with no
// English word left; the command line keeps the English.
func TestCeremonyRefusalInFrench(t *testing.T) {
	board, _ := dealOf(t, "Conseil 2027")
	_, deal := dealOf(t, "Autre élection")
	_, err := board.Add(deal)
	if err == nil {
		t.Fatal("a deal of another ceremony was taken in")
	}
	english := err.Error()
	if !strings.HasPrefix(english, "ceremony: this deal message belongs to another ceremony") {
		t.Fatalf("the English changed: %q", english)
	}
	inFrench(t)
	got := explain(err)
	if !strings.Contains(got, "appartient à une autre cérémonie") || !strings.Contains(got, "partage") {
		t.Fatalf("shown in French as %q", got)
	}
	if m := englishWords.FindString(got); m != "" {
		t.Fatalf("%q: English word %q", got, m)
	}
	t.Logf("%s\n  shown as %s", english, got)
	if err.Error() != english {
		t.Fatalf("translating changed the error: %q", err)
	}
	// A step's checks and note, and the board's summary of a message, are
	// keyed too: in French, none is left in English.
	st, deal2 := dealOf(t, "Conseil 2028")
	text, err := st.Add(deal2)
	if err != nil {
		t.Fatal(err)
	}
	if got := say(text); englishWords.FindString(got) != "" || got == text.String() {
		t.Fatalf("the summary %q is shown as %q", text, got)
	}
	t.Logf("%s\n  shown as %s", text, say(text))
}

// TestQuotedNotTranslated: a name or title shown with %q stays as typed,
// even when it reads like a key ("deal", "title"); a word of the package
// shown with %s is translated.
func TestQuotedNotTranslated(t *testing.T) {
	inFrench(t)
	got, ok := translate("the card of %q uses encryption %s but the call asks for %s", []any{"deal", "X25519", "MLKEM768X25519"})
	if !ok || !strings.Contains(got, `"deal"`) {
		t.Fatalf("the name was translated: %q", got)
	}
	if got, _ := translate("the %s is empty", []any{"title"}); !strings.Contains(got, "titre") {
		t.Fatalf("the field's name was not translated: %q", got)
	}
	if q := quotedArgs("%d%% of %q and %-5s, %q"); !q[1] || !q[3] || q[0] || q[2] || len(q) != 2 {
		t.Fatalf("quotedArgs = %v", q)
	}
}

// TestSafefileInFrench: the refusals of safefile (a folder or a pipe given
// for a file, a file too large, a link, a file that does not exist) reach a
// French screen in French, by key, from a file picker, the Verify screen's
// list and a board that cannot be opened; errors.Is still sees their
// sentinels, and the English is unchanged.
func TestSafefileInFrench(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "passphrase.txt")
	if err := os.WriteFile(big, make([]byte, safefile.Passphrase.Max+1), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errDir := safefile.Read(dir, safefile.Ciphertexts)
	_, errBig := safefile.Read(big, safefile.Passphrase)
	_, errMissing := safefile.Read(filepath.Join(dir, "absent.json"), safefile.Ballots)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(big, link); err != nil {
		t.Fatal(err)
	}
	_, errLink := safefile.ReadNoFollow(link, safefile.Message)
	cases := []struct {
		err      error
		sentinel error
		english  string
		french   string
	}{
		{errDir, safefile.ErrNotRegular, "is not a regular file", "n'est pas un fichier ordinaire (c'est un tube nommé, un périphérique ou un dossier) : indiquez le chemin du fichier attendu (fichier du décompte chiffré)"},
		{errBig, safefile.ErrTooLarge, "is larger (4097 bytes) than any passphrase file", "(fichier de phrase secrète : 4096 octets au plus)"},
		{errMissing, os.ErrNotExist, "cannot read", "impossible de lire"},
		{errLink, safefile.ErrSymlink, "is a symbolic link", "est un lien symbolique"},
	}
	inFrench(t)
	for _, c := range cases {
		if !errors.Is(c.err, c.sentinel) {
			t.Errorf("%v does not wrap %v", c.err, c.sentinel)
		}
		if !strings.Contains(c.err.Error(), c.english) {
			t.Errorf("the English changed: %q", c.err)
		}
		got := explain(c.err)
		if !strings.Contains(got, c.french) {
			t.Errorf("%q shown in French as %q", c.err, got)
		}
		if m := englishWords.FindString(fileNames.ReplaceAllString(got, "")); m != "" {
			t.Errorf("%q: English word %q", got, m)
		}
	}
	// A record folder holding a link in place of a message: the Verify
	// screen lists it, and a board will not open; both in French.
	rec := t.TempDir()
	if err := os.Symlink(big, filepath.Join(rec, "deal-1.cbor")); err != nil {
		t.Fatal(err)
	}
	_, problems, err := office.ReadRecord(rec)
	if err != nil || len(problems) != 1 {
		t.Fatalf("ReadRecord: %v, %v", problems, err)
	}
	if !errors.Is(problems[0].Cause, safefile.ErrSymlink) || problems[0].Reason != "it is a symbolic link, which is not followed here" {
		t.Fatalf("the problem %+v", problems[0])
	}
	if got := problemText(problems[0]); got != "deal-1.cbor : c'est un lien symbolique, qui n'est pas suivi ici" {
		t.Errorf("Verify shows %q", got)
	}
	os.MkdirAll(filepath.Join(rec, "handout"), 0o755)
	_, err = office.OpenBoard(rec)
	if !errors.Is(err, office.ErrUnreadable) || !strings.Contains(err.Error(), "deal-1.cbor (it is a symbolic link, which is not followed here)") {
		t.Fatalf("OpenBoard: %v", err)
	}
	got := explain(err)
	if !strings.Contains(got, "deal-1.cbor (c'est un lien symbolique, qui n'est pas suivi ici)") {
		t.Errorf("OpenBoard's refusal shown as %q", got)
	}
	if m := englishWords.FindString(fileNames.ReplaceAllString(got, "")); m != "" {
		t.Errorf("%q: English word %q", got, m)
	}
	t.Logf("%s\n  shown as %s", err, got)
}

// TestCloseOfPollInFrench: the close of poll that ceremony writes in RFC
// 3339 UTC reaches a French screen as a French date, in the member's time
// zone and in UTC; the English keeps RFC 3339.
func TestCloseOfPollInFrench(t *testing.T) {
	const format = "the poll closes at %s: nothing can be decrypted before the close of poll"
	args := []any{"2027-03-14T17:00:00Z"}
	inFrench(t)
	got, ok := translate(format, args)
	if !ok || !strings.HasPrefix(got, "la clôture du scrutin est fixée au ") || !strings.Contains(got, "soit 14/03/2027 17:00 UTC") || strings.Contains(got, "T17") {
		t.Fatalf("shown in French as %q", got)
	}
	useLanguage("en")
	if got, _ := translate(format, args); !strings.Contains(got, "that is 2027-03-14 17:00 UTC") {
		t.Fatalf("shown in English as %q", got)
	}
}
