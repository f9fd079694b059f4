package ur

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func loadJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func makeMessage(n int, seed string) []byte { return newXoshiro([]byte(seed)).nextData(n) }

// cborBytes wraps b as a CBOR byte string, as bc-ur's make_message_ur does.
func cborBytes(b []byte) []byte { return append(appendCBORHead(nil, 2, uint64(len(b))), b...) }

func TestBytewordsSpecVectors(t *testing.T) {
	var f struct {
		Vectors []struct {
			Name, Hex, CRC32, Standard, URI, Minimal string
		}
		Invalid []struct{ Style, Text, Why string }
	}
	loadJSON(t, "testdata/vectors/bytewords-bcr-2020-012.json", &f)
	if len(f.Vectors) == 0 {
		t.Fatal("no vectors")
	}
	styles := map[string]Style{"standard": Standard, "uri": URI, "minimal": Minimal}
	for _, v := range f.Vectors {
		data, err := hex.DecodeString(v.Hex)
		if err != nil {
			t.Fatal(err)
		}
		if v.CRC32 != "" && fmt.Sprintf("%08x", crc32IEEE(data)) != v.CRC32 {
			t.Errorf("%s: crc32 %08x, want %s", v.Name, crc32IEEE(data), v.CRC32)
		}
		for style, want := range map[Style]string{Standard: v.Standard, URI: v.URI, Minimal: v.Minimal} {
			if want == "" {
				continue
			}
			if got := BytewordsEncode(style, data); got != want {
				t.Errorf("%s style %d: encode\n got %s\nwant %s", v.Name, style, got, want)
			}
			for _, in := range []string{want, strings.ToUpper(want)} {
				got, err := BytewordsDecode(style, in)
				if err != nil || !reflect.DeepEqual(got, data) {
					t.Errorf("%s style %d: decode %q: %x, %v", v.Name, style, in, got, err)
				}
			}
		}
	}
	for _, v := range f.Invalid {
		if _, err := BytewordsDecode(styles[v.Style], v.Text); err == nil {
			t.Errorf("decode %q (%s) succeeded", v.Text, v.Why)
		}
	}
}

type wolfVectors struct {
	CRC32         []struct{ Input, CRC32 string }
	Mod100Wolf    []uint64 `json:"rng_next_mod_100_seed_Wolf"`
	Mod100CRC     []uint64 `json:"rng_next_mod_100_seed_crc32_Wolf"`
	NextInt110    []int    `json:"rng_next_int_1_10_seed_Wolf"`
	NominalLength []struct {
		MessageLen  int `json:"message_len"`
		Min, Max    int
		FragmentLen int `json:"fragment_len"`
	} `json:"find_nominal_fragment_length"`
	RandomSampler struct {
		Probs   []float64
		Seed    string
		Samples []int
	} `json:"random_sampler"`
	Shuffle struct {
		Seed    string
		Values  []int
		Results [][]int
	}
	Partition struct {
		MessageLen int `json:"message_len"`
		Seed       string
		Min, Max   int
		Fragments  []string
	}
	ChooseDegree struct {
		Degrees []int
	} `json:"choose_degree"`
	ChooseFragments struct {
		SortedIndexes [][]int `json:"sorted_indexes"`
	} `json:"choose_fragments"`
	XOR struct {
		Seed, Data1, Data2, XOR string
	}
	FountainEncoder struct {
		MessageLen     int `json:"message_len"`
		MaxFragmentLen int `json:"max_fragment_len"`
		Parts, CBOR    []string
	} `json:"fountain_encoder"`
	SinglePartUR struct {
		MessageLen int `json:"message_len"`
		UR         string
	} `json:"single_part_ur"`
	UREncoder struct {
		MessageLen     int `json:"message_len"`
		MaxFragmentLen int `json:"max_fragment_len"`
		Parts          []string
	} `json:"ur_encoder"`
	MultipartUR struct {
		MessageLen     int    `json:"message_len"`
		MaxFragmentLen int    `json:"max_fragment_len"`
		FirstSeqNum    uint32 `json:"first_seq_num"`
	} `json:"multipart_ur"`
}

