package office

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"

	"conclave/app/transfer"
	"conclave/ceremony"
	"conclave/internal/safefile"
)

// CiphertextsFile is a ciphertext file (format conclave-ciphertexts/v1,
// docs/formats.md §2) read in chunks from its path, never held: a batch of
// a million ciphertexts is 132 MB of JSON. OpenCiphertexts reads it once to
// check it and count its ciphertexts; Board.RequestFromFile reads it
// again to write the request.
type CiphertextsFile struct {
	Kind    string // ceremony.RequestTally or ceremony.RequestBallots
	Options uint64
	Bound   uint64
	N       int // number of ciphertexts
	path    string
}

// ErrCiphertextsChanged is the refusal of a ciphertext file that read
// otherwise the second time than the first.
var ErrCiphertextsChanged = errorf("the ciphertext file changed while it was read: nothing was done; make sure that nothing writes to it, and run again")

// ciphertextsChunk is how many ciphertexts are checked at once (1 MiB).
const ciphertextsChunk = 1 << 14

// OpenCiphertexts reads the ciphertext file at path, strictly (as
// ParseCiphertexts; a key given twice is refused too), checking every
// ciphertext's encoding as a request's check does (docs/protocol.md
// §7.2), in chunks: its memory does not grow with the file.
func OpenCiphertexts(path string) (*CiphertextsFile, error) {
	c := &CiphertextsFile{path: path}
	buf := make([]byte, 0, ciphertextsChunk*ceremony.CiphertextSize)
	first := 0
	check := func() error {
		err := ceremony.CheckCiphertexts(buf, first)
		first += len(buf) / ceremony.CiphertextSize
		buf = buf[:0]
		return err
	}
	h, err := c.read(func(ct []byte) error {
		buf = append(buf, ct...)
		if len(buf) == cap(buf) {
			return check()
		}
		return nil
	})
	if err == nil {
		err = check()
	}
	if err != nil {
		return nil, errorf("the ciphertext file: %w", err)
	}
	c.Kind, c.Options, c.Bound, c.N = h.Kind, h.Options, h.Bound, h.n
	return c, nil
}

// ciphertextsHead is what a ciphertext file holds besides its ciphertexts.
type ciphertextsHead struct {
	Kind           string
	Options, Bound uint64
	n              int
}

// read opens the file and parses it, handing each ciphertext (64 bytes,
// valid until the next call) to each.
func (c *CiphertextsFile) read(each func(ct []byte) error) (ciphertextsHead, error) {
	f, _, err := safefile.Open(c.path, safefile.Ciphertexts)
	if err != nil {
		return ciphertextsHead{}, err
	}
	defer f.Close()
	return parseCiphertextsStream(bufio.NewReaderSize(f, 1<<16), each)
}

// parseCiphertextsStream parses a conclave-ciphertexts/v1 file from r token
// by token: an object of the keys format, kind, options, bound and
// ciphertexts, each at most once, nothing else and nothing after it.
func parseCiphertextsStream(r io.Reader, each func(ct []byte) error) (ciphertextsHead, error) {
	var h ciphertextsHead
	dec := json.NewDecoder(r)
	bad := func(err error) (ciphertextsHead, error) {
		return ciphertextsHead{}, causef("it is not valid JSON of format %s: %v", FormatCiphertexts, err)
	}
	if t, err := dec.Token(); err != nil {
		return bad(err)
	} else if t != json.Delim('{') {
		return bad(causef("it is not a JSON object"))
	}
	var format string
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := t.(string)
		if seen[key] {
			return bad(causef("the key %q is given twice", key))
		}
		seen[key] = true
		switch key {
		case "format":
			err = dec.Decode(&format)
		case "kind":
			err = dec.Decode(&h.Kind)
		case "options":
			err = dec.Decode(&h.Options)
		case "bound":
			err = dec.Decode(&h.Bound)
		case "ciphertexts":
			if err := ciphertextsArray(dec, &h.n, each); err != nil {
				if j, ok := err.(jsonErr); ok {
					return bad(j.error)
				}
				return ciphertextsHead{}, err // a ciphertext refused, or each's own error
			}
			continue
		default:
			err = causef("json: unknown field %q", key)
		}
		if err != nil {
			return bad(err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return bad(causef("extra data after the JSON object"))
	}
	if format != FormatCiphertexts {
		return ciphertextsHead{}, causef("it has format %q, want %q", format, FormatCiphertexts)
	}
	if h.n == 0 {
		return ciphertextsHead{}, causef("it holds no ciphertexts")
	}
	return h, nil
}

// jsonErr marks an error of the JSON's form, as opposed to a refused
// ciphertext.
type jsonErr struct{ error }

func (e jsonErr) Unwrap() error { return e.error }

// ciphertextsArray reads the array of ciphertexts (or null), counting them
// in n, each decoded and handed to each.
func ciphertextsArray(dec *json.Decoder, n *int, each func(ct []byte) error) error {
	t, err := dec.Token()
	if err != nil {
		return jsonErr{err}
	}
	if t == nil {
		return nil // null: no ciphertexts
	}
	if t != json.Delim('[') {
		return jsonErr{causef("the ciphertexts are not a JSON array")}
	}
	var s string
	for dec.More() {
		s = ""
		if err := dec.Decode(&s); err != nil {
			return jsonErr{err}
		}
		if *n == ceremony.MaxCiphertexts {
			return causef("it holds more than %d ciphertexts, the most a request holds", ceremony.MaxCiphertexts)
		}
		ct, err := decodeCiphertext(s, textf("ciphertext %d", *n+1))
		if err != nil {
			return err
		}
		*n++
		if err := each(ct); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return jsonErr{err}
	}
	return nil
}

// RequestFromFile is Request for a ciphertext file read in chunks
// (OpenCiphertexts): the request is written to out (after CheckOutput,
// atomically) as the file is read again, then taken in by the board read
// in chunks from out (OpenMessage, AddMessage), so that neither the batch
// nor the request is ever held in memory. If the board refuses it (the
// file changed between its readings), out is removed.
func (b *Board) RequestFromFile(label string, c *CiphertextsFile, out string, force bool) (*ceremony.Envelope, error) {
	head, tail, err := b.State.RequestFrame(label, c.Kind, c.Options, c.Bound, c.N)
	if err != nil {
		return nil, err
	}
	if err := CheckOutput(out, force); err != nil {
		return nil, err
	}
	_, err = transfer.ExportWith(filepath.Dir(out), filepath.Base(out), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		bw.Write(head)
		h, err := c.read(func(ct []byte) error {
			_, err := bw.Write(ct)
			return err
		})
		if err != nil {
			return err
		}
		if h.Kind != c.Kind || h.Options != c.Options || h.Bound != c.Bound || h.n != c.N {
			return ErrCiphertextsChanged
		}
		bw.Write(tail)
		return bw.Flush()
	}, nil)
	if err != nil {
		return nil, errorf("%w", err)
	}
	e, err := OpenMessage(out)
	if err == nil {
		_, err = b.AddMessage(e)
	}
	if err != nil {
		os.Remove(out)
		return nil, err
	}
	return e, nil
}
