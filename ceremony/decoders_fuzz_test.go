package ceremony

// Fuzz targets for every decoder. The property is the same everywhere: no
// panic, and anything accepted re-encodes to exactly the bytes it was read
// from. Seed corpora (testdata/fuzz/FuzzXxx/seed-*) are real messages of the
// vector ceremonies, written by
//
//	go test ./ceremony -run TestFuzzCorpus -update
//
// Run one target with e.g. go test ./ceremony -run '^$' -fuzz '^FuzzParseEnvelope$' -fuzztime 15s

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"conclave/ceremony/group"
)

// allKinds is every kind, in a fixed order.
var allKinds = []Kind{KindCall, KindCard, KindManifest, KindDeal, KindComplaints, KindReveal, KindOpen, KindRecover, KindConfirm,
	KindBundle, KindElectionKey, KindRequest, KindAnswer, KindResult}

// checkReencodes fails unless v encodes to b.
func checkReencodes(t *testing.T, what string, v any, b []byte) {
	t.Helper()
	if got := marshal(v); !bytes.Equal(got, b) {
		t.Fatalf("%s accepted\n%x\nbut re-encodes to\n%x", what, b, got)
	}
}

func FuzzParseEnvelope(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ParseEnvelope(data)
		if err != nil {
			if e != nil {
				t.Fatal("an error with an envelope")
			}
			return
		}
		checkReencodes(t, "envelope", e, data)
		if !bytes.Equal(e.Bytes(), data) {
			t.Fatal("Bytes differs from the input")
		}
		_ = e.ID().Fingerprint()
		_ = e.signatureInput()
		if e.verifySignature(make([]byte, 32)) {
			t.Fatal("signature verifies under the all-zero key")
		}
		body := reflect.New(bodyTypes[e.Kind]).Interface()
		if e.DecodeBody(body) == nil {
			checkReencodes(t, string(e.Kind)+" body", body, e.Body)
		}
	})
}

// FuzzDecodeBody decodes the same bytes as the body of every kind.
func FuzzDecodeBody(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range allKinds {
			e := &Envelope{Version: Version, Kind: k, Body: data}
			v := reflect.New(bodyTypes[k]).Interface()
			if err := e.DecodeBody(v); err != nil {
				if !strings.Contains(err.Error(), "is malformed") {
					t.Fatalf("%s: unexpected error form: %v", k, err)
				}
				continue
			}
			checkReencodes(t, string(k)+" body", v, data)
		}
	})
}

// asEnvelope reads data as an envelope of kind; failing that, it wraps data
// as the body of such an envelope, with ceremony as the ceremony ID (so that
// mutations of a body reach the checks behind the envelope's).
func asEnvelope(data []byte, kind Kind, ceremony func(body []byte) []byte) *Envelope {
	if e, err := ParseEnvelope(data); err == nil {
		return e
	}
	return &Envelope{Version: Version, Kind: kind, Ceremony: ceremony(data), Body: data}
}

func manifestCeremony(body []byte) []byte {
	id := newTranscript(tagCeremony).bytes(body).id()
	return id[:]
}

func checkManifest(t *testing.T, e *Envelope) {
	call, cid, members, id, err := ParseManifest(e)
	if err != nil {
		return
	}
	var m Manifest
	if e.DecodeBody(&m) != nil {
		t.Fatal("ParseManifest accepted a body DecodeBody refuses")
	}
	checkReencodes(t, "manifest body", &m, e.Body)
	if uint64(len(members)) != call.Members || call.Threshold < 1 || call.Threshold > call.Members {
		t.Fatalf("accepted %d members for a call of %d, threshold %d", len(members), call.Members, call.Threshold)
	}
	if !bytes.Equal(e.Ceremony, id[:]) || cid.IsZero() {
		t.Fatal("accepted a manifest whose ID does not match")
	}
	seen := map[string]bool{}
	for k, mi := range members {
		if mi.Index != uint64(k+1) {
			t.Fatalf("member %d has index %d", k+1, mi.Index)
		}
		if k > 0 && bytes.Compare(members[k-1].Card[:], mi.Card[:]) >= 0 {
			t.Fatal("accepted cards out of order")
		}
		if seen[string(mi.SigningKey)] {
			t.Fatal("accepted two members with one key")
		}
		seen[string(mi.SigningKey)] = true
	}
}

