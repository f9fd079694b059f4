package office

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"conclave/ceremony"
	"conclave/ceremony/group"
)

// ballotsOfOne returns n encryptions of 1 under y, (r·G, G + r·Y) for
// r = r0, r0+1, ..., made by additions.
func ballotsOfOne(y *group.Element, n int) []byte {
	r0 := group.NewScalar().SetUint64(0x9e3779b97f4a7c15)
	a := group.NewIdentityElement().ScalarBaseMult(r0)
	bb := group.NewIdentityElement().ScalarMult(r0, y)
	g := group.NewGeneratorElement()
	bb.Add(bb, g)
	out := make([]byte, 0, n*ceremony.CiphertextSize)
	for i := 0; i < n; i++ {
		out = append(out, a.Bytes()...)
		out = append(out, bb.Bytes()...)
		a.Add(a, g)
		bb.Add(bb, y)
	}
	return out
}

func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A board whose request and answers are larger than StreamBoardAbove reads
// them in chunks from its folder at each pass (docs/performance.md): an
// answer brought in is copied into the folder in chunks (byte for byte),
// the board opened again holds none of the ciphertexts or shares, counts
// them, exports a record that verifies, and refuses to count when the
// request's file is rewritten after it was checked.
func TestBoardReadsLargeFilesInChunks(t *testing.T) {
	dir := t.TempDir()
	b, ms, ek := smallCeremonyKey(t, dir)
	const n = 8000
	req, err := b.Request("large", &Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(ek.Key, n)})
	if err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	reqPath := filepath.Join(stick, "request.cbor")
	if err := WriteMessageOutput(reqPath, req, false); err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1700000000, 0)
	var answers []string
	for i, m := range ms {
		r, err := ReadRequest(reqPath)
		if err != nil {
			t.Fatal(err)
		}
		a, err := m.DecryptRequest(r, now)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(stick, []string{"a.cbor", "b.cbor"}[i])
		if err := WriteMessageOutput(p, a, false); err != nil {
			t.Fatal(err)
		}
		answers = append(answers, p)
	}
	defer func(v int64) { StreamBoardAbove = v }(StreamBoardAbove)
	StreamBoardAbove = 1 << 14 // the request (512 kB) and the answers (256 kB), not the other messages

	b2, err := OpenBoard(b.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range answers {
		if _, err := b2.AddFile(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range answers {
		e, err := OpenMessage(p)
		if err != nil {
			t.Fatal(err)
		}
		in, _ := os.ReadFile(filepath.Join(b.Dir, fileName(e)))
		out, _ := os.ReadFile(p)
		if !bytes.Equal(in, out) {
			t.Fatalf("the board's copy of %s differs from it", p)
		}
	}
	before := heapAfterGC()
	b3, err := OpenBoard(b.Dir)
	if err != nil {
		t.Fatal(err)
	}
	held := heapAfterGC() - before
	if held > n*ceremony.CiphertextSize/4 {
		t.Fatalf("the board opened holds %d bytes in memory: the request's ciphertexts are %d", held, n*ceremony.CiphertextSize)
	}
	t.Logf("the board opened holds %d bytes (the request is %d bytes, each answer %d)", held, n*ceremony.CiphertextSize, n*group.ElementSize)
	if valid, _ := b3.State.AnswerStatus(req.ID()); !slices.Equal(valid, []uint64{1, 2}) {
		t.Fatalf("valid answers %v", valid)
	}

	// The request's file rewritten in place, same size, after the board
	// checked it: a B_k changed, so that the count would differ.
	path := filepath.Join(b.Dir, fileName(req))
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Clone(orig)
	forged[len(forged)-40] ^= 1
	if err := os.WriteFile(path, forged, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b3.Tally(ceremony.ID{}); !errors.Is(err, ceremony.ErrMessageChanged) {
		t.Fatalf("a request file rewritten after its check: %v, want ceremony.ErrMessageChanged", err)
	}
	if err := os.WriteFile(path, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := b3.Tally(ceremony.ID{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(res.Counts, []uint64{n}) || len(res.Choices) != n {
		t.Fatalf("counts %v, %d choices", res.Counts, len(res.Choices))
	}
	out := filepath.Join(t.TempDir(), "record")
	if _, err := b3.ExportRecord(out); err != nil {
		t.Fatal(err)
	}
	files, problems, err := ReadRecord(out)
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	spilled := 0
	for _, f := range files {
		if f.Source != nil {
			spilled++
		}
	}
	if spilled != 3 {
		t.Fatalf("%d files of the record are read in chunks, want 3 (the request and two answers)", spilled)
	}
	if rep := ceremony.Verify(files); !rep.OK() {
		t.Fatalf("the exported record does not verify: %v", rep.Checks)
	}
}
