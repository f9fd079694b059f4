package transfer

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"conclave/app/transfer/ur"
)

func TestParseMounts(t *testing.T) {
	m := parseMounts("/dev/sdb1 /media/alice/MY\\040STICK vfat rw,nosuid 0 0\nproc /proc proc rw 0 0\n\nbad\n")
	if len(m) != 2 || m[0].mountPoint != "/media/alice/MY STICK" || m[0].fsType != "vfat" || m[0].options[0] != "rw" {
		t.Fatalf("%+v", m)
	}
	if unescapeMount(`a\134b\0`) != `a\b\0` {
		t.Fatal(unescapeMount(`a\134b\0`))
	}
}

func mkfile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestExport(t *testing.T) {
	dir := t.TempDir()
	p, err := Export(dir, "deal-3.conclave", []byte("one"))
	if err != nil || p != filepath.Join(dir, "deal-3.conclave") {
		t.Fatal(p, err)
	}
	if _, err := ExportPieces(dir, "pieces.cbor", []byte("th"), nil, []byte("r"), []byte("ee")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "pieces.cbor")); string(b) != "three" {
		t.Fatalf("pieces written as %q", b)
	}
	os.Remove(filepath.Join(dir, "pieces.cbor"))
	if _, err := Export(dir, "deal-3.conclave", []byte("two")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "two" {
		t.Fatal(string(b))
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("temporary files left: %v", ents)
	}
	for _, bad := range []string{"", ".", "..", "a/b", `a\b`, "a:b", "a?", "x.", "tab\tname"} {
		if _, err := Export(dir, bad, nil); err == nil || !strings.HasPrefix(err.Error(), "transfer: ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := Export(filepath.Join(dir, "missing"), "x", nil); err == nil {
		t.Error("missing folder accepted")
	}
	if _, err := Export(p, "x", nil); err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Error(err)
	}
}

// classify accepts "CONCLAVE:" messages.
func classify(data []byte) (string, error) {
	if !bytes.HasPrefix(data, []byte("CONCLAVE:")) {
		return "", errors.New("it does not start with the Conclave header")
	}
	return fmt.Sprintf("message of %d bytes", len(data)), nil
}

func randMsg(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 9))
	b := []byte("CONCLAVE:")
	for len(b) < n {
		b = append(b, byte(r.Uint32()))
	}
	return b
}

func urLines(msg []byte, maxFrag, n int) []string {
	e := ur.NewEncoder(ur.Type, msg, maxFrag)
	out := make([]string, n)
	for i := range out {
		out[i] = e.NextPart()
	}
	return out
}

func findProblem(ps []Problem, path, reason string) bool {
	for _, p := range ps {
		if p.Path == path && strings.Contains(p.Reason, reason) {
			return true
		}
	}
	return false
}