func FuzzParseManifest(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		checkManifest(t, asEnvelope(data, KindManifest, manifestCeremony))
	})
}

func FuzzParseSecrets(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		sec, err := ParseSecrets(data)
		if err != nil {
			return
		}
		if !bytes.Equal(sec.Marshal(), data) {
			t.Fatal("secrets accepted but re-encode differently")
		}
		_ = sec.Stage()
		_ = sec.CallID()
		_ = sec.CeremonyID()
		_ = sec.CheckShare(nil)
		_ = sec.polynomial()
		sec.Wipe()
	})
}

// electionKeyCeremony returns the ceremony ID of the manifest inside an
// election key file body, if it has one.
func electionKeyCeremony(body []byte) []byte {
	var k ElectionKeyFile
	if decMode.Unmarshal(body, &k) == nil {
		if m, err := ParseEnvelope(k.Manifest); err == nil {
			return m.Ceremony
		}
	}
	return make([]byte, 32)
}

func FuzzParseElectionKey(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		e := asEnvelope(data, KindElectionKey, electionKeyCeremony)
		ek, err := ParseElectionKey(e)
		if err != nil {
			return
		}
		var k ElectionKeyFile
		if e.DecodeBody(&k) != nil {
			t.Fatal("ParseElectionKey accepted a body DecodeBody refuses")
		}
		checkReencodes(t, "election key body", &k, e.Body)
		if ek.Key.IsIdentity() || uint64(len(ek.Qualified)) < ek.Threshold || ek.Ceremony != e.ceremonyID() {
			t.Fatalf("accepted an election key %+v", ek)
		}
	})
}

func FuzzSummarize(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		e := asEnvelope(data, KindRequest, func([]byte) []byte { return make([]byte, 32) })
		sum, err := Summarize(e)
		if err != nil {
			return
		}
		var r Request
		if e.DecodeBody(&r) != nil {
			t.Fatal("Summarize accepted a body DecodeBody refuses")
		}
		checkReencodes(t, "request body", &r, e.Body)
		if sum.Ciphertexts*CiphertextSize != len(r.Ciphertexts) || sum.Ciphertexts == 0 || sum.Options == 0 || sum.ID != e.ID() {
			t.Fatalf("accepted %+v", sum)
		}
		if sum.Kind == RequestTally && uint64(sum.Ciphertexts) != sum.Options || sum.Kind == RequestBallots && sum.Bound != sum.Options {
			t.Fatalf("accepted %+v", sum)
		}
	})
}

// bundleCeremony labels a bundle body with the ceremony of the first
// manifest it holds.
func bundleCeremony(body []byte) []byte {
	var b Bundle
	if decMode.Unmarshal(body, &b) == nil {
		for _, m := range b.Messages {
			if e, err := ParseEnvelope(m); err == nil && e.Kind == KindManifest {
				return e.Ceremony
			}
		}
	}
	return make([]byte, 32)
}

func FuzzReplayBundle(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		e := asEnvelope(data, KindBundle, bundleCeremony)
		st, b, checks, err := ReplayBundle(e)
		if err != nil {
			if st != nil || b != nil {
				t.Fatal("an error with a state")
			}
			return
		}
		checkReencodes(t, "bundle body", b, e.Body)
		if st.Manifest() == nil || st.ID != e.ceremonyID() || len(checks) == 0 {
			t.Fatal("accepted a bundle without its manifest")
		}
		// Whatever was accepted replays the same way from the state's own
		// messages.
		for _, m := range st.Messages() {
			if _, err := ParseEnvelope(m.Bytes()); err != nil {
				t.Fatalf("state holds a message that does not parse: %v", err)
			}
		}
		_ = st.Progress(b.Step)
		_ = st.Summary()
	})
}

