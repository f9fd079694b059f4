package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hpke"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"conclave/app/office"
	"conclave/ceremony"
	"conclave/ceremony/group"
	"conclave/keystore"
)

// run calls the command line in-process and returns its output.
func run(t *testing.T, wantCode int, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(args, strings.NewReader(""), &out, &errb)
	if code != wantCode {
		t.Fatalf("conclave %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, wantCode, out.String(), errb.String())
	}
	return out.String() + errb.String()
}

type cliMember struct {
	name, keystore, pass string
}

func (m *cliMember) step(t *testing.T, in, out string) string {
	t.Helper()
	return run(t, 0, "member", "step", "--keystore", m.keystore, "--name", m.name, "--in", in, "--out", out, "--force",
		"--passphrase-file", m.pass, "--kdf-memory", "8", "--kdf-time", "1", "--yes", "--i-understand")
}

// cheat rewrites dealer's deal (and its keystore, so that its own software
// goes on as if it had sent it) so that the share for victim does not match
// the dealer's commitments. The deal stays validly signed: only the victim
// can tell, and it must complain.
func cheat(t *testing.T, dealer *cliMember, dealFile, manifestFile string, victim uint64) {
	t.Helper()
	pass, _ := os.ReadFile(dealer.pass)
	st, err := keystore.Open(dealer.keystore, keystore.NewPassphrase(bytes.TrimSpace(pass)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Destroy()
	var sec *ceremony.Secrets
	if err := st.Use(func(b []byte) error {
		sec, err = ceremony.ParseSecrets(b)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	deal, err := office.ReadMessage(dealFile)
	if err != nil {
		t.Fatal(err)
	}
	man, err := office.ReadMessage(manifestFile)
	if err != nil {
		t.Fatal(err)
	}
	_, _, members, id, err := ceremony.ParseManifest(man)
	if err != nil {
		t.Fatal(err)
	}
	var d ceremony.Deal
	if err := deal.DecodeBody(&d); err != nil {
		t.Fatal(err)
	}
	// Seal a wrong share exactly as docs/protocol.md §6.2 says a share is sealed.
	kem, err := hpke.NewKEM(uint16(members[victim-1].KEM))
	if err != nil {
		t.Fatal(err)
	}
	pk, err := kem.NewPublicKey(members[victim-1].EncryptionKey)
	if err != nil {
		t.Fatal(err)
	}
	info := append([]byte("conclave/v2/share"), id[:]...)
	info = binary.BigEndian.AppendUint64(info, deal.Sender)
	info = binary.BigEndian.AppendUint64(info, victim)
	// The plaintext is the share pair f(j) || f'(j).
	wrong := append(group.NewScalar().SetUint64(424242).Bytes(), group.NewScalar().SetUint64(7).Bytes()...)
	for k := range d.Shares {
		if d.Shares[k].To == victim {
			if d.Shares[k].Ciphertext, err = hpke.Seal(pk, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info, wrong); err != nil {
				t.Fatal(err)
			}
		}
	}
	bad := ceremony.NewEnvelope(ceremony.KindDeal, deal.Ceremony, deal.Sender, &d)
	bad.Sign(ed25519.NewKeyFromSeed(sec.SigningSeed))
	sec.Deal = bad.Bytes()
	if err := st.Save(st.Header(), sec.Marshal()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dealFile, bad.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

var simulatedCounts = regexp.MustCompile(`Simulated counts \(for checking the demo\): (\[[0-9,]+\])`)

// TestEndToEnd runs a whole election through the command-line verbs in
// temporary folders: n=5, t=3, 1000 simulated ballots over 4 options.
func TestEndToEnd(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  bool
		pq     bool
		silent bool
	}{{"honest", false, false, false}, {"bad-share", true, false, false}, {"pq", false, true, false}, {"silent-at-open", false, false, true}} {
		t.Run(tc.name, func(t *testing.T) { endToEnd(t, tc.fault, tc.pq, tc.silent) })
	}
}

// TestEndToEndInChunks runs the honest election with every file of the
// board and of the record read in chunks from its file at each pass
// (office.StreamBoardAbove lowered to nothing): board add, tally, status,
// verify, the minutes, member check and record export see what they see
// when they hold the files, and a byte changed anywhere in any file still
// makes verify fail.
func TestEndToEndInChunks(t *testing.T) {
	defer func(v int64) { office.StreamBoardAbove = v }(office.StreamBoardAbove)
	office.StreamBoardAbove = 0
	endToEnd(t, false, false, false)
}

// endToEnd runs a whole election; fault: member 2 deals a bad share to
// member 4 and stays silent at the reveal step; silent: member 3 stays
// silent at the open step, and is rebuilt from the others' shares.
func endToEnd(t *testing.T, fault, pq, silent bool) {
	work := t.TempDir()
	board := filepath.Join(work, "board")
	f := func(name string) string { return filepath.Join(work, name) }
	args := []string{"board", "new", board, "--title", "Conseil 2027", "--members", "5", "--threshold", "3", "--close", "2026-01-01T18:00:00Z", "--i-understand"}
	if pq {
		args = append(args, "--pq")
	}
	run(t, 0, args...)
	run(t, 0, "board", "next", board, "--out", f("call.cbor"))

	var ms []*cliMember
	for i, name := range []string{"Alice", "Bruno", "Chloé", "Dmitri", "Esther"} {
		m := &cliMember{name: name, keystore: f(fmt.Sprintf("stick%d/conclave.key", i+1)), pass: f(fmt.Sprintf("pass%d", i+1))}
		os.MkdirAll(filepath.Dir(m.keystore), 0o700)
		os.WriteFile(m.pass, []byte(fmt.Sprintf("orchard lantern %d copper violin meadow\n", i*7919)), 0o600)
		m.step(t, f("call.cbor"), f(fmt.Sprintf("card%d.cbor", i)))
		ms = append(ms, m)
	}
	out := run(t, 0, "board", "add", board, f("card0.cbor"), f("card1.cbor"), f("card2.cbor"), f("card3.cbor"), f("card4.cbor"))
	if !strings.Contains(out, "everything is in") {
		t.Fatalf("cards: %s", out)
	}
	run(t, 0, "board", "next", board, "--out", f("manifest.cbor"))

	// A member who does not confirm what the manifest shows does not deal.
	m0 := ms[0]
	out = run(t, 1, "member", "step", "--keystore", m0.keystore, "--in", f("manifest.cbor"), "--out", f("deal0.cbor"), "--passphrase-file", m0.pass, "--i-understand")
	if !strings.Contains(out, "not confirmed: nothing was done") || !strings.Contains(out, "Threshold:      3 of 5") || !strings.Contains(out, "Chloé") {
		t.Fatalf("the manifest's terms were not shown, or not confirmed: %s", out)
	}
	if _, err := os.Stat(f("deal0.cbor")); err == nil {
		t.Fatal("a deal was written without confirmation")
	}
	// Members are numbered in the manifest's order; find who is who.
	byIndex := map[uint64]*cliMember{}
	for i, m := range ms {
		m.step(t, f("manifest.cbor"), f(fmt.Sprintf("deal%d.cbor", i)))
		h, err := keystore.Inspect(m.keystore)
		if err != nil {
			t.Fatal(err)
		}
		byIndex[uint64(h.Member)] = m
	}
	cheater, victim := byIndex[2], uint64(4)
	for i, m := range ms {
		if fault && m == cheater {
			cheat(t, m, f(fmt.Sprintf("deal%d.cbor", i)), f("manifest.cbor"), victim)
		}
		run(t, 0, "board", "add", board, f(fmt.Sprintf("deal%d.cbor", i)))
	}
	run(t, 0, "board", "next", board, "--out", f("verify.cbor"))
	for i, m := range ms {
		out := m.step(t, f("verify.cbor"), f(fmt.Sprintf("complaints%d.cbor", i)))
		if fault && byIndex[victim] == m && !strings.Contains(out, "FAILED: the share from member 2") {
			t.Fatalf("the victim did not notice the bad share:\n%s", out)
		}
		run(t, 0, "board", "add", board, f(fmt.Sprintf("complaints%d.cbor", i)))
	}
	run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
	if fault {
		// Reveal step: the cheater stays silent; the others have nothing to hand in.
		for _, m := range ms {
			if m != cheater {
				if out := m.step(t, f("next.cbor"), f("none.cbor")); !strings.Contains(out, "nothing to hand in") {
					t.Fatalf("reveal step: %s", out)
				}
			}
		}
		out := run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
		if !strings.Contains(out, "Waiting for: member 2") {
			t.Fatalf("the board should wait for the accused dealer: %s", out)
		}
		run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force", "--without-missing")
	}
	// Open step: QUAL is fixed; every qualified member publishes its
	// Feldman values. The disqualified cheater is told so, plainly.
	for i, m := range ms {
		if silent && m == byIndex[3] {
			continue
		}
		if fault && m == cheater {
			out := run(t, 1, "member", "step", "--keystore", m.keystore, "--in", f("next.cbor"), "--out", f("x.cbor"), "--force", "--passphrase-file", m.pass)
			if !strings.Contains(out, "you were disqualified (did not answer the complaint of member 4") || !strings.Contains(out, "YOU ARE NOT IN THE QUALIFIED SET") {
				t.Fatalf("the cheater was not told: %s", out)
			}
			continue
		}
		out := m.step(t, f("next.cbor"), f(fmt.Sprintf("open%d.cbor", i)))
		if fault && (!strings.Contains(out, "Qualified members (QUAL): 1, 3, 4, 5") || !strings.Contains(out, "Excluded: member 2 (") || !strings.Contains(out, "did not answer the complaint of member 4")) {
			t.Fatalf("the open step does not list QUAL and the exclusion with its reason:\n%s", out)
		}
		run(t, 0, "board", "add", board, f(fmt.Sprintf("open%d.cbor", i)))
	}
	run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
	if silent {
		out := run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
		if !strings.Contains(out, "Waiting for: member 3") {
			t.Fatalf("the open step should wait for member 3: %s", out)
		}
		out = run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force", "--without-missing")
		if !strings.Contains(out, "Step: recover") {
			t.Fatalf("closing the open step without member 3 should hand out the recover bundle: %s", out)
		}
		for i, m := range ms {
			out := m.step(t, f("next.cbor"), f(fmt.Sprintf("recover%d.cbor", i)))
			if !strings.Contains(out, "Rebuilt: member 3 did not open") {
				t.Fatalf("the recover step does not say who is rebuilt:\n%s", out)
			}
			if m != byIndex[3] {
				run(t, 0, "board", "add", board, f(fmt.Sprintf("recover%d.cbor", i)))
			}
		}
		run(t, 0, "board", "next", board, "--out", f("next.cbor"), "--force")
	}
	for i, m := range ms {
		if fault && m == cheater {
			continue
		}
		out := m.step(t, f("next.cbor"), f(fmt.Sprintf("confirm%d.cbor", i)))
		if !strings.Contains(out, "Qualified members (QUAL): ") || !strings.Contains(out, "For the minutes: the election key fingerprint") {
			t.Fatalf("the confirm step does not list QUAL and end with the fingerprints for the minutes:\n%s", out)
		}
		run(t, 0, "board", "add", board, f(fmt.Sprintf("confirm%d.cbor", i)))
	}
	status := run(t, 0, "board", "status", board)
	if !strings.Contains(status, "[complete]") {
		t.Fatalf("not complete:\n%s", status)
	}
	if fault && !strings.Contains(status, "Qualified members: [1 3 4 5]") {
		t.Fatalf("the cheater was not disqualified:\n%s", status)
	}
	run(t, 0, "board", "key", board, "--out", f("key.cbor"))

	out = run(t, 0, "ballots", "encrypt", "--key", f("key.cbor"), "--expect", ceremonyOf(t, f("key.cbor")), "--simulate", "1000", "--options", "4", "--seed", "7", "--out", f("ballots.json"))
	want := simulatedCounts.FindStringSubmatch(out)
	if want == nil {
		t.Fatalf("no simulated counts in: %s", out)
	}
	run(t, 0, "ballots", "sum", f("ballots.json"), "--out", f("tally.json"))
	run(t, 0, "board", "request", board, "--ciphertexts", f("tally.json"), "--out", f("request.cbor"))
	decrypters := []uint64{5, 4, 1}
	for _, j := range decrypters {
		m := byIndex[j]
		run(t, 0, "member", "decrypt", "--keystore", m.keystore, "--in", f("request.cbor"), "--out", f(fmt.Sprintf("answer%d.cbor", j)), "--yes", "--passphrase-file", m.pass)
		run(t, 0, "board", "add", board, f(fmt.Sprintf("answer%d.cbor", j)))
	}
	if fault {
		// The disqualified member holds no share of this key.
		run(t, 1, "member", "decrypt", "--keystore", cheater.keystore, "--in", f("request.cbor"), "--out", f("x.cbor"), "--force", "--yes", "--passphrase-file", cheater.pass)
	}
	run(t, 0, "board", "tally", board, "--out", f("result.json"))
	var res struct{ Counts []uint64 }
	data, _ := os.ReadFile(f("result.json"))
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(res.Counts); string(got) != want[1] {
		t.Fatalf("result %s, want the plaintext sum %s", got, want[1])
	}
	out = run(t, 0, "verify", board)
	if !strings.Contains(out, "verifies") {
		t.Fatalf("verify: %s", out)
	}
	checkMinutes(t, board, fault)
	for _, j := range []uint64{1, 4, 5} {
		m := byIndex[j]
		run(t, 0, "member", "check", "--keystore", m.keystore, "--record", board, "--passphrase-file", m.pass)
	}
	run(t, 0, "record", "export", board, "--json", f("record.json"))
	tamperEveryFile(t, board)
}

// tamperEveryFile changes single bytes of every file of the record (at
// evenly spread positions) and checks that verify then fails, naming what
// is wrong.
func tamperEveryFile(t *testing.T, board string) {
	files, _, err := office.ReadRecord(board)
	if err != nil {
		t.Fatal(err)
	}
	tried := 0
	for k, rf := range files {
		if rf.Data == nil { // read in chunks (office.StreamBoardAbove)
			if files[k].Data, err = os.ReadFile(filepath.Join(board, rf.Name)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, rf := range files {
		positions := []int{0, len(rf.Data) - 1}
		for k := 1; k < 12; k++ {
			positions = append(positions, k*len(rf.Data)/12)
		}
		for _, pos := range positions {
			copyDir := t.TempDir()
			for _, other := range files {
				data := other.Data
				if other.Name == rf.Name {
					data = bytes.Clone(data)
					data[pos] ^= 0x01
				}
				os.WriteFile(filepath.Join(copyDir, other.Name), data, 0o644)
			}
			out := run(t, 1, "verify", copyDir)
			if !strings.Contains(out, "FAIL") || !strings.Contains(out, "does NOT verify") {
				t.Fatalf("changing byte %d of %s: verify output lacks a failure:\n%s", pos, rf.Name, out)
			}
			tried++
		}
	}
	t.Logf("%d single-byte changes, each refused", tried)
}