func TestImport(t *testing.T) {
	dir := t.TempDir()
	good := randMsg(1, 500)
	mkfile(t, filepath.Join(dir, "a/good.bin"), string(good))
	mkfile(t, filepath.Join(dir, "a/copy-of-good.txt"), string(good)) // same message, misleading name
	mkfile(t, filepath.Join(dir, "a/photo.jpg"), "\xff\xd8\xff\xe0 not ours")
	mkfile(t, filepath.Join(dir, "a/empty.conclave"), "")
	mkfile(t, filepath.Join(dir, "a/.hidden"), "junk")
	mkfile(t, filepath.Join(dir, "a/.Trashes/x"), "junk")
	mkfile(t, filepath.Join(dir, "b/big.bin"), "CONCLAVE:"+strings.Repeat("x", 30000))

	// A text file of UR parts: shuffled, one corrupted line, one line from
	// another message, a blank line, CRLF endings, lower case.
	viaText := randMsg(2, 3000)
	lines := urLines(viaText, 100, 60)
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	lines = lines[:50]
	corrupt := []byte(lines[5])
	corrupt[len(corrupt)-8] ^= 1
	lines[5] = string(corrupt)
	other := urLines(randMsg(4, 900), 100, 1)[0]
	text := strings.Join(lines[:10], "\r\n") + "\r\n\r\n" + other + "\r\n" + strings.ToLower(strings.Join(lines[10:], "\n"))
	mkfile(t, filepath.Join(dir, "scan/session.txt"), "\ufeff"+text)

	// A message whose parts are spread over two files.
	split := randMsg(5, 1500)
	sl := urLines(split, 100, 20)
	mkfile(t, filepath.Join(dir, "scan/part1.txt"), strings.Join(sl[:8], "\n"))
	mkfile(t, filepath.Join(dir, "scan/part2.txt"), strings.Join(sl[8:], "\n"))

	// A UR of a non-Conclave message, and a single-part UR of a foreign type.
	mkfile(t, filepath.Join(dir, "scan/foreign.txt"), ur.EncodeSingle(ur.Type, []byte("hello")))
	mkfile(t, filepath.Join(dir, "scan/bytes.txt"), ur.EncodeSingle("bytes", []byte("CONCLAVE:x")))

	// Symlink loop.
	os.Symlink(dir, filepath.Join(dir, "a/loop"))

	im := &Importer{Classify: classify, MaxFileSize: 20000}
	items, problems := im.Import(filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "scan"), filepath.Join(dir, "nope"))
	for _, it := range items {
		t.Logf("item %s (%v): %s, text=%v", it.Path, it.Sources, it.Description, it.FromText)
	}
	for _, p := range problems {
		t.Logf("problem %s", p)
	}
	if len(items) != 3 {
		t.Fatalf("%d items", len(items))
	}
	byData := func(b []byte) *Item {
		for i := range items {
			if bytes.Equal(items[i].Data, b) {
				return &items[i]
			}
		}
		return nil
	}
	if it := byData(good); it == nil || len(it.Sources) != 2 || it.FromText {
		t.Errorf("binary message: %+v", it)
	}
	if it := byData(viaText); it == nil || !it.FromText || it.Description != "message of 3000 bytes" {
		t.Error("UR text message not rebuilt")
	}
	if it := byData(split); it == nil || len(it.Sources) != 2 {
		t.Error("split UR text message not rebuilt")
	}
	for _, want := range [][2]string{
		{filepath.Join(dir, "a/photo.jpg"), "is not a Conclave file"},
		{filepath.Join(dir, "a/empty.conclave"), "is empty"},
		{filepath.Join(dir, "b/big.bin"), "larger than 20000 bytes"},
		{filepath.Join(dir, "scan/session.txt") + " line 6", "this code is damaged"},
		{filepath.Join(dir, "scan/session.txt"), "the message is incomplete: 1 of 9 parts recovered, missing parts 2, 3"},
		{filepath.Join(dir, "scan/foreign.txt"), "not a Conclave message"},
		{filepath.Join(dir, "scan/bytes.txt"), `type "bytes"`},
		{filepath.Join(dir, "nope"), "cannot be read"},
	} {
		if !findProblem(problems, want[0], want[1]) {
			t.Errorf("no problem %q for %s", want[1], want[0])
		}
	}
	if len(problems) != 8 {
		t.Errorf("%d problems", len(problems))
	}
}

func TestImportNoClassifier(t *testing.T) {
	dir := t.TempDir()
	mkfile(t, filepath.Join(dir, "x"), "data")
	items, problems := (&Importer{}).Import(dir)
	if len(items) != 0 || len(problems) != 1 || !strings.Contains(problems[0].Reason, "no classifier") {
		t.Fatal(items, problems)
	}
	// A panicking classifier is one problem, not a crash.
	items, problems = Import(func([]byte) (string, error) { panic("boom") }, dir)
	if len(items) != 0 || len(problems) != 1 || !strings.Contains(problems[0].Reason, "boom") {
		t.Fatal(items, problems)
	}
}
