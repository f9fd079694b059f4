package ur

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The reference @ngraveio/bc-ur is installed by
//
//	npm ci --prefix app/transfer/ur/testdata/js
const jsDir = "testdata/js"

func needNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	needTool(t, err == nil, "node")
	_, err = os.Stat(filepath.Join(jsDir, "node_modules", "@ngraveio", "bc-ur", "package.json"))
	needTool(t, err == nil, "@ngraveio/bc-ur in "+jsDir+"/node_modules (run: npm ci --prefix app/transfer/ur/testdata/js)")
	return node
}

func runNode(t *testing.T, node, script string, stdin []byte) []byte {
	t.Helper()
	cmd := exec.Command(node, script)
	cmd.Dir = jsDir
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	return out
}

func jsEncode(t *testing.T, node, urType string, msg []byte, maxFrag, count int) []string {
	t.Helper()
	in, _ := json.Marshal(map[string]any{"type": urType, "hex": hex.EncodeToString(msg), "maxFragmentLength": maxFrag, "count": count})
	out := strings.TrimSpace(string(runNode(t, node, "encode.js", in)))
	return strings.Split(out, "\n")
}

type jsResult struct {
	Complete, Success bool
	PartsRead         int
	Error, Type, Hex  string
}

func jsDecode(t *testing.T, node string, parts []string) jsResult {
	t.Helper()
	var r jsResult
	out := runNode(t, node, "decode.js", []byte(strings.Join(parts, "\n")+"\n"))
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("decode.js output %q: %v", out, err)
	}
	return r
}

func randMessage(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x636f6e636c617665))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// lossy keeps, of parts 1..seqLen, all but every third one; of the fountain
// parts after them, a random 80%; and shuffles what is kept.
func lossy(parts []string, seqLen int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	var kept []string
	for i, p := range parts {
		if i < seqLen && i%3 == 1 {
			continue
		}
		if i >= seqLen && r.IntN(5) == 0 {
			continue
		}
		kept = append(kept, p)
	}
	r.Shuffle(len(kept), func(i, j int) { kept[i], kept[j] = kept[j], kept[i] })
	return kept
}

// Our encoder and the reference produce the same parts, fountain parts
// included (same fragment choice, same mixing, same CBOR, same bytewords).
func TestInteropSameParts(t *testing.T) {
	node := needNode(t)
	cases := []struct{ size, maxFrag int }{
		{1, 10}, {9, 10}, {10, 10}, {11, 10}, {256, 30}, {299, 300}, {300, 300}, {301, 300},
		{1000, 100}, {5000, 250}, {20000, 300},
	}
	for i, c := range cases {
		msg := randMessage(uint64(i+1), c.size)
		enc := NewEncoder(Type, msg, c.maxFrag)
		count := 3*enc.SeqLen() + 20
		theirs := jsEncode(t, node, Type, msg, c.maxFrag, count)
		if len(theirs) != count {
			t.Fatalf("size %d: reference gave %d parts, want %d", c.size, len(theirs), count)
		}
		for k := 0; k < count; k++ {
			ours := enc.NextPart()
			if ours != strings.ToUpper(theirs[k]) {
				t.Fatalf("size %d max %d part %d differs:\n ours %s\ntheirs %s", c.size, c.maxFrag, k+1, ours, theirs[k])
			}
		}
	}
}

// The reference decoder reassembles our parts, needing fountain parts
// because some of the first seqLen parts are dropped.
func TestInteropTheyDecodeOurs(t *testing.T) {
	node := needNode(t)
	for i, c := range []struct{ size, maxFrag int }{{120, 300}, {3000, 100}, {50 * 1024, 300}} {
		msg := randMessage(uint64(100+i), c.size)
		enc := NewEncoder(Type, msg, c.maxFrag)
		var parts []string
		for k := 0; k < 4*enc.SeqLen()+20; k++ {
			parts = append(parts, enc.NextPart())
		}
		sent := parts
		if enc.SeqLen() > 1 {
			sent = lossy(parts, enc.SeqLen(), uint64(i))
		}
		r := jsDecode(t, node, sent)
		if !r.Success || r.Type != Type || r.Hex != hex.EncodeToString(msg) {
			t.Fatalf("size %d: reference decoder: complete=%v success=%v type=%q error=%q after %d parts", c.size, r.Complete, r.Success, r.Type, r.Error, r.PartsRead)
		}
		t.Logf("size %d: seqLen %d, reference decoder done after %d of %d lossy parts", c.size, enc.SeqLen(), r.PartsRead, len(sent))
	}
}

// Our decoder reassembles the reference's parts, lower case as it writes them.
func TestInteropWeDecodeTheirs(t *testing.T) {
	node := needNode(t)
	for i, c := range []struct{ size, maxFrag int }{{120, 300}, {3000, 100}, {50 * 1024, 300}} {
		msg := randMessage(uint64(200+i), c.size)
		seqLen := len(partitionMessage(msg, nominalFragmentLen(len(msg), minFragmentLen, c.maxFrag)))
		parts := jsEncode(t, node, Type, msg, c.maxFrag, 4*seqLen+20)
		sent := parts
		if seqLen > 1 {
			sent = lossy(parts, seqLen, uint64(i))
		}
		dec := NewDecoder()
		n := 0
		for _, p := range sent {
			if err := dec.Receive(p); err != nil {
				t.Fatalf("size %d: part %q: %v", c.size, p, err)
			}
			n++
			if dec.Done() {
				break
			}
		}
		typ, got, err := dec.Result()
		if err != nil || typ != Type || !bytes.Equal(got, msg) {
			t.Fatalf("size %d: %v", c.size, err)
		}
		t.Logf("size %d: seqLen %d, done after %d of %d lossy parts", c.size, seqLen, n, len(sent))
	}
}

// Bytewords and single-part texts of the spec vectors as the reference
// writes them.
func TestInteropSinglePart(t *testing.T) {
	node := needNode(t)
	for _, n := range []int{1, 17, 299} {
		msg := randMessage(uint64(n), n)
		theirs := jsEncode(t, node, "bytes", msg, 1000, 1)[0]
		if ours := EncodeSingle("bytes", msg); ours != strings.ToUpper(theirs) {
			t.Fatalf("single part %d bytes:\n ours %s\ntheirs %s", n, ours, theirs)
		}
		r := jsDecode(t, node, []string{EncodeSingle("bytes", msg)})
		if !r.Success || r.Hex != hex.EncodeToString(msg) {
			t.Fatalf("reference could not decode our single part: %+v", r)
		}
	}
}