func loadWolf(t *testing.T) *wolfVectors {
	var v wolfVectors
	loadJSON(t, "testdata/vectors/bc-ur-wolf.json", &v)
	return &v
}

func TestWolfRNG(t *testing.T) {
	v := loadWolf(t)
	for _, c := range v.CRC32 {
		if got := fmt.Sprintf("%08x", crc32IEEE([]byte(c.Input))); got != c.CRC32 {
			t.Errorf("crc32(%q) = %s, want %s", c.Input, got, c.CRC32)
		}
	}
	rng := newXoshiro([]byte("Wolf"))
	for i, want := range v.Mod100Wolf {
		if got := rng.next() % 100; got != want {
			t.Fatalf("rng1[%d] = %d, want %d", i, got, want)
		}
	}
	var seed [4]byte
	sum := crc32IEEE([]byte("Wolf"))
	seed[0], seed[1], seed[2], seed[3] = byte(sum>>24), byte(sum>>16), byte(sum>>8), byte(sum)
	rng = newXoshiro(seed[:])
	for i, want := range v.Mod100CRC {
		if got := rng.next() % 100; got != want {
			t.Fatalf("rng2[%d] = %d, want %d", i, got, want)
		}
	}
	rng = newXoshiro([]byte("Wolf"))
	for i, want := range v.NextInt110 {
		if got := rng.nextInt(1, 10); got != want {
			t.Fatalf("rng3[%d] = %d, want %d", i, got, want)
		}
	}
	rng = newXoshiro([]byte(v.XOR.Seed))
	d1, d2 := rng.nextData(10), rng.nextData(10)
	d3 := append([]byte(nil), d1...)
	xorInto(d3, d2)
	if hex.EncodeToString(d1) != v.XOR.Data1 || hex.EncodeToString(d2) != v.XOR.Data2 || hex.EncodeToString(d3) != v.XOR.XOR {
		t.Errorf("xor vectors: %x %x %x", d1, d2, d3)
	}
}

func TestWolfSamplerShuffleDegree(t *testing.T) {
	v := loadWolf(t)
	s := newAliasSampler(v.RandomSampler.Probs)
	rng := newXoshiro([]byte(v.RandomSampler.Seed))
	for i, want := range v.RandomSampler.Samples {
		if got := s.next(rng); got != want {
			t.Fatalf("sample %d = %d, want %d", i, got, want)
		}
	}
	rng = newXoshiro([]byte(v.Shuffle.Seed))
	for i, want := range v.Shuffle.Results {
		// Full shuffle as the reference does it.
		remaining := append([]int(nil), v.Shuffle.Values...)
		var got []int
		for len(remaining) > 0 {
			k := rng.nextInt(0, len(remaining)-1)
			got = append(got, remaining[k])
			remaining = append(remaining[:k], remaining[k+1:]...)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffle %d = %v, want %v", i, got, want)
		}
	}
	for _, c := range v.NominalLength {
		if got := nominalFragmentLen(c.MessageLen, c.Min, c.Max); got != c.FragmentLen {
			t.Errorf("nominal(%d,%d,%d) = %d, want %d", c.MessageLen, c.Min, c.Max, got, c.FragmentLen)
		}
	}
	msg := makeMessage(v.Partition.MessageLen, v.Partition.Seed)
	fl := nominalFragmentLen(len(msg), v.Partition.Min, v.Partition.Max)
	frags := partitionMessage(msg, fl)
	var hexes []string
	for _, f := range frags {
		hexes = append(hexes, hex.EncodeToString(f))
	}
	if !reflect.DeepEqual(hexes, v.Partition.Fragments) {
		t.Errorf("partition:\n got %v\nwant %v", hexes, v.Partition.Fragments)
	}
	ds := degreeSampler(len(frags))
	for nonce, want := range v.ChooseDegree.Degrees {
		rng := newXoshiro([]byte(fmt.Sprintf("Wolf-%d", nonce+1)))
		if got := ds.next(rng) + 1; got != want {
			t.Fatalf("degree %d = %d, want %d", nonce+1, got, want)
		}
	}
	ch := chooser{seqLen: len(frags), checksum: crc32IEEE(msg)}
	for i, want := range v.ChooseFragments.SortedIndexes {
		got := ch.fragments(uint32(i + 1))
		sort.Ints(got)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("fragments of part %d = %v, want %v", i+1, got, want)
		}
	}
}

