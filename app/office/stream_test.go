package office

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
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

// largeRequest makes a small ceremony with a request of n single ballots
// on its board, written to a stick with every member's answer: it returns
// the board, the request and the answers' paths.
func largeRequest(t *testing.T, label string, n int) (*Board, *ceremony.Envelope, []string) {
	t.Helper()
	b, ms, ek := smallCeremonyKey(t, t.TempDir())
	req, err := b.Request(label, &Ciphertexts{Kind: ceremony.RequestBallots, Options: 1, Bound: 1, Data: ballotsOfOne(ek.Key, n)})
	if err != nil {
		t.Fatal(err)
	}
	stick := t.TempDir()
	reqPath := filepath.Join(stick, "request.cbor")
	if err := WriteMessageOutput(reqPath, req, false); err != nil {
		t.Fatal(err)
	}
	return b, req, answerFiles(t, ms, reqPath, stick)
}

// answerFiles has every member answer the request at reqPath into a file
// of dir (a.cbor, b.cbor, ...) and returns their paths.
func answerFiles(t *testing.T, ms []*Member, reqPath, dir string) []string {
	t.Helper()
	var answers []string
	for i, m := range ms {
		r, err := ReadRequest(reqPath)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, string(rune('a'+i))+".cbor")
		_, err = m.DecryptRequestTo(r, time.Unix(1700000000, 0), p, false)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, p)
	}
	return answers
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
	const n = 8000
	b, req, answers := largeRequest(t, "large", n)
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
	if choices := slices.Collect(res.Choices); !slices.Equal(res.Counts, []uint64{n}) || len(choices) != n {
		t.Fatalf("counts %v, %d choices", res.Counts, len(choices))
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

// changingSource is a message file whose every open from the given one on
// reads other bytes (a file on a stick rewritten while the board copies it).
type changingSource struct {
	path  string
	other []byte
	from  int
	opens int
}

func (c *changingSource) Open() (ceremony.SourceFile, error) {
	c.opens++
	if c.opens >= c.from {
		return readerFile{bytes.NewReader(c.other)}, nil
	}
	f, err := os.Open(c.path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

type readerFile struct{ *bytes.Reader }

func (readerFile) Close() error { return nil }

// An answer larger than StreamBoardAbove brought in from a stick is read
// in chunks from the stick: the board must not go on reading the stick
// once the answer is in the folder. The coordinator pulls the stick and
// counts: the count must be made from the board's copies. And a stick
// file that changes while it is copied into the board (after the board
// checked it) must leave the board as it was: neither a State that holds
// an answer the folder does not, nor, brought in again, "already on the
// board" for a file the folder does not hold.
func TestBoardLargeAnswerFromPulledStick(t *testing.T) {
	const n = 300
	b, req, answers := largeRequest(t, "stick", n)
	defer func(v int64) { StreamBoardAbove = v }(StreamBoardAbove)
	StreamBoardAbove = 1 << 10 // the request and the answers

	t.Run("pulled", func(t *testing.T) {
		fresh := filepath.Join(t.TempDir(), "board")
		copyDir(t, b.Dir, fresh)
		b2, err := OpenBoard(fresh)
		if err != nil {
			t.Fatal(err)
		}
		pulled := t.TempDir()
		for _, p := range answers {
			q := filepath.Join(pulled, filepath.Base(p))
			data, _ := os.ReadFile(p)
			os.WriteFile(q, data, 0o644)
			if _, err := b2.AddFile(q); err != nil {
				t.Fatal(err)
			}
		}
		os.RemoveAll(pulled) // the stick is pulled
		res, err := b2.Tally(ceremony.ID{})
		if err != nil {
			t.Fatalf("the count after the stick was pulled: %v", err)
		}
		if !slices.Equal(res.Counts, []uint64{n}) {
			t.Fatalf("counts %v", res.Counts)
		}
	})

	t.Run("changed while copied", func(t *testing.T) {
		t.Setenv(CheckCacheEnv, "off") // the answer is checked again (opens 2 and 3)
		fresh := filepath.Join(t.TempDir(), "board")
		copyDir(t, b.Dir, fresh)
		b2, err := OpenBoard(fresh)
		if err != nil {
			t.Fatal(err)
		}
		orig, _ := os.ReadFile(answers[0])
		forged := bytes.Clone(orig)
		forged[len(orig)/2] ^= 1
		// Opens: 1 the board's first pass, 2-3 the answer's check,
		// 4 the copy into the board: from then on the file reads otherwise.
		src := &changingSource{path: answers[0], other: forged, from: 4}
		e, err := ceremony.OpenMessage(src, int64(len(orig)))
		if err != nil {
			t.Fatal(err)
		}
		_, addErr := b2.AddMessage(e)
		copied, readErr := os.ReadFile(filepath.Join(fresh, fileName(e)))
		valid, invalid := b2.State.AnswerStatus(req.ID())
		switch {
		case addErr == nil && !bytes.Equal(copied, orig):
			t.Fatalf("the answer was taken in, but the folder holds %d other bytes (%v)", len(copied), readErr)
		case addErr != nil && readErr == nil:
			t.Fatalf("refused (%v), but written into the folder", addErr)
		case addErr != nil && len(valid)+len(invalid) != 0:
			t.Fatalf("refused (%v), but the board holds it: valid %v, invalid %v", addErr, valid, invalid)
		}
		// Brought in again, unchanged: it is written into the folder.
		if _, err := b2.AddFile(answers[0]); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(filepath.Join(fresh, fileName(e))); !bytes.Equal(got, orig) {
			t.Fatal("brought in again, the answer is not in the folder")
		}
		entries, _ := os.ReadDir(fresh)
		for _, en := range entries {
			if strings.Contains(en.Name(), ".part-") {
				t.Fatalf("left behind: %s", en.Name())
			}
		}
	})
}

// copyDir copies the files of a board folder (not its subfolders).
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(to, handoutDir), 0o755); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if en.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, en.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// A board file that cannot be read while the record is exported (here
// replaced by a link; a file read in chunks that changes is the same) was
// silently left out of the copy, which then counted one message fewer
// than the record: the export stops instead.
func TestExportRecordStopsOnUnreadableFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the unreadable file is a symbolic link, which Wine shows Windows programs as the file it points to")
	}
	dir := t.TempDir()
	b, _, _ := smallCeremonyKey(t, dir)
	entries, _ := os.ReadDir(b.Dir)
	var victim string
	for _, en := range entries {
		if strings.HasPrefix(en.Name(), "deal-") {
			victim = filepath.Join(b.Dir, en.Name())
			break
		}
	}
	if victim == "" {
		t.Fatal("no deal on the board")
	}
	elsewhere := filepath.Join(dir, "deal.cbor")
	if err := os.Rename(victim, elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, victim); err != nil {
		t.Fatal(err)
	}
	n, err := b.ExportRecord(filepath.Join(dir, "usb", "record"))
	if err == nil {
		t.Fatalf("exported %d files without %s", n, filepath.Base(victim))
	}
}

