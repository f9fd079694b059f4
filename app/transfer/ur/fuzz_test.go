package ur

import (
	"bytes"
	"strings"
	"testing"
)

// FuzzBytewords: decoding never panics; what decodes re-encodes to the same
// text (ignoring case), so there is exactly one spelling of each body.
func FuzzBytewords(f *testing.F) {
	f.Add("aeadaolazmjendeoti", uint8(2))
	f.Add("able acid also lava zoom jade need echo taxi", uint8(0))
	f.Add("able-acid-also-lava-zoom-jade-need-echo-taxi", uint8(1))
	f.Add("TAADDWOEADGDSTASLPLABGHYDRPFMKBGGUFGLUDPRFGMAOTPIECFFLTNTDDWGMRP", uint8(2))
	f.Fuzz(func(t *testing.T, s string, st uint8) {
		style := Style(st % 3)
		body, err := BytewordsDecode(style, s)
		if err != nil {
			return
		}
		if got := BytewordsEncode(style, body); got != strings.ToLower(s) {
			t.Fatalf("%q decoded to %x, which encodes to %q", s, body, got)
		}
	})
}

// FuzzPartCBOR: the multipart CBOR parser never panics and accepts only the
// canonical encoding (what it accepts re-encodes byte for byte).
func FuzzPartCBOR(f *testing.F) {
	f.Add([]byte{0x85, 0x01, 0x09, 0x19, 0x01, 0x00, 0x1a, 0x01, 0x67, 0xaa, 0x07, 0x58, 0x1d,
		0x91, 0x6e, 0xc6, 0x5c, 0xf7, 0x7c, 0xad, 0xf5, 0x5c, 0xd7, 0xf9, 0xcd, 0xa1, 0xa1, 0x03, 0x00,
		0x26, 0xdd, 0xd4, 0x2e, 0x90, 0x5b, 0x77, 0xad, 0xc3, 0x6e, 0x4f, 0x2d, 0x3c})
	f.Add((&part{seqNum: 12, seqLen: 8, messageLen: 100, checksum: 0x12345678, fragment: []byte{1, 5, 3, 3, 5, 1, 2, 3, 4, 5, 6, 7, 8}}).cbor())
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePartCBOR(b)
		if err != nil {
			return
		}
		if !bytes.Equal(p.cbor(), b) {
			t.Fatalf("%x parsed but re-encodes to %x", b, p.cbor())
		}
	})
}

// FuzzReceive: any text, fed to a decoder that may already hold a part, is
// either accepted or refused with an error that starts "ur: "; a refused
// text never changes the decoder's progress.
func FuzzReceive(f *testing.F) {
	e := NewEncoder(Type, randMessage(9, 400), 50)
	for i := 0; i < 12; i++ {
		f.Add(e.NextPart(), true)
	}
	f.Add(EncodeSingle(Type, []byte("hello")), false)
	f.Add("ur:conclave/1-2/lpadaobbcyrhdpdwlggeaebycpeofygoiyktlonlglwncpen", false)
	f.Add("UR:BYTES/HDEYMEJTSWHHYLKEPMYKHHTSYTSNOYOYAXAEDSUTTYDMMHHPKTPMSRJTGWDPFNSBOXGWLBAAWZUEFYWKDPLRSRJYNBVYGABWJLDAPFCSDWKBRKCH", true)
	first := NewEncoder(Type, randMessage(9, 400), 50).NextPart()
	f.Fuzz(func(t *testing.T, s string, primed bool) {
		d := NewDecoder()
		if primed {
			if err := d.Receive(first); err != nil {
				t.Fatal(err)
			}
		}
		h0, n0 := d.Progress()
		err := d.Receive(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ur: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			if h, n := d.Progress(); h != h0 || n != n0 {
				t.Fatal("refused part changed progress")
			}
			return
		}
		_, _, _ = d.Result()
		_ = d.Missing()
	})
}
