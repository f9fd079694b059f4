// Package memscan searches the process's own memory for secrets, for the
// tests that check that no plaintext copy of a share, a seed or a
// passphrase outlives the operation that needed it (docs/threat-model.md,
// "Secrets in memory"). It reads /proc/self/maps and /proc/self/mem (Linux).
//
// The scanner holds each secret only masked (XOR with a constant) and
// compares byte by byte, unmasking in registers, so its own copy never
// matches; hits inside its read buffer (a copy of memory being scanned) are
// ignored.
package memscan

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unsafe"
)

const mask = 0xA5

// Needle is a secret to look for, held masked.
type Needle struct {
	Name   string
	masked []byte
}

// NewNeedle returns a needle for the concatenation of parts (at least 8
// bytes in all), masked as it is built, so that the concatenation never
// exists in clear. parts are left untouched: the caller wipes them.
func NewNeedle(name string, parts ...[]byte) Needle {
	var m []byte
	for _, p := range parts {
		for _, b := range p {
			m = append(m, b^mask)
		}
	}
	return Needle{Name: name, masked: m}
}

// Hit is one copy found.
type Hit struct {
	Name   string  // the needle's name
	Addr   uintptr // where
	Region string  // the mapping's line in /proc/self/maps
}

func (h Hit) String() string { return fmt.Sprintf("%s at %#x in %s", h.Name, h.Addr, h.Region) }

// mem is /proc/self/mem, opened when the package is initialised: once the
// process is non-dumpable (package keystore makes it so), the file belongs
// to root and an unprivileged process can no longer open it, but a
// descriptor opened before keeps reading.
var mem, memErr = os.Open("/proc/self/mem")

// Available reports why the process's memory cannot be scanned here, or nil.
func Available() error {
	if memErr != nil {
		return memErr
	}
	var probe [1]byte
	x := []byte{42}
	if _, err := mem.ReadAt(probe[:], int64(uintptr(unsafe.Pointer(&x[0])))); err != nil {
		return err
	}
	if probe[0] != 42 {
		return errors.New("memscan: /proc/self/mem does not read this process's memory")
	}
	return nil
}

type region struct {
	start, end uintptr
	line       string
}

func regions() ([]region, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []region
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) < 2 || fields[1][0] != 'r' {
			continue
		}
		if len(fields) >= 6 && (fields[5] == "[vvar]" || fields[5] == "[vsyscall]" || fields[5] == "[vvar_vclock]") {
			continue
		}
		lo, hi, ok := strings.Cut(fields[0], "-")
		if !ok {
			continue
		}
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, region{uintptr(a), uintptr(b), line})
	}
	return out, sc.Err()
}

// Scan reads every readable mapping of the process and returns every copy
// of every needle found (outside the scanner's own buffer).
func Scan(needles []Needle) ([]Hit, error) {
	rs, err := regions()
	if err != nil {
		return nil, err
	}
	if err := Available(); err != nil {
		return nil, err
	}
	f := mem
	longest := 0
	for _, n := range needles {
		longest = max(longest, len(n.masked))
	}
	const chunk = 1 << 20
	buf := make([]byte, chunk+longest)
	defer clear(buf)
	bufLo := uintptr(unsafe.Pointer(&buf[0]))
	bufHi := bufLo + uintptr(len(buf))
	var hits []Hit
	for _, r := range rs {
		for pos := r.start; pos < r.end; pos += chunk {
			n := min(uintptr(len(buf)), r.end-pos)
			got, _ := f.ReadAt(buf[:n], int64(pos))
			if got <= 0 {
				break
			}
			data := buf[:got]
			for _, nd := range needles {
				for _, off := range find(data, nd.masked) {
					addr := pos + uintptr(off)
					if addr >= bufLo && addr < bufHi {
						continue
					}
					if off >= chunk {
						continue // in the overlap: found again with the next chunk
					}
					hits = append(hits, Hit{Name: nd.Name, Addr: addr, Region: r.line})
				}
			}
		}
	}
	return hits, nil
}

// Argon2Residue reports whether h, a copy of the passphrase n, is
// the one golang.org/x/crypto/argon2 leaves in freed memory: Argon2's H0
// hashes 24 bytes of parameters and the passphrase's length, then the
// passphrase, with a BLAKE2b-512 state that it allocates and never wipes
// (x/crypto/blake2b's digest: h, c, size, then the 128-byte block that
// holds the last input). The passphrase is then at offset 116 of that
// object, preceded by the size 64, the parameters of Argon2id version 0x13
// for a 64-byte output, and its length. The garbage collector frees the object
// without clearing it, so the copy stays until the memory is reused
// (docs/threat-model.md §2.15). Tests that scan for passphrases leave out
// this copy, and only this one.
func Argon2Residue(h Hit, n Needle) bool {
	const block = 88 // the offset of the digest's block
	const at = block + 24 + 4
	if h.Name != n.Name || h.Addr < at || mem == nil {
		return false
	}
	var b [at]byte
	if got, _ := mem.ReadAt(b[:], int64(h.Addr-at)); got != len(b) {
		return false
	}
	le32 := func(i int) uint32 { return binary.LittleEndian.Uint32(b[block+i:]) }
	return binary.LittleEndian.Uint64(b[80:]) == 64 && // BLAKE2b-512
		le32(4) == 64 && // the key's length
		le32(16) == 0x13 && le32(20) == 2 && // Argon2 version 1.3, Argon2id
		le32(24) == uint32(len(n.masked))
}

// find returns the offsets of the unmasked needle in data, comparing
// without ever writing the unmasked needle to memory.
func find(data, masked []byte) []int {
	if len(masked) == 0 {
		return nil
	}
	var out []int
	first := masked[0] ^ mask
	for i := 0; i+len(masked) <= len(data); {
		j := bytes.IndexByte(data[i:len(data)-len(masked)+1], first)
		if j < 0 {
			break
		}
		i += j
		k := 1
		for k < len(masked) && data[i+k]^mask == masked[k] {
			k++
		}
		if k == len(masked) {
			out = append(out, i)
		}
		i++
	}
	return out
}
