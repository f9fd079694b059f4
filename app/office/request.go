package office

import (
	"bufio"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"conclave/app/transfer"
	"conclave/ceremony"
	"conclave/internal/safefile"
)

// MemberRequest is a decryption request as a member's program reads it
// (ReadRequest): whole, or, above ceremony.StreamRequestsAbove bytes, in
// chunks from its file, which stays open for the answer.
type MemberRequest struct {
	Envelope *ceremony.Envelope    // the request read whole, or nil
	File     *ceremony.RequestFile // the request read in chunks, or nil
	Summary  ceremony.RequestSummary
	f        *os.File
}

// ReadRequest reads and checks the decryption request at path
// (docs/protocol.md §7.2): a file of at most ceremony.StreamRequestsAbove
// bytes whole (as ReadMessage, from the file it opened to learn its size,
// then ceremony.Summarize), a larger one in chunks (ceremony.OpenRequest),
// so that the member's memory does not grow with the request; that one
// stays open, read with pread, never mapped (a pulled stick is then an
// I/O error): Close it.
func ReadRequest(path string) (*MemberRequest, error) {
	f, size, err := safefile.Open(path, safefile.Request)
	if err != nil {
		return nil, errorf("%w", err)
	}
	if size <= StreamAbove {
		e, err := parseMessageFile(f, path, size)
		f.Close()
		if err != nil {
			return nil, err
		}
		sum, err := ceremony.Summarize(e)
		if err != nil {
			return nil, err
		}
		return &MemberRequest{Envelope: e, Summary: sum}, nil
	}
	r, err := ceremony.OpenRequest(f, size)
	if err != nil {
		f.Close()
		return nil, causef("%v (file %s)", err, path)
	}
	return &MemberRequest{File: r, Summary: r.Summary(), f: f}, nil
}

// streamGCPercent is the garbage collector's target while a request read
// in chunks is answered.
const streamGCPercent = 25

// StreamAbove is the size of a request file above which ReadRequest reads
// it in chunks: ceremony.StreamRequestsAbove, which tests lower.
var StreamAbove int64 = ceremony.StreamRequestsAbove

// Close closes the file of a request read in chunks.
func (r *MemberRequest) Close() error {
	if r.f == nil {
		return nil
	}
	return r.f.Close()
}

// DecryptRequest is Decrypt for a request as ReadRequest read it: one read
// in chunks is answered by ceremony.Secrets.AnswerFile, which refuses
// (ceremony.ErrRequestChanged) when the file does not read the same again.
func (m *Member) DecryptRequest(req *MemberRequest, now time.Time) (*ceremony.Envelope, error) {
	if req.Envelope != nil {
		return m.Decrypt(req.Envelope, now)
	}
	if err := m.checkRequestCeremony(req.Summary.Ceremony[:]); err != nil {
		return nil, err
	}
	// The live heap is then the answer (pointer-free, cheap to mark), and
	// the passes make a few MiB of garbage per MiB read: collecting at 25%
	// growth rather than 100% keeps the peak near the answer's size (63
	// MiB against 91 at a million ciphertexts, docs/performance.md).
	defer lowerGCPercent()()
	return m.answerAndLog(req.Summary, now, func(sec *ceremony.Secrets) (*ceremony.Envelope, error) {
		return sec.AnswerFile(req.File, now.Unix(), rand.Reader)
	})
}

// DecryptRequestTo is DecryptRequest writing the answer to path (after
// CheckOutput, atomically). A request read in chunks is answered straight
// into the file as the answer is made (ceremony.Secrets.AnswerFileTo), so
// that the answer, 32 bytes per ciphertext, is never held in memory; the
// keystore's log records the request before the file is put in place, as
// it does before an answer held in memory is released. It returns the
// answer's message ID.
func (m *Member) DecryptRequestTo(req *MemberRequest, now time.Time, path string, force bool) (ceremony.ID, error) {
	if req.Envelope != nil {
		ans, err := m.Decrypt(req.Envelope, now)
		if err != nil {
			return ceremony.ID{}, err
		}
		return ans.ID(), WriteMessageOutput(path, ans, force)
	}
	if err := m.checkRequestCeremony(req.Summary.Ceremony[:]); err != nil {
		return ceremony.ID{}, err
	}
	if err := CheckOutput(path, force); err != nil {
		return ceremony.ID{}, err
	}
	defer lowerGCPercent()()
	var id ceremony.ID
	_, err := transfer.ExportWith(filepath.Dir(path), filepath.Base(path), func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		err := m.withSecrets(func(sec *ceremony.Secrets) (bool, error) {
			var err error
			if id, err = sec.AnswerFileTo(req.File, now.Unix(), rand.Reader, bw); err != nil {
				return false, err
			}
			if err := bw.Flush(); err != nil {
				return false, err
			}
			sec.LogAnswer(req.Summary, now.Unix())
			return true, nil // sealed before the answer is put in place
		})
		return err
	}, nil)
	if err != nil {
		return ceremony.ID{}, errorf("%w", err)
	}
	return id, nil
}

// lowerGCPercent sets the garbage collector's target to streamGCPercent
// while a request read in chunks is answered, and returns what restores
// it (GOGC off or lower is kept).
func lowerGCPercent() func() {
	old := debug.SetGCPercent(streamGCPercent)
	if old < streamGCPercent {
		debug.SetGCPercent(old)
		return func() {}
	}
	return func() { debug.SetGCPercent(old) }
}
