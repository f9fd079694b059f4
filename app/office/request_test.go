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
