package app

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"conclave/app/office"
	"conclave/ceremony/belenios"
	"conclave/keystore"
)

const beleniosVectors = "../ceremony/belenios/testdata/v3.1"

// importVectorKeystore seals a vector trustee's seed in a Belenios keystore.
func importVectorKeystore(t *testing.T, path, pass string, index int) string {
	t.Helper()
	id := strings.TrimSpace(string(readT(t, filepath.Join(beleniosVectors, fmt.Sprintf("%d.trustee", index)))))
	seed := bytes.TrimSpace(readT(t, filepath.Join(beleniosVectors, id+".key")))
	k, err := belenios.DeriveKeys(seed)
	if err != nil {
		t.Fatal(err)
	}
	sec := &belenios.Secret{Threshold: true, Context: belenios.Context{Group: "Ed25519", Index: index, Threshold: 2, Size: 3}, Seed: seed}
	st, err := keystore.Create(path, keystore.NewPassphrase([]byte(pass)),
		keystore.Header{Ceremony: []byte("belenios/" + id[:32]), Member: index, Name: "Vector", VerificationKey: []byte(k.VK.String())},
		sec.Marshal(), keystore.MinKDF)
	if err != nil {
		t.Fatal(err)
	}
	st.Destroy()
	return id
}

func readT(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBeleniosTrusteeJourney drives the Belenios trustee screen: a new key
// from the home screen, then, with a trustee of the belenios-tool 3.1
// election, the polynomial, the voutput (belenios-tool's verification key)
// and the decryption of the archive (belenios-tool's factors).
func TestBeleniosTrusteeJourney(t *testing.T) {
	ui := newTestUI(t)
	work := t.TempDir()
	const pass = "umber kettle 4410 drizzle abacus"
	tap(ui, ui.home.buttons["Belenios trustee"])
	s := beleniosScreens[ui]
	if s == nil || ui.Title() != "Belenios trustee" {
		t.Fatalf("the home button did not open the screen (%q)", ui.Title())
	}

	// Step 1 with a new keystore.
	typeInto(s.path.entry, filepath.Join(work, "new.key"))
	typeInto(s.context, "2/2/3")
	typeInto(s.name, "Zoé")
	typeInto(s.pass, pass)
	typeInto(s.confirm, pass)
	tap(ui, s.keygen)
	if txt := s.checks.Text(); !strings.Contains(txt, "sealed") {
		t.Fatalf("keygen: %s", txt)
	}
	save(t, ui, s.out, filepath.Join(work, "mine.cert"))
	c, err := belenios.ParseCert(bytes.TrimSuffix(readT(t, filepath.Join(work, "mine.cert")), []byte("\n")))
	if err != nil || c.Keys.Context.Index != 2 || !strings.Contains(s.fp.value.Text, c.Fingerprint()) {
		t.Fatalf("certificate: %v", err)
	}

	// A vector trustee: polynomial, voutput, decrypt.
	ks := filepath.Join(work, "vec.key")
	id := importVectorKeystore(t, ks, pass, 2)
	typeInto(s.path.entry, ks)
	if !strings.Contains(s.header.Text, "trustee 2") {
		t.Errorf("header: %s", s.header.Text)
	}
	if got := bring(t, ui, s.certsIn, filepath.Join(beleniosVectors, "certs.jsons")); !strings.Contains(got, "3 certificates") {
		t.Fatalf("certs: %s", got)
	}
	typeInto(s.pass, pass)
	tap(ui, s.polynomial)
	if txt := s.checks.Text(); !strings.Contains(txt, "number 2") {
		t.Fatalf("polynomial: %s", txt)
	}
	save(t, ui, s.out, filepath.Join(work, "2.poly"))
	if _, err := belenios.ParsePolynomial(bytes.TrimSuffix(readT(t, filepath.Join(work, "2.poly")), []byte("\n"))); err != nil {
		t.Fatal(err)
	}

	bring(t, ui, s.vinputIn, filepath.Join(beleniosVectors, id+".vinput"))
	typeInto(s.pass, pass)
	tap(ui, s.voutput)
	if txt := s.checks.Text(); !strings.Contains(txt, "sealed") {
		t.Fatalf("voutput: %s", txt)
	}
	// The verification key, the longest value shown large, fits 1024 px.
	ui.win.Resize(fyne.NewSize(fitWidth, fitHeight))
	checkFits(t, "the Belenios screen after the voutput", ui.win.Content())
	save(t, ui, s.out, filepath.Join(work, "2.voutput"))
	ours, _ := belenios.ParseVoutput(bytes.TrimSuffix(readT(t, filepath.Join(work, "2.voutput")), []byte("\n")))
	theirs, _ := belenios.ParseVoutput(bytes.TrimSuffix(readT(t, filepath.Join(beleniosVectors, id+".voutput")), []byte("\n")))
	if ours == nil || !ours.PublicKey.PublicKey.Equal(theirs.PublicKey.PublicKey) {
		t.Fatal("our verification key differs from belenios-tool's")
	}

	typeInto(s.pass, pass)
	tap(ui, s.holdKey)
	if txt := s.checks.Text(); !strings.Contains(txt, "decryption key is sealed") {
		t.Errorf("do I still hold my key: %s", txt)
	}

	bel := filepath.Join(beleniosVectors, "MqQLf8xQA2KjP3.bel")
	if got := bring(t, ui, s.archiveIn, bel); !strings.Contains(got, "verifies") {
		t.Fatalf("archive: %s", got)
	}
	if !strings.Contains(s.summaryLbl.Text, "8 in the archive, 5 counted") {
		t.Errorf("summary: %s", s.summaryLbl.Text)
	}
	if !s.decrypt.Disabled() {
		t.Fatal("decrypt enabled before confirmation")
	}
	test.Tap(s.agree)
	typeInto(s.trusteeID, "3")
	typeInto(s.pass, pass)
	tap(ui, s.decrypt)
	if txt := s.checks.Text(); !strings.Contains(txt, "trustee 3") {
		t.Fatalf("decrypt: %s", txt)
	}
	checkFits(t, "the Belenios screen after decrypting", ui.win.Content())
	save(t, ui, s.out, filepath.Join(work, "pd.txt"))
	lines := strings.Split(string(readT(t, filepath.Join(work, "pd.txt"))), "\n")
	pd, err := belenios.ParsePartialDecryption([]byte(lines[0]))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := belenios.ReadArchive(bytes.NewReader(readT(t, bel)))
	if !bytes.Equal(belenios.Marshal(pd.DecryptionFactors), belenios.Marshal(a.Partial[3].DecryptionFactors)) {
		t.Error("our factors differ from belenios-tool's")
	}
}

// A Single key from the screen: the public key handed out is
// belenios-tool's .pubkey line, with a valid proof of knowledge.
func TestBeleniosSingleKeyScreen(t *testing.T) {
	ui := newTestUI(t)
	work := t.TempDir()
	tap(ui, ui.home.buttons["Belenios trustee"])
	s := beleniosScreens[ui]
	typeInto(s.path.entry, filepath.Join(work, "single.key"))
	test.Tap(s.single)
	typeInto(s.name, "Server")
	typeInto(s.pass, "umber kettle 4410 drizzle abacus")
	typeInto(s.confirm, "umber kettle 4410 drizzle abacus")
	tap(ui, s.keygen)
	if txt := s.checks.Text(); !strings.Contains(txt, "(not shared out)") {
		t.Fatalf("keygen: %s", txt)
	}
	suggested := s.out.path.path()
	save(t, ui, s.out, filepath.Join(work, "k.pubkey"))
	var pub belenios.TrusteePublicKey
	if err := json.Unmarshal(readT(t, filepath.Join(work, "k.pubkey")), &pub); err != nil || pub.Check() != nil {
		t.Fatalf("public key: %v", err)
	}
	if !strings.HasSuffix(suggested, belenios.SingleKeyID(pub.PublicKey)+".pubkey") {
		t.Errorf("suggested name %s", suggested)
	}
}

// The Belenios trustee's screen asks, as the member's does, before it makes
// a keystore on the computer's own disk (issue 10: with the stick
// unmounted, keys landed in the empty mount point).
func TestBeleniosKeygenOnTheDiskAsksFirst(t *testing.T) {
	defer func(old func(string) (bool, error)) { office.OnRemovable = old }(office.OnRemovable)
	office.OnRemovable = func(string) (bool, error) { return false, nil }
	ui := newTestUI(t)
	ks := filepath.Join(t.TempDir(), "single.key")
	tap(ui, ui.home.buttons["Belenios trustee"])
	s := beleniosScreens[ui]
	typeInto(s.path.entry, ks)
	test.Tap(s.single)
	typeInto(s.name, "Server")
	typeInto(s.pass, "umber kettle 4410 drizzle abacus")
	typeInto(s.confirm, "umber kettle 4410 drizzle abacus")
	tap(ui, s.keygen)
	if _, err := os.Stat(ks); err == nil {
		t.Fatal("a keystore was made on the computer's disk without asking")
	}
	top := ui.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no question was asked")
	}
	yes := findButtonDeep(top, "Yes")
	if yes == nil {
		t.Fatal("the question has no Yes button")
	}
	test.Tap(yes)
	ui.Wait()
	if _, err := os.Stat(ks); err != nil {
		t.Fatalf("no keystore after Yes: %s", s.checks.Text())
	}
}