func TestWolfFountainEncoder(t *testing.T) {
	v := loadWolf(t)
	c := v.FountainEncoder
	enc := newFountainEncoder(makeMessage(c.MessageLen, "Wolf"), c.MaxFragmentLen, 0)
	for i := range c.Parts {
		p := enc.nextPart()
		desc := fmt.Sprintf("seqNum:%d, seqLen:%d, messageLen:%d, checksum:%d, data:%x", p.seqNum, p.seqLen, p.messageLen, p.checksum, p.fragment)
		if desc != c.Parts[i] {
			t.Errorf("part %d:\n got %s\nwant %s", i+1, desc, c.Parts[i])
		}
		if got := hex.EncodeToString(p.cbor()); got != c.CBOR[i] {
			t.Errorf("part %d cbor:\n got %s\nwant %s", i+1, got, c.CBOR[i])
		}
		back, err := parsePartCBOR(p.cbor())
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Errorf("part %d: cbor round trip: %+v, %v", i+1, back, err)
		}
	}
}

func TestWolfUR(t *testing.T) {
	v := loadWolf(t)
	single := cborBytes(makeMessage(v.SinglePartUR.MessageLen, "Wolf"))
	if got := EncodeSingle("bytes", single); got != strings.ToUpper(v.SinglePartUR.UR) {
		t.Errorf("single part:\n got %s\nwant %s", got, v.SinglePartUR.UR)
	}
	typ, msg, err := Decode(v.SinglePartUR.UR)
	if err != nil || typ != "bytes" || !reflect.DeepEqual(msg, single) {
		t.Errorf("decode single: %s %x %v", typ, msg, err)
	}

	c := v.UREncoder
	enc := NewEncoder("bytes", cborBytes(makeMessage(c.MessageLen, "Wolf")), c.MaxFragmentLen)
	for i, want := range c.Parts {
		if got := enc.NextPart(); got != strings.ToUpper(want) {
			t.Errorf("ur part %d:\n got %s\nwant %s", i+1, got, strings.ToUpper(want))
		}
	}
	// Our decoder reads the reference's lower-case parts, in order.
	dec := NewDecoder()
	for _, p := range c.Parts {
		if err := dec.Receive(p); err != nil {
			t.Fatal(err)
		}
		if dec.Done() {
			break
		}
	}
	if _, got, err := dec.Result(); err != nil || !reflect.DeepEqual(got, cborBytes(makeMessage(c.MessageLen, "Wolf"))) {
		t.Errorf("decode ur parts: %v", err)
	}

	m := v.MultipartUR
	message := cborBytes(makeMessage(m.MessageLen, "Wolf"))
	e := &Encoder{urType: "bytes", message: message, fe: newFountainEncoder(message, m.MaxFragmentLen, m.FirstSeqNum)}
	dec = NewDecoder()
	for n := 0; !dec.Done(); n++ {
		if n > 10*e.SeqLen() {
			t.Fatal("multipart did not complete")
		}
		if err := dec.Receive(e.NextPart()); err != nil {
			t.Fatal(err)
		}
	}
	if _, got, err := dec.Result(); err != nil || !reflect.DeepEqual(got, message) {
		t.Errorf("multipart from seq 100: %v", err)
	}
}
