package cli

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"conclave/app/office"
	"conclave/ceremony/belenios"
	"conclave/keystore"
)

// The vectors of ceremony/belenios: two elections made by belenios-tool.
const beleniosVectors = "../../ceremony/belenios/testdata"

type btrustee struct {
	keystore, pass string
}

func newBTrustee(t *testing.T, dir, name string) *btrustee {
	t.Helper()
	b := &btrustee{keystore: filepath.Join(dir, name+".key"), pass: filepath.Join(dir, name+".pass")}
	if err := os.WriteFile(b.pass, []byte("umber kettle 4410 drizzle "+name+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return b
}

// importVectorTrustee seals a vector trustee's seed and decryption key in
// a keystore as 'belenios keygen' and 'belenios voutput' would have.
func importVectorTrustee(t *testing.T, dir, vecDir string, index int) *btrustee {
	t.Helper()
	id := strings.TrimSpace(string(mustRead(t, filepath.Join(vecDir, fmt.Sprintf("%d.trustee", index)))))
	seed := bytes.TrimSpace(mustRead(t, filepath.Join(vecDir, id+".key")))
	k, err := belenios.DeriveKeys(seed)
	if err != nil {
		t.Fatal(err)
	}
	S, err := belenios.OpenDecryptionKey(k, strings.TrimSpace(string(mustRead(t, filepath.Join(vecDir, id+".dkey")))))
	if err != nil {
		t.Fatal(err)
	}
	sec := &belenios.Secret{Threshold: true, Context: belenios.Context{Group: "Ed25519", Index: index, Threshold: 2, Size: 3}, Seed: seed, Key: S}
	b := newBTrustee(t, dir, fmt.Sprintf("vec%d", index))
	pass, _ := os.ReadFile(b.pass)
	st, err := keystore.Create(b.keystore, keystore.NewPassphrase(bytes.TrimSpace(pass)),
		keystore.Header{Ceremony: []byte("belenios/" + id[:32]), Member: index, VerificationKey: []byte(k.VK.String())},
		sec.Marshal(), keystore.KDFParams{Time: 1, MemoryKiB: 8 * 1024, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	st.Destroy()
	return b
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBeleniosVectorsCLI runs voutput, decrypt and check on the elections
// made by belenios-tool 2.5.1 and 3.1 with their trustees' seeds: the
// voutput gives belenios-tool's verification key, and the partial
// decryption has belenios-tool's factors (they are deterministic), in
// belenios-tool's two-line format.
func TestBeleniosVectorsCLI(t *testing.T) {
	for _, v := range []struct{ dir, ver string }{{"v2.5.1", "2.5.1"}, {"v3.1", "3.1"}} {
		vecDir := filepath.Join(beleniosVectors, v.dir)
		work := t.TempDir()
		bel, _ := filepath.Glob(filepath.Join(vecDir, "*.bel"))
		for index := 1; index <= 3; index++ {
			tr := importVectorTrustee(t, work, vecDir, index)
			id := strings.TrimSpace(string(mustRead(t, filepath.Join(vecDir, fmt.Sprintf("%d.trustee", index)))))
			vo := filepath.Join(work, "voutput")
			run(t, 0, "belenios", "voutput", "--keystore", tr.keystore, "--certs", filepath.Join(vecDir, "certs.jsons"),
				"--vinput", filepath.Join(vecDir, id+".vinput"), "--out", vo, "--force", "--belenios", v.ver, "--passphrase-file", tr.pass)
			ours, err := belenios.ParseVoutput(bytes.TrimSuffix(mustRead(t, vo), []byte("\n")))
			if err != nil {
				t.Fatal(err)
			}
			theirs, _ := belenios.ParseVoutput(bytes.TrimSuffix(mustRead(t, filepath.Join(vecDir, id+".voutput")), []byte("\n")))
			if !ours.PublicKey.PublicKey.Equal(theirs.PublicKey.PublicKey) || (ours.PublicKey.Signature == nil) != (theirs.PublicKey.Signature == nil) {
				t.Errorf("%s: trustee %d's voutput differs from belenios-tool's", v.dir, index)
			}
			pdFile := filepath.Join(work, "pd")
			out := run(t, 0, "belenios", "decrypt", "--keystore", tr.keystore, "--archive", bel[0], "--trustee-id", fmt.Sprint(index+1),
				"--out", pdFile, "--force", "--yes", "--passphrase-file", tr.pass)
			if !strings.Contains(out, "8 ballots") || !strings.Contains(out, "product of the 5 ballots") || !strings.Contains(out, "Name of the election") {
				t.Errorf("decrypt output:\n%s", out)
			}
			lines := strings.Split(string(mustRead(t, pdFile)), "\n")
			if len(lines) != 3 || lines[2] != "" {
				t.Fatalf("decrypt wrote %q", mustRead(t, pdFile))
			}
			pd, err := belenios.ParsePartialDecryption([]byte(lines[0]))
			if err != nil {
				t.Fatal(err)
			}
			want, ok := archiveFactors(t, bel[0], index+1)
			if got := string(belenios.Marshal(pd.DecryptionFactors)); ok && got != want {
				t.Errorf("%s: trustee %d's factors differ from belenios-tool's", v.dir, index)
			}
			d := sha256.Sum256([]byte(lines[0]))
			if lines[1] != fmt.Sprintf(`{"owner":%d,"payload":"%s"}`, index+1, hex.EncodeToString(d[:])) {
				t.Errorf("owner line %s", lines[1])
			}
			out = run(t, 0, "belenios", "check", "--keystore", tr.keystore, "--archive", bel[0], "--passphrase-file", tr.pass)
			if !strings.Contains(out, fmt.Sprintf("trustee %d of election", index+1)) {
				t.Errorf("check output:\n%s", out)
			}
			// The wrong trustee id is refused.
			run(t, 1, "belenios", "decrypt", "--keystore", tr.keystore, "--archive", bel[0], "--trustee-id", fmt.Sprint(1+index%3+1),
				"--out", pdFile, "--force", "--yes", "--passphrase-file", tr.pass)
		}
	}
}

// archiveFactors returns the decryption factors of owner in an archive.
func archiveFactors(t *testing.T, path string, owner int) (string, bool) {
	t.Helper()
	a, err := belenios.ReadArchive(bytes.NewReader(mustRead(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	pd, ok := a.Partial[owner]
	if !ok {
		return "", false
	}
	return string(belenios.Marshal(pd.DecryptionFactors)), true
}

// ---- The administrator's and the voters' side, written here from the
// Belenios specification, apart from package belenios's trustee code. ----

var tq, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

func tScalar(t *testing.T, n *big.Int) *belenios.Scalar {
	t.Helper()
	s, err := belenios.ParseScalar(new(big.Int).Mod(n, tq).String())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tRandom(t *testing.T) *belenios.Scalar {
	n, err := rand.Int(rand.Reader, tq)
	if err != nil {
		t.Fatal(err)
	}
	return tScalar(t, n)
}

func tInt(t *testing.T, n int) *belenios.Scalar { return tScalar(t, big.NewInt(int64(n))) }

// tHash is the spec's hash: SHA-256 of the prefix and the points joined
// by commas, as a big-endian number, modulo q.
func tHash(t *testing.T, prefix string, pts ...*belenios.Point) *belenios.Scalar {
	var hs []string
	for _, p := range pts {
		hs = append(hs, p.String())
	}
	d := sha256.Sum256([]byte(prefix + strings.Join(hs, ",")))
	return tScalar(t, new(big.Int).SetBytes(d[:]))
}

func tPoint(t *testing.T, s string) *belenios.Point {
	t.Helper()
	p, err := belenios.ParsePoint(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type tProof struct {
	Challenge string `json:"challenge"`
	Response  string `json:"response"`
}

func (p tProof) scalars(t *testing.T) (c, r *belenios.Scalar) {
	t.Helper()
	c, err := belenios.ParseScalar(p.Challenge)
	if err != nil {
		t.Fatal(err)
	}
	r, err = belenios.ParseScalar(p.Response)
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

// tCheckSchnorr checks a proof of knowledge of log_g X for a statement.
func tCheckSchnorr(t *testing.T, X *belenios.Point, prefix string, p tProof) bool {
	c, r := p.scalars(t)
	A := belenios.GExp(r).Mul(X.Exp(c))
	return tHash(t, prefix, A).Equal(c)
}

type tSigned struct {
	Message   string `json:"message"`
	Signature tProof `json:"signature"`
}

func jstr(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// TestBeleniosEndToEnd is a threshold election (3 trustees, threshold 2,
// and a Single key as the Belenios server adds) whose trustee messages are
// all made by Conclave's commands, with the administrator's steps 2, 4 and
// 6, the voters and the tally written here from the specification; two of
// the three threshold trustees and the Single trustee decrypt with
// 'belenios decrypt', and the combination gives the votes cast.
func TestBeleniosEndToEnd(t *testing.T) {
	work := t.TempDir()
	f := func(name string) string { return filepath.Join(work, name) }
	const n, th = 3, 2
	var trs []*btrustee
	var certLines []string
	for i := 1; i <= n; i++ {
		tr := newBTrustee(t, work, fmt.Sprintf("t%d", i))
		out := run(t, 0, "belenios", "keygen", "--keystore", tr.keystore, "--context", fmt.Sprintf("%d/%d/%d", i, th, n),
			"--out", f(fmt.Sprintf("%d.cert", i)), "--name", fmt.Sprintf("Trustee %d", i), "--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1")
		if !strings.Contains(out, "Trustee id: ") || !strings.Contains(out, "Fingerprint to read aloud: ") {
			t.Fatalf("keygen output:\n%s", out)
		}
		trs = append(trs, tr)
		line := strings.TrimSuffix(string(mustRead(t, f(fmt.Sprintf("%d.cert", i)))), "\n")
		d := sha256.Sum256(nil)
		_ = d
		certLines = append(certLines, line)
	}
	single := newBTrustee(t, work, "server")
	run(t, 0, "belenios", "keygen", "--keystore", single.keystore, "--single", "--out", f("server.pubkey"),
		"--passphrase-file", single.pass, "--kdf-memory", "8", "--kdf-time", "1")

	// Step 2 (administrator): every certificate has the context of its
	// place and a valid signature.
	type certKeys struct {
		Context      map[string]any `json:"context"`
		Verification string         `json:"verification"`
		Encryption   string         `json:"encryption"`
	}
	vks := make([]*belenios.Point, n)
	for i, line := range certLines {
		var c tSigned
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatal(err)
		}
		var k certKeys
		if err := json.Unmarshal([]byte(c.Message), &k); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"context":{"group":"Ed25519","size":%d,"threshold":%d,"index":%d},"verification":"%s","encryption":"%s"}`, n, th, i+1, k.Verification, k.Encryption)
		if c.Message != want {
			t.Fatalf("certificate %d: %s", i+1, c.Message)
		}
		vks[i] = tPoint(t, k.Verification)
		if !tCheckSchnorr(t, vks[i], "sigmsg|"+c.Message+"|", c.Signature) {
			t.Fatalf("certificate %d's signature", i+1)
		}
	}
	certsFile := f("certs.jsons")
	if err := os.WriteFile(certsFile, []byte(strings.Join(certLines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	// A trustee given the certificates in another order refuses.
	swapped := f("swapped.jsons")
	os.WriteFile(swapped, []byte(certLines[1]+"\n"+certLines[0]+"\n"+certLines[2]+"\n"), 0o644)
	run(t, 1, "belenios", "polynomial", "--keystore", trs[0].keystore, "--certs", swapped, "--out", f("x"), "--force", "--passphrase-file", trs[0].pass)

	// Step 3 (trustees).
	type polynomial struct {
		Polynomial string   `json:"polynomial"`
		Secrets    []string `json:"secrets"`
		Coefexps   tSigned  `json:"coefexps"`
		Signature  tProof   `json:"signature"`
	}
	polys := make([]polynomial, n)
	polyLines := make([]string, n)
	coefexps := make([][]*belenios.Point, n)
	for i, tr := range trs {
		p := f(fmt.Sprintf("%d.poly", i+1))
		run(t, 0, "belenios", "polynomial", "--keystore", tr.keystore, "--certs", certsFile, "--out", p, "--force", "--passphrase-file", tr.pass)
		polyLines[i] = strings.TrimSuffix(string(mustRead(t, p)), "\n")
		if err := json.Unmarshal([]byte(polyLines[i]), &polys[i]); err != nil {
			t.Fatal(err)
		}
		// The server's step-3 check: the commitments are signed, and bound
		// to the certificates.
		if !tCheckSchnorr(t, vks[i], "sigmsg|"+polys[i].Coefexps.Message+"|", polys[i].Coefexps.Signature) {
			t.Fatalf("polynomial %d: commitments not signed", i+1)
		}
		var ce struct {
			Coefexps []string `json:"coefexps"`
		}
		json.Unmarshal([]byte(polys[i].Coefexps.Message), &ce)
		if len(ce.Coefexps) != th {
			t.Fatalf("polynomial %d has %d commitments", i+1, len(ce.Coefexps))
		}
		var hexes []string
		for _, h := range ce.Coefexps {
			coefexps[i] = append(coefexps[i], tPoint(t, h))
			hexes = append(hexes, jstr(h))
		}
		certsSig := `certs_sig|{"certs":[` + strings.Join(certLines, ",") + `],"coefexps":[` + strings.Join(hexes, ",") + `]}`
		if !tCheckSchnorr(t, vks[i], "sigmsg|"+certsSig+"|", polys[i].Signature) {
			t.Fatalf("polynomial %d: certs_sig does not verify", i+1)
		}
	}

	// Step 4 (administrator): the vinputs.
	for j := 0; j < n; j++ {
		var secrets, ces, sigs []string
		for i := 0; i < n; i++ {
			secrets = append(secrets, jstr(polys[i].Secrets[j]))
			var raw struct {
				Coefexps  json.RawMessage `json:"coefexps"`
				Signature json.RawMessage `json:"signature"`
			}
			json.Unmarshal([]byte(polyLines[i]), &raw)
			ces = append(ces, string(raw.Coefexps))
			sigs = append(sigs, string(raw.Signature))
		}
		vin := `{"polynomial":` + jstr(polys[j].Polynomial) + `,"secrets":[` + strings.Join(secrets, ",") + `],"coefexps":[` + strings.Join(ces, ",") + `],"signatures":[` + strings.Join(sigs, ",") + `]}`
		os.WriteFile(f(fmt.Sprintf("%d.vinput", j+1)), []byte(vin+"\n"), 0o644)
	}
	// A tampered vinput is refused (a share from trustee 3 given to
	// trustee 1 as trustee 2's).
	bad := strings.Replace(string(mustRead(t, f("1.vinput"))), jstr(polys[1].Secrets[0]), jstr(polys[2].Secrets[0]), 1)
	os.WriteFile(f("bad.vinput"), []byte(bad), 0o644)
	run(t, 1, "belenios", "voutput", "--keystore", trs[0].keystore, "--certs", certsFile, "--vinput", f("bad.vinput"), "--out", f("x"), "--force", "--passphrase-file", trs[0].pass)

	// Step 5 (trustees) and the server's step-5 check.
	type tpk struct {
		Pok       tProof  `json:"pok"`
		PublicKey string  `json:"public_key"`
		Signature *tProof `json:"signature"`
	}
	var voutLines []string
	for j, tr := range trs {
		vo := f(fmt.Sprintf("%d.voutput", j+1))
		run(t, 0, "belenios", "voutput", "--keystore", tr.keystore, "--certs", certsFile, "--vinput", f(fmt.Sprintf("%d.vinput", j+1)), "--out", vo, "--force", "--passphrase-file", tr.pass)
		line := strings.TrimSuffix(string(mustRead(t, vo)), "\n")
		var v struct {
			PrivateKey string          `json:"private_key"`
			PublicKey  json.RawMessage `json:"public_key"`
		}
		json.Unmarshal([]byte(line), &v)
		var pk tpk
		json.Unmarshal(v.PublicKey, &pk)
		X := tPoint(t, pk.PublicKey)
		// g^S_j = Π_i Π_k A_ik^(j^k)
		want := belenios.One()
		for i := 0; i < n; i++ {
			jk := tInt(t, 1)
			for k := 0; k < th; k++ {
				want = want.Mul(coefexps[i][k].Exp(jk))
				jk = jk.Mul(tInt(t, j+1))
			}
		}
		if !X.Equal(want) || !tCheckSchnorr(t, X, "pok|Ed25519|"+X.String()+"|", pk.Pok) || pk.Signature == nil ||
			!tCheckSchnorr(t, vks[j], "sigmsg|"+X.String()+"|", *pk.Signature) {
			t.Fatalf("voutput %d refused by the administrator", j+1)
		}
		voutLines = append(voutLines, string(v.PublicKey))
	}

	// Step 6 (administrator): trustees.json and the election key.
	singleLine := strings.TrimSuffix(string(mustRead(t, f("server.pubkey"))), "\n")
	var spk tpk
	json.Unmarshal([]byte(singleLine), &spk)
	var ces, sigs []string
	for i := range polyLines {
		var raw struct {
			Coefexps  json.RawMessage `json:"coefexps"`
			Signature json.RawMessage `json:"signature"`
		}
		json.Unmarshal([]byte(polyLines[i]), &raw)
		ces = append(ces, string(raw.Coefexps))
		sigs = append(sigs, string(raw.Signature))
	}
	trustees := `[["Single",` + singleLine + `],["Pedersen",{"threshold":2,"certs":[` + strings.Join(certLines, ",") + `],"coefexps":[` + strings.Join(ces, ",") + `],"signatures":[` + strings.Join(sigs, ",") + `],"verification_keys":[` + strings.Join(voutLines, ",") + `]}]]`
	y := tPoint(t, spk.PublicKey)
	for i := range coefexps {
		y = y.Mul(coefexps[i][0])
	}
	const uuid = "Conc1aveTest1234"
	election := `{"version":1,"description":"A test.","name":"Conclave end-to-end","group":"Ed25519","public_key":"` + y.String() +
		`","questions":[{"answers":["A","B"],"min":0,"max":1,"question":"Q1?"},{"answers":["X","Y","Z"],"min":1,"max":2,"question":"Q2?"}],"uuid":"` + uuid + `"}`
	ed := sha256.Sum256([]byte(election))
	phi := strings.TrimRight(base64Std(ed[:]), "=")

	// Voters: 4 credentials; voter 2 votes twice (only the last counts).
	creds := make([]*belenios.Scalar, 4)
	var credHex []string
	for i := range creds {
		creds[i] = tRandom(t)
		credHex = append(credHex, jstr(belenios.GExp(creds[i]).String()))
	}
	votes := []struct {
		voter int
		v     [][]int
	}{
		{0, [][]int{{1, 0}, {1, 1, 0}}},
		{1, [][]int{{0, 1}, {0, 0, 1}}},
		{2, [][]int{{0, 0}, {0, 1, 0}}},
		{1, [][]int{{1, 0}, {1, 0, 1}}}, // voter 2 votes again
		{3, [][]int{{0, 1}, {0, 1, 1}}},
	}
	questions := [][2]int{{0, 1}, {1, 2}}
	var ballots []string
	for _, v := range votes {
		ballots = append(ballots, tBallot(t, y, uuid, phi, creds[v.voter], questions, v.v))
	}
	// Tally: the last ballot of each voter.
	want := [][]int{{2, 1}, {2, 3, 2}} // voters 1, 3, 2 (second ballot), 4
	tally := [][][2]*belenios.Point{{{belenios.One(), belenios.One()}, {belenios.One(), belenios.One()}}, {{belenios.One(), belenios.One()}, {belenios.One(), belenios.One()}, {belenios.One(), belenios.One()}}}
	for k, b := range ballots {
		if k == 1 {
			continue
		}
		var bb struct {
			Answers []struct {
				Choices []struct{ Alpha, Beta string } `json:"choices"`
			} `json:"answers"`
		}
		json.Unmarshal([]byte(b), &bb)
		for qi, a := range bb.Answers {
			for ci, c := range a.Choices {
				tally[qi][ci][0] = tally[qi][ci][0].Mul(tPoint(t, c.Alpha))
				tally[qi][ci][1] = tally[qi][ci][1].Mul(tPoint(t, c.Beta))
			}
		}
	}
	var tq []string
	for _, q := range tally {
		var cs []string
		for _, c := range q {
			cs = append(cs, `{"alpha":"`+c[0].String()+`","beta":"`+c[1].String()+`"}`)
		}
		tq = append(tq, "["+strings.Join(cs, ",")+"]")
	}
	encTally := "[" + strings.Join(tq, ",") + "]"

	// The archive.
	arch := &tArchive{}
	arch.add("BELENIOS", `{"version":1,"timestamp":"1796106581"}`)
	he, ht, hc := arch.data(election), arch.data(trustees), arch.data("["+strings.Join(credHex, ",")+"]")
	arch.event("Setup", arch.data(`{"election":"`+he+`","trustees":"`+ht+`","credentials":"`+hc+`"}`))
	for _, b := range ballots {
		arch.event("Ballot", arch.data(b))
	}
	arch.event("EndBallots", "")
	good := arch.clone()
	arch.event("EncryptedTally", arch.data(`{"num_tallied":4,"total_weight":4,"encrypted_tally":"`+arch.data(encTally)+`"}`))
	belFile := f(uuid + ".bel")
	os.WriteFile(belFile, arch.bytes(t), 0o644)

	// A tally that is not the product of the ballots is refused.
	good.event("EncryptedTally", good.data(`{"num_tallied":4,"total_weight":4,"encrypted_tally":"`+good.data(strings.Replace(encTally, tally[0][0][1].String(), tally[0][1][1].String(), 1))+`"}`))
	os.WriteFile(f("bad.bel"), good.bytes(t), 0o644)
	out := run(t, 1, "belenios", "decrypt", "--keystore", trs[0].keystore, "--archive", f("bad.bel"), "--trustee-id", "2", "--out", f("x"), "--force", "--yes", "--passphrase-file", trs[0].pass)
	if !strings.Contains(out, "not the product") {
		t.Errorf("bad tally: %s", out)
	}

	// Decryption by the Single trustee and threshold trustees 1 and 3.
	factors := map[int][][]*belenios.Point{}
	keys := map[int]*belenios.Point{1: tPoint(t, spk.PublicKey)}
	for j := range voutLines {
		var pk tpk
		json.Unmarshal([]byte(voutLines[j]), &pk)
		keys[j+2] = tPoint(t, pk.PublicKey)
	}
	for owner, tr := range map[int]*btrustee{1: single, 2: trs[0], 4: trs[2]} {
		pd := f(fmt.Sprintf("pd%d", owner))
		out := run(t, 0, "belenios", "decrypt", "--keystore", tr.keystore, "--archive", belFile, "--trustee-id", fmt.Sprint(owner), "--out", pd, "--force", "--yes", "--passphrase-file", tr.pass)
		if !strings.Contains(out, "Conclave end-to-end") || !strings.Contains(out, "5 ballots") {
			t.Errorf("decrypt output:\n%s", out)
		}
		lines := strings.Split(strings.TrimSuffix(string(mustRead(t, pd)), "\n"), "\n")
		var p struct {
			Factors [][]string `json:"decryption_factors"`
			Proofs  [][]tProof `json:"decryption_proofs"`
		}
		if err := json.Unmarshal([]byte(lines[0]), &p); err != nil {
			t.Fatal(err)
		}
		d := sha256.Sum256([]byte(lines[0]))
		if lines[1] != fmt.Sprintf(`{"owner":%d,"payload":"%x"}`, owner, d) {
			t.Errorf("owner line %s", lines[1])
		}
		for qi := range tally {
			factors[owner] = append(factors[owner], nil)
			for ci := range tally[qi] {
				fct := tPoint(t, p.Factors[qi][ci])
				c, r := p.Proofs[qi][ci].scalars(t)
				A := belenios.GExp(r).Mul(keys[owner].Exp(c))
				B := tally[qi][ci][0].Exp(r).Mul(fct.Exp(c))
				if !tHash(t, "decrypt|"+phi+"|"+keys[owner].String()+"|", A, B).Equal(c) {
					t.Fatalf("partial decryption of owner %d does not verify", owner)
				}
				factors[owner][qi] = append(factors[owner][qi], fct)
			}
		}
	}
	// Combination: Single factor × Lagrange combination of trustees 1, 3.
	l1 := tInt(t, 3).Mul(tInt(t, 2).Invert())                 // 3/(3-1)
	l3 := tInt(t, 1).Mul(tInt(t, 0).Sub(tInt(t, 2)).Invert()) // 1/(1-3)
	for qi := range tally {
		for ci := range tally[qi] {
			fct := factors[1][qi][ci].Mul(factors[2][qi][ci].Exp(l1)).Mul(factors[4][qi][ci].Exp(l3))
			m := tally[qi][ci][1].Div(fct)
			got, acc := 0, belenios.One()
			for !acc.Equal(m) && got <= 4 {
				acc = acc.Mul(belenios.G())
				got++
			}
			if got != want[qi][ci] {
				t.Errorf("question %d choice %d: %d votes, want %d", qi+1, ci+1, got, want[qi][ci])
			}
		}
	}
	// The keystores are Belenios ones, and say so.
	out = run(t, 0, "belenios", "check", "--keystore", trs[1].keystore, "--archive", belFile, "--passphrase-file", trs[1].pass)
	if !strings.Contains(out, "trustee 3 of election") {
		t.Errorf("check: %s", out)
	}
	out = run(t, 1, "member", "check", "--keystore", trs[1].keystore, "--passphrase-file", trs[1].pass)
	if !strings.Contains(out, "not a member's secrets") {
		t.Errorf("a Belenios keystore given to member check: %s", out)
	}
}

func base64Std(b []byte) string {
	const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var s strings.Builder
	for i := 0; i < len(b); i += 3 {
		var v uint
		k := min(3, len(b)-i)
		for j := 0; j < 3; j++ {
			v <<= 8
			if j < k {
				v |= uint(b[i+j])
			}
		}
		for j := 0; j < 4; j++ {
			if j <= k {
				s.WriteByte(a[(v>>(18-6*j))&63])
			} else {
				s.WriteByte('=')
			}
		}
	}
	return s.String()
}

// tProve is the spec's iprove(S, r, i, M_0..M_k) for (α, β) = (g^r, y^r·g^M_i).
func tProve(t *testing.T, y, alpha, beta *belenios.Point, s string, r *belenios.Scalar, i int, ms []int) string {
	k := len(ms)
	cs, rs := make([]*belenios.Scalar, k), make([]*belenios.Scalar, k)
	com := make([]*belenios.Point, 2*k)
	sum := tInt(t, 0)
	w := tRandom(t)
	for j := 0; j < k; j++ {
		if j == i {
			com[2*j], com[2*j+1] = belenios.GExp(w), y.Exp(w)
			continue
		}
		cs[j], rs[j] = tRandom(t), tRandom(t)
		com[2*j] = belenios.GExp(rs[j]).Mul(alpha.Exp(cs[j]))
		com[2*j+1] = y.Exp(rs[j]).Mul(beta.Div(belenios.GExp(tInt(t, ms[j]))).Exp(cs[j]))
		sum = sum.Add(cs[j])
	}
	cs[i] = tHash(t, "prove|"+s+"|"+alpha.String()+","+beta.String()+"|", com...).Sub(sum)
	rs[i] = w.Sub(r.Mul(cs[i]))
	var out []string
	for j := range cs {
		out = append(out, `{"challenge":"`+cs[j].String()+`","response":"`+rs[j].String()+`"}`)
	}
	return "[" + strings.Join(out, ",") + "]"
}

// tBallot makes a ballot as the spec's voter does (homomorphic questions
// without blank).
func tBallot(t *testing.T, y *belenios.Point, uuid, phi string, cred *belenios.Scalar, qs [][2]int, votes [][]int) string {
	S := belenios.GExp(cred)
	s0 := phi + "|" + S.String()
	var answers []string
	for qi, v := range votes {
		var choices, proofs, pairs []string
		R, M := tInt(t, 0), 0
		A, B := belenios.One(), belenios.One()
		for _, m := range v {
			r := tRandom(t)
			alpha, beta := belenios.GExp(r), y.Exp(r).Mul(belenios.GExp(tInt(t, m)))
			choices = append(choices, `{"alpha":"`+alpha.String()+`","beta":"`+beta.String()+`"}`)
			pairs = append(pairs, alpha.String()+","+beta.String())
			proofs = append(proofs, tProve(t, y, alpha, beta, s0, r, m, []int{0, 1}))
			R, M, A, B = R.Add(r), M+m, A.Mul(alpha), B.Mul(beta)
		}
		var ms []int
		for m := qs[qi][0]; m <= qs[qi][1]; m++ {
			ms = append(ms, m)
		}
		overall := tProve(t, y, A, B, s0+"|"+strings.Join(pairs, ","), R, M-qs[qi][0], ms)
		answers = append(answers, `{"choices":[`+strings.Join(choices, ",")+`],"individual_proofs":[`+strings.Join(proofs, ",")+`],"overall_proof":`+overall+`}`)
	}
	unsigned := `{"election_uuid":"` + uuid + `","election_hash":"` + phi + `","credential":"` + S.String() + `","answers":[` + strings.Join(answers, ",") + `]`
	d := sha256.Sum256([]byte(unsigned + "}"))
	h := strings.TrimRight(base64Std(d[:]), "=")
	w := tRandom(t)
	c := tHash(t, "sig|"+h+"|", belenios.GExp(w))
	r := w.Sub(cred.Mul(c))
	return unsigned + `,"signature":{"hash":"` + h + `","proof":{"challenge":"` + c.String() + `","response":"` + r.String() + `"}}}`
}

// tArchive writes a Belenios archive (spec §Public data).
type tArchive struct {
	files  [][2]string
	parent string
	height int
}

func (a *tArchive) clone() *tArchive {
	c := *a
	c.files = append([][2]string(nil), a.files...)
	return &c
}

func (a *tArchive) add(name, content string) { a.files = append(a.files, [2]string{name, content}) }

func (a *tArchive) data(content string) string {
	d := sha256.Sum256([]byte(content))
	h := hex.EncodeToString(d[:])
	a.add(h+".data.json", content)
	return h
}

func (a *tArchive) event(typ, payload string) {
	e := "{"
	if a.height > 0 {
		e += `"parent":"` + a.parent + `",`
	}
	e += fmt.Sprintf(`"height":%d,"type":"%s"`, a.height, typ)
	if payload != "" {
		e += `,"payload":"` + payload + `"`
	}
	e += "}"
	d := sha256.Sum256([]byte(e))
	a.parent = hex.EncodeToString(d[:])
	a.height++
	a.add(a.parent+".event.json", e)
}

func (a *tArchive) bytes(t *testing.T) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, f := range a.files {
		if err := tw.WriteHeader(&tar.Header{Name: f[0], Mode: 0o644, Size: int64(len(f[1])), Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f[1]))
	}
	tw.Close()
	return b.Bytes()
}

// A Conclave ceremony keystore is never taken for a Belenios trustee's.
func TestBeleniosRefusesCeremonyKeystore(t *testing.T) {
	work := t.TempDir()
	tr := newBTrustee(t, work, "member")
	pass, _ := os.ReadFile(tr.pass)
	id := make([]byte, 32)
	st, err := keystore.Create(tr.keystore, keystore.NewPassphrase(bytes.TrimSpace(pass)), keystore.Header{Ceremony: id, Name: "M"},
		[]byte("not a belenios secret"), keystore.KDFParams{Time: 1, MemoryKiB: 8 * 1024, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	st.Destroy()
	for _, args := range [][]string{
		{"belenios", "check", "--keystore", tr.keystore, "--passphrase-file", tr.pass},
		{"belenios", "polynomial", "--keystore", tr.keystore, "--certs", filepath.Join(beleniosVectors, "v3.1", "certs.jsons"), "--out", filepath.Join(work, "x"), "--passphrase-file", tr.pass},
	} {
		if out := run(t, 1, args...); !strings.Contains(out, "not a Belenios trustee's") {
			t.Errorf("%v: %s", args, out)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "x")); err == nil {
		t.Error("a file was written")
	}
}

// The keystore verbs that do not read the secret (backup, passphrase) work
// on a Belenios keystore too.
func TestBeleniosKeystoreBackupAndPassphrase(t *testing.T) {
	work := t.TempDir()
	tr := newBTrustee(t, work, "zoe")
	run(t, 0, "belenios", "keygen", "--keystore", tr.keystore, "--context", "1/1/2", "--out", filepath.Join(work, "c"),
		"--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1")
	os.Mkdir(filepath.Join(work, "b"), 0o755)
	run(t, 0, "member", "backup", "--keystore", tr.keystore, "--to", filepath.Join(work, "b"), "--passphrase-file", tr.pass)
	np := filepath.Join(work, "new.pass")
	os.WriteFile(np, []byte("another quite long passphrase here\n"), 0o600)
	run(t, 0, "member", "passphrase", "--keystore", tr.keystore, "--passphrase-file", tr.pass, "--new-passphrase-file", np, "--kdf-memory", "8", "--kdf-time", "1")
	out := run(t, 0, "belenios", "check", "--keystore", tr.keystore, "--passphrase-file", np)
	if !strings.Contains(out, "threshold trustee 1/1/2") {
		t.Errorf("check: %s", out)
	}
	run(t, 0, "belenios", "check", "--keystore", filepath.Join(work, "b", filepath.Base(tr.keystore)), "--passphrase-file", tr.pass)
}

// The Belenios verbs keep the rules of every verb that writes (issue 10):
// before this, a 'belenios keygen --out' pointed at another trustee's
// keystore replaced it with a certificate, and a keystore was made on the
// computer's disk.
func TestBeleniosOutputsAndKeystoreLocation(t *testing.T) {
	work := t.TempDir()
	tr := newBTrustee(t, work, "olga")
	run(t, 0, "belenios", "keygen", "--keystore", tr.keystore, "--context", "1/2/3", "--out", filepath.Join(work, "c"),
		"--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1")
	before, err := os.ReadFile(tr.keystore)
	if err != nil {
		t.Fatal(err)
	}
	for i, force := range [][]string{nil, {"--force"}} {
		args := append([]string{"belenios", "keygen", "--keystore", filepath.Join(work, fmt.Sprint("other", i, ".key")), "--context", "2/2/3",
			"--out", tr.keystore, "--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1"}, force...)
		if out := run(t, 1, args...); !strings.Contains(out, "is a keystore") {
			t.Errorf("%v: %s", force, out)
		}
	}
	if after, _ := os.ReadFile(tr.keystore); !bytes.Equal(before, after) {
		t.Fatal("the keystore was written over")
	}
	if out := run(t, 1, "belenios", "keygen", "--keystore", tr.keystore+"2", "--context", "1/2/3", "--out", filepath.Join(work, "c"),
		"--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1"); !strings.Contains(out, "--force") {
		t.Errorf("an existing certificate was replaced without --force: %s", out)
	}

	defer func(old func(string) (bool, error)) { office.OnRemovable = old }(office.OnRemovable)
	office.OnRemovable = func(string) (bool, error) { return false, nil }
	disk := filepath.Join(work, "disk.key")
	if out := run(t, 1, "belenios", "keygen", "--keystore", disk, "--single", "--out", filepath.Join(work, "p"),
		"--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1"); !strings.Contains(out, "own disk") {
		t.Errorf("a keystore was allowed on the computer's disk: %s", out)
	}
	if _, err := os.Stat(disk); err == nil {
		t.Fatal("the keystore was made")
	}
	run(t, 0, "belenios", "keygen", "--keystore", disk, "--single", "--not-removable", "--out", filepath.Join(work, "p"),
		"--passphrase-file", tr.pass, "--kdf-memory", "8", "--kdf-time", "1")
}
