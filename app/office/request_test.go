package office

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"conclave/ceremony"
)

// A request read in chunks from its file (as member decrypt reads one
// above ceremony.StreamRequestsAbove, lowered here to every size) is summed
// up as when read whole, checked against the published ballots by its
// ciphertexts' hash, answered with an answer the board verifies, and
// logged; a file rewritten before the answer is refused.
func TestReadRequestInChunks(t *testing.T) {
	dir := t.TempDir()
	b, ms, ek := smallCeremonyKey(t, dir)
	ballots, err := EncryptBallots(ek, []uint64{1, 2, 2, 1, 2}, 2)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ballots.Sum()
	if err != nil {
		t.Fatal(err)
	}
	reqAll, err := b.Request("tally", all)
	if err != nil {
		t.Fatal(err)
	}
	forged := &Ciphertexts{Kind: ceremony.RequestTally, Options: 2, Bound: 5, Data: ballots.Ballots[0]}
	reqForged, err := b.Request("tally", forged)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, e *ceremony.Envelope) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, e.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pAll, pForged := write("all.req", reqAll), write("forged.req", reqForged)
	whole, err := ReadRequest(pAll)
	if err != nil || whole.File != nil || whole.Envelope == nil {
		t.Fatalf("a small request should be read whole: %v", err)
	}
	defer func(v int64) { StreamAbove = v }(StreamAbove)
	StreamAbove = 0
	req, err := ReadRequest(pAll)
	if err != nil {
		t.Fatal(err)
	}
	defer req.Close()
	if req.File == nil || req.Envelope != nil {
		t.Fatal("the request was not read in chunks")
	}
	if req.Summary != whole.Summary {
		t.Fatalf("summary %+v, read whole %+v", req.Summary, whole.Summary)
	}
	if err := CheckTallyRequest(req, ballots); err != nil {
		t.Fatalf("the true tally: %v", err)
	}
	bad, err := ReadRequest(pForged)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := CheckTallyRequest(bad, ballots); !errors.Is(err, ErrNotTheTally) {
		t.Fatalf("a forged tally read in chunks: %v, want ErrNotTheTally", err)
	}
	now := time.Unix(1700000000, 0)
	a, err := ms[0].DecryptRequest(req, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Add(a.Bytes()); err != nil {
		t.Fatalf("the board refuses the answer: %v", err)
	}
	log, err := ms[0].Answered()
	if err != nil || len(log) != 1 || log[0].RequestID() != reqAll.ID() {
		t.Fatalf("the log after the answer: %+v %v", log, err)
	}
	// The file rewritten, same size, after it was checked and shown.
	again, err := ReadRequest(pAll)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := os.WriteFile(pAll, reqForged.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ms[1].DecryptRequest(again, now); !errors.Is(err, ceremony.ErrRequestChanged) {
		t.Fatalf("a rewritten request file: %v, want ceremony.ErrRequestChanged", err)
	}
	if log, _ := ms[1].Answered(); len(log) != 0 {
		t.Fatal("the refused answer was logged")
	}
}

// A request read in chunks is answered straight into the output file
// (DecryptRequestTo): the board accepts the answer, the keystore logs the
// request, and a request file rewritten before the answer leaves no file
// at the output and nothing in the log.
func TestDecryptRequestToFile(t *testing.T) {
	dir := t.TempDir()
	b, ms, ek := smallCeremonyKey(t, dir)
	batch := &Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(ek.Key, 300)}
	req, err := b.Request("ballots", batch)
	if err != nil {
		t.Fatal(err)
	}
	other, err := b.Request("ballotz", &Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(ek.Key, 301)[64:]})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "request.cbor")
	if err := WriteMessageOutput(p, req, false); err != nil {
		t.Fatal(err)
	}
	defer func(v int64) { StreamAbove = v }(StreamAbove)
	StreamAbove = 0
	now := time.Unix(1700000000, 0)
	r, err := ReadRequest(p)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := filepath.Join(t.TempDir(), "answer.cbor")
	id, err := ms[0].DecryptRequestTo(r, now, out, false)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := ceremony.ParseEnvelope(data); err != nil || e.ID() != id {
		t.Fatalf("the answer written: %v", err)
	}
	if _, err := b.Add(data); err != nil {
		t.Fatalf("the board refuses the answer written in chunks: %v", err)
	}
	if log, err := ms[0].Answered(); err != nil || len(log) != 1 || log[0].RequestID() != req.ID() {
		t.Fatalf("the log after the answer: %+v %v", log, err)
	}
	// Rewritten (same size) after it was checked and shown.
	again, err := ReadRequest(p)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if err := os.WriteFile(p, other.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out2 := filepath.Join(t.TempDir(), "answer.cbor")
	if _, err := ms[1].DecryptRequestTo(again, now, out2, false); !errors.Is(err, ceremony.ErrRequestChanged) {
		t.Fatalf("a rewritten request file: %v, want ceremony.ErrRequestChanged", err)
	}
	if _, err := os.Stat(out2); err == nil {
		t.Fatal("an answer was written for a rewritten request")
	}
	if entries, _ := os.ReadDir(filepath.Dir(out2)); len(entries) != 0 {
		t.Fatalf("files left behind: %v", entries)
	}
	if log, _ := ms[1].Answered(); len(log) != 0 {
		t.Fatal("the refused answer was logged")
	}
}