var (
	fuzzRecordOnce sync.Once
	fuzzRecord     [][]byte
)

// vectorRecord returns the messages of the committed vector ceremony.
func vectorRecord(t testing.TB) [][]byte {
	fuzzRecordOnce.Do(func() {
		data, err := os.ReadFile(filepath.Join(vectorDir, "ceremony-n3-t2.txt"))
		if err != nil {
			return
		}
		v, err := parseVector("ceremony-n3-t2.txt", data)
		if err != nil {
			return
		}
		fuzzRecord = v.allBytes(t, "message")
	})
	if len(fuzzRecord) == 0 {
		t.Skip("no vector ceremony to fuzz the record with")
	}
	return fuzzRecord
}

// FuzzVerify verifies the vector ceremony's record with one file replaced by
// (or, past the end, added as) the fuzzed bytes.
func FuzzVerify(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte, slot byte) {
		rec := vectorRecord(t)
		var files []RecordFile
		for k, m := range rec {
			files = append(files, RecordFile{Name: fmt.Sprint(k), Data: m})
		}
		if k := int(slot) % (len(rec) + 1); k < len(rec) {
			files[k].Data = data
		} else {
			files = append(files, RecordFile{Name: "fuzz", Data: data})
		}
		r := Verify(files)
		if r == nil || len(r.Checks) == 0 {
			t.Fatal("no report")
		}
		if r.OK() && !r.State.Complete() {
			t.Fatal("an incomplete ceremony verified")
		}
		out, err := ExportJSON(files)
		if err != nil || !json.Valid(out) {
			t.Fatalf("ExportJSON: %v", err)
		}
	})
}

// FuzzVerifyOpen feeds arbitrary bytes to the open proof's verifier: it
// must never accept, whatever the threshold the length suggests.
func FuzzVerifyOpen(f *testing.F) {
	f.Add(make([]byte, 128))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := len(data) / 32
		if n < 4 || n%4 != 0 || n > 80 {
			return
		}
		k := n / 4
		e := make([]*group.Element, k)
		c := make([]*group.Element, k)
		for i := range e {
			e[i] = group.NewIdentityElement().ScalarBaseMult(group.NewScalar().SetUint64(uint64(i + 2)))
			c[i] = group.NewGeneratorElement()
		}
		if verifyOpen([][]byte{data}, e, c, data) {
			t.Fatal("an open proof bound to itself verifies")
		}
	})
}

func FuzzParseProof(f *testing.F) {
	pub := group.NewGeneratorElement()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseProof(data)
		if err != nil {
			return
		}
		if !bytes.Equal(p.bytes(), data) {
			t.Fatal("proof accepted but re-encodes differently")
		}
		if verifyProof(tagProofShare, [][]byte{data}, []*group.Element{nil}, []*group.Element{pub}, p) {
			t.Fatal("a proof bound to itself verifies")
		}
	})
}

// ---------------------------------------------------------------------------
// Seed corpora.

// fuzzSeed is one seed file.
type fuzzSeed struct {
	target, name string
	data         []byte
	slot         int // for FuzzVerify; -1 otherwise
}