// WriteJSON writes what encoding/json wrote of the result with its
// choices held in a slice (format conclave-result/v1 as it was), byte for
// byte: choices or none, skipped answers or none.
func TestTallyResultWriteJSON(t *testing.T) {
	type held struct {
		Format              string    `json:"format"`
		Ceremony            string    `json:"ceremony"`
		CeremonyFingerprint string    `json:"ceremony_fingerprint"`
		Title               string    `json:"title"`
		Request             string    `json:"request"`
		RequestFingerprint  string    `json:"request_fingerprint"`
		Label               string    `json:"label"`
		Kind                string    `json:"kind"`
		Options             uint64    `json:"options"`
		Counts              []uint64  `json:"counts"`
		Choices             []uint64  `json:"choices,omitempty"`
		MembersUsed         []uint64  `json:"members_used"`
		Skipped             []Skipped `json:"skipped"`
	}
	for _, h := range []held{
		{Format: FormatResult, Label: "count", Kind: ceremony.RequestTally, Options: 2, Counts: []uint64{3, 4}, MembersUsed: []uint64{1, 2}, Skipped: []Skipped{}},
		{Format: FormatResult, Title: "Élection", Label: "\"ballots\"\n<é>", Kind: ceremony.RequestBallots, Options: 3, Counts: []uint64{1, 0, 2},
			Choices: []uint64{1, 3, 3}, MembersUsed: []uint64{2, 5}, Skipped: []Skipped{{Member: 4, Name: "Dmitri", Reason: "its proof does not verify"}}},
		{Format: FormatResult, Kind: ceremony.RequestBallots, Options: 1, Counts: []uint64{1}, Choices: []uint64{1}, MembersUsed: []uint64{1}},
	} {
		tr := &TallyResult{Format: h.Format, Ceremony: h.Ceremony, CeremonyFingerprint: h.CeremonyFingerprint, Title: h.Title,
			Request: h.Request, RequestFingerprint: h.RequestFingerprint, Label: h.Label, Kind: h.Kind, Options: h.Options,
			Counts: h.Counts, MembersUsed: h.MembersUsed, Skipped: h.Skipped}
		if h.Choices != nil {
			tr.Choices = slices.Values(h.Choices)
		}
		want, _ := json.MarshalIndent(&h, "", "  ")
		want = append(want, '\n')
		var b bytes.Buffer
		if err := tr.WriteJSON(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), want) || !bytes.Equal(tr.JSON(), want) {
			t.Fatalf("WriteJSON:\n%s\nencoding/json:\n%s", b.Bytes(), want)
		}
	}
}
