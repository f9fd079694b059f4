package qrcli

import (
	"bytes"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func randFile(t *testing.T, dir string, seed uint64, n int) (string, []byte) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	p := filepath.Join(dir, "msg.bin")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestSplitArgs(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.String("out", "", "")
	fs.Bool("force", false, "")
	flags, pos := splitArgs(fs, []string{"a", "--out", "f", "b", "--force", "-out=g", "--", "--out"})
	if !reflect.DeepEqual(flags, []string{"--out", "f", "--force", "-out=g"}) || !reflect.DeepEqual(pos, []string{"a", "b", "--out"}) {
		t.Fatal(flags, pos)
	}
}

func TestEncodeDecode(t *testing.T) {
	dir := t.TempDir()
	in, msg := randFile(t, dir, 1, 5000)
	frames := filepath.Join(dir, "frames")
	var out, errb bytes.Buffer
	// Flags after the positional argument.
	if err := Encode([]string{in, "--out-dir", frames, "--bytes-per-frame", "200", "--level", "m", "--module-px", "3"}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	t.Log(out.String())
	pngs, _ := filepath.Glob(filepath.Join(frames, "frame-*.png"))
	if len(pngs) != 38 { // 25 parts + 50%
		t.Fatalf("%d frames", len(pngs))
	}
	txt, _ := os.ReadFile(filepath.Join(frames, "frames.txt"))
	if n := strings.Count(string(txt), "\n"); n != 38 || !strings.HasPrefix(string(txt), "UR:CONCLAVE/1-25/") {
		t.Fatalf("frames.txt: %d lines", n)
	}
	// Encoding into the same folder again is refused.
	if err := Encode([]string{in, "--out-dir", frames}, &out, &errb); err == nil || !strings.Contains(err.Error(), "already holds frames") {
		t.Fatal(err)
	}

	// Drop every fourth frame; the fountain parts make up for it.
	for i, p := range pngs {
		if i%4 == 1 {
			os.Remove(p)
		}
	}
	// Add a frame of another message: refused, the rest still works.
	in2, _ := randFile(t, t.TempDir(), 2, 3000)
	other := filepath.Join(dir, "other")
	if err := Encode([]string{"--out-dir", other, in2, "--parts", "2"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	os.Rename(filepath.Join(other, "frame-0001.png"), filepath.Join(frames, "frame-0000.png"))

	res := filepath.Join(dir, "out.bin")
	out.Reset()
	errb.Reset()
	if err := Decode([]string{frames, "--out", res}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	if !strings.Contains(errb.String(), "mix parts of 2 different messages") {
		t.Fatalf("stderr: %s", errb.String())
	}
	got, _ := os.ReadFile(res)
	if !bytes.Equal(got, msg) {
		t.Fatal("decoded message differs")
	}
	// The output exists now: refused without --force.
	if err := Decode([]string{frames, "--out", res}, &out, &errb); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatal(err)
	}
	// From the text file, with --force.
	if err := Decode([]string{"--force", filepath.Join(frames, "frames.txt"), "--out", res}, &out, &errb); err != nil {
		t.Fatal(err)
	}

	// A corrupted text line is refused on its own; the others still count.
	lines := strings.Split(strings.TrimSpace(string(txt)), "\n")
	bad := []byte(lines[3])
	bad[len(bad)-5] ^= 0x01
	lines[3] = string(bad)
	corrupt := filepath.Join(dir, "corrupt.txt")
	os.WriteFile(corrupt, []byte(strings.Join(lines, "\n")), 0o644)
	errb.Reset()
	if err := Decode([]string{corrupt, "--out", res, "--force"}, &out, &errb); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errb.String(), "corrupt.txt line 4: refused: ur: this code is damaged") {
		t.Fatalf("stderr: %s", errb.String())
	}

	// Too few frames: a clear refusal naming what is missing.
	few := filepath.Join(dir, "few")
	os.Mkdir(few, 0o755)
	for _, p := range pngs[:5] {
		b, err := os.ReadFile(p)
		if err == nil {
			os.WriteFile(filepath.Join(few, filepath.Base(p)), b, 0o644)
		}
	}
	err := Decode([]string{few, "--out", filepath.Join(dir, "few.bin")}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "qr decode: ur: the message is incomplete: 4 of 25 parts recovered, missing parts") {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "few.bin")); err == nil {
		t.Fatal("partial output written")
	}
}

func TestUsageErrors(t *testing.T) {
	var out, errb bytes.Buffer
	for _, args := range [][]string{{}, {"x"}, {"x", "--out-dir"}, {"a", "b", "--out-dir", "d"}, {"x", "--out-dir", "d", "--level", "Z"}, {"--nope"}} {
		if err := Encode(args, &out, &errb); err == nil {
			t.Errorf("encode %q accepted", args)
		}
	}
	for _, args := range [][]string{{}, {"x"}, {"--out", "f"}, {"missing-dir", "--out", "f"}} {
		if err := Decode(args, &out, &errb); err == nil {
			t.Errorf("decode %q accepted", args)
		}
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	if err := Encode([]string{empty, "--out-dir", filepath.Join(dir, "o")}, &out, &errb); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Error(err)
	}
}