func writeSeed(t *testing.T, s fuzzSeed) {
	dir := filepath.Join("testdata", "fuzz", s.target)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	fmt.Fprintf(&b, "[]byte(%q)\n", s.data)
	if s.slot >= 0 {
		fmt.Fprintf(&b, "byte(%q)\n", byte(s.slot))
	}
	if err := os.WriteFile(filepath.Join(dir, "seed-"+s.name), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFuzzCorpus(t *testing.T) {
	if !*update {
		t.Skip("writes the seed corpora with -update")
	}
	runs := []*vecRun{runVectorCeremony(t, 1, false), runVectorCeremony(t, 2, true)}
	var seeds []fuzzSeed
	add := func(target, name string, data []byte) {
		seeds = append(seeds, fuzzSeed{target: target, name: name, data: data, slot: -1})
	}
	for _, run := range runs {
		p := fmt.Sprintf("c%d-", run.seed)
		var msgs []*Envelope
		msgs = append(msgs, run.record()...)
		msgs = append(msgs, run.bundles...)
		n := map[Kind]int{}
		for _, e := range msgs {
			n[e.Kind]++
			name := fmt.Sprintf("%s%s-%d", p, e.Kind, n[e.Kind])
			add("FuzzParseEnvelope", name, e.Bytes())
			add("FuzzDecodeBody", name, e.Body)
			switch e.Kind {
			case KindManifest:
				add("FuzzParseManifest", name, e.Bytes())
				add("FuzzParseManifest", name+"-body", e.Body)
			case KindElectionKey:
				add("FuzzParseElectionKey", name, e.Bytes())
				add("FuzzParseElectionKey", name+"-body", e.Body)
			case KindRequest:
				add("FuzzSummarize", name, e.Bytes())
				add("FuzzSummarize", name+"-body", e.Body)
			case KindBundle:
				add("FuzzReplayBundle", name, e.Bytes())
				add("FuzzReplayBundle", name+"-body", e.Body)
			}
			var proofs [][]byte
			switch e.Kind {
			case KindOpen:
				var o Open
				_ = e.DecodeBody(&o)
				add("FuzzVerifyOpen", name, o.Proof)
			case KindConfirm:
				var c Confirm
				_ = e.DecodeBody(&c)
				proofs = append(proofs, c.Proof)
			case KindAnswer:
				var a Answer
				_ = e.DecodeBody(&a)
				proofs = append(proofs, a.Proof)
			}
			for _, pr := range proofs {
				add("FuzzParseProof", name, pr)
			}
		}
		for k, s := range run.stages {
			add("FuzzParseSecrets", fmt.Sprintf("%sstage-%d", p, k), s)
		}
		for j, sec := range run.secs {
			add("FuzzParseSecrets", fmt.Sprintf("%scomplete-%d", p, j+1), sec.Marshal())
		}
	}
	// FuzzVerify: every message of the vector record at its own slot (the
	// record verifies), another ceremony's messages, and garbage.
	a, b := runs[0], runs[1]
	for k, e := range a.record() {
		seeds = append(seeds, fuzzSeed{target: "FuzzVerify", name: fmt.Sprintf("same-%02d-%s", k, e.Kind), data: e.Bytes(), slot: k})
	}
	for k, e := range b.record() {
		seeds = append(seeds, fuzzSeed{target: "FuzzVerify", name: fmt.Sprintf("other-%02d-%s", k, e.Kind), data: e.Bytes(), slot: k})
	}
	seeds = append(seeds, fuzzSeed{target: "FuzzVerify", name: "added-answer", data: wrongAnswer(t, a, 2).Bytes(), slot: 255})
	seeds = append(seeds, fuzzSeed{target: "FuzzVerify", name: "empty", data: nil, slot: 5})
	add("FuzzParseProof", "noncanonical", append(make([]byte, 32), bytes.Repeat([]byte{0xff}, 32)...))
	add("FuzzParseEnvelope", "noncanonical-uint", append([]byte{0x86, 0x18}, a.complaints[0].Bytes()[1:]...))

	targets := map[string]bool{}
	for _, s := range seeds {
		targets[s.target] = true
	}
	for tg := range targets {
		old, _ := filepath.Glob(filepath.Join("testdata", "fuzz", tg, "seed-*"))
		for _, f := range old {
			os.Remove(f)
		}
	}
	for _, s := range seeds {
		writeSeed(t, s)
	}
	names := slices.Sorted(func(yield func(string) bool) {
		for k := range targets {
			if !yield(k) {
				return
			}
		}
	})
	t.Logf("wrote %d seeds for %v", len(seeds), names)
}
