// Package office keeps a ceremony on disk: the coordinator's board (a folder
// of message files, which is also the public record) and a member's sealed
// keystore. It holds no cryptography: it calls package ceremony for the
// protocol and package keystore for sealing. The command line and the GUI
// both use it.
//
// Entry points: CreateBoard and OpenBoard for the coordinator, Enrol and
// OpenMember for a member, ReadRecord for an auditor.
package office

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"conclave/app/transfer"
	"conclave/ceremony"
	"conclave/internal/safefile"
)

// handoutDir is the folder inside a board where the coordinator's bundles
// are kept. They are derived from the record and not part of it.
const handoutDir = "handout"

// Board is the coordinator's view of a ceremony: a folder of message files.
type Board struct {
	Dir     string
	State   *ceremony.State
	Issued  string    // the last bundle step handed out, "" if none
	Skipped []Problem // files in the folder that are not valid messages
	have    map[ceremony.ID]bool
}

// Problem is a file that was skipped, and why, in plain words.
type Problem struct {
	Path   string
	Reason string // in English
	Cause  error  // Reason as a keyed error the application translates
}

// checked remembers, for this process, the checks of messages that depend
// on their bytes alone (docs/protocol.md §8.6): a board opened again, or a
// member answering the next step in the same window, does not check again
// a signature or proof it already checked.
var checked = ceremony.NewVerified()

// CreateBoard makes a new board in dir (which must be absent or empty) with
// the call of a new ceremony.
func CreateBoard(dir, title string, members, threshold uint64, postQuantum bool, closeOfPoll time.Time) (*Board, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, errorf("the folder %s is not empty: choose a new folder for a new ceremony", dir)
	}
	call, err := ceremony.NewCall(title, members, threshold, postQuantum, closeOfPoll, rand.Reader)
	if err != nil {
		return nil, err // checked before anything is written, so the folder stays usable
	}
	if err := os.MkdirAll(filepath.Join(dir, handoutDir), 0o755); err != nil {
		return nil, errorf("cannot create the board folder: %v", err)
	}
	b := &Board{Dir: dir, State: ceremony.NewState(), have: map[ceremony.ID]bool{}}
	b.State.Checks = boardCheckCache()
	b.State.UseCache(checked)
	if _, err := b.Add(call.Bytes()); err != nil {
		return nil, err
	}
	return b, nil
}

// OpenBoard reads a board folder. A file that cannot be read stops it
// (ErrUnreadable, naming the file); files that are read but are not valid
// messages of this board are listed in Skipped, and the verbs that hand
// something out refuse while there are any. The costly decryption checks
// that passed before on this machine are not done again (CheckCacheEnv).
func OpenBoard(dir string) (*Board, error) {
	files, problems, err := ReadRecord(dir)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, unreadable(problems, dir)
	}
	b := &Board{Dir: dir, State: ceremony.NewState(), have: map[ceremony.ID]bool{}}
	b.State.Checks = boardCheckCache()
	b.State.UseCache(checked)
	var envs []*ceremony.Envelope
	names := map[*ceremony.Envelope]string{}
	for _, f := range files {
		e, err := f.Message()
		if err != nil {
			b.Skipped = append(b.Skipped, Problem{f.Name, err.Error(), err})
			continue
		}
		envs = append(envs, e)
		names[e] = f.Name
	}
	ceremony.SortForReplay(envs)
	for _, e := range envs {
		if _, err := b.State.Add(e); err != nil && !errors.Is(err, ceremony.ErrDuplicate) {
			b.Skipped = append(b.Skipped, Problem{names[e], err.Error(), err})
			continue
		}
		b.have[e.ID()] = true
	}
	if b.State.CallID.IsZero() {
		return nil, errorf("%s is not a ceremony board (it holds no call): create one with 'conclave board new'", dir)
	}
	for _, step := range []string{ceremony.StepVerify, ceremony.StepReveal, ceremony.StepOpen, ceremony.StepRecover, ceremony.StepConfirm} {
		if _, err := os.Stat(filepath.Join(dir, handoutDir, "bundle-"+step+".cbor")); err == nil {
			b.Issued = step
		}
	}
	return b, nil
}

// unreadable is the refusal of a board folder whose files named by
// problems cannot be read.
func unreadable(problems []Problem, dir string) error {
	names := ceremony.List{Sep: "; "}
	for _, p := range problems {
		names.Items = append(names.Items, textf("%s (%v)", p.Path, p.Cause))
	}
	return causef("%w: %s in %s; nothing was done: copy the board again from its backup, or move the file out of the folder if it is not part of the record", ErrUnreadable, names, dir)
}

// fileName gives a message an informative name: step order, kind, sender
// and fingerprint. Names are never trusted when reading.
func fileName(e *ceremony.Envelope) string {
	fp := strings.ReplaceAll(e.ID().Fingerprint(), "-", "")[:8]
	if e.Sender > 0 {
		return fmt.Sprintf("%s-member%02d-%s.cbor", e.Kind, e.Sender, fp)
	}
	return fmt.Sprintf("%s-%s.cbor", e.Kind, fp)
}

// Add checks a message against the board and, if it passes, writes it into
// the folder. It returns what was checked, in plain words.
func (b *Board) Add(data []byte) (ceremony.Text, error) {
	e, err := ceremony.ParseEnvelope(data)
	if err != nil {
		return ceremony.Text{}, err
	}
	return b.AddMessage(e)
}

// AddFile is Add of the message file at path: a file of more than
// StreamBoardAbove bytes (a large request or answer) is read in chunks
// (ceremony.OpenMessage) and copied into the folder in chunks, never held
// whole (docs/performance.md).
func (b *Board) AddFile(path string) (ceremony.Text, error) {
	e, err := OpenMessage(path)
	if err != nil {
		return ceremony.Text{}, err
	}
	return b.AddMessage(e)
}

// AddMessage is Add of a message already decoded (by ceremony.ParseEnvelope
// or OpenMessage).
func (b *Board) AddMessage(e *ceremony.Envelope) (ceremony.Text, error) {
	id := e.ID()
	if b.have[id] {
		return textf("already on the board: %s", fileName(e)), nil
	}
	switch e.Kind {
	case ceremony.KindBundle, ceremony.KindElectionKey:
		return ceremony.Text{}, errorf("this is a %s the coordinator hands out, not a member's message", e.Kind)
	case ceremony.KindDeal:
		if b.Issued != "" {
			return ceremony.Text{}, errorf("the deal step is closed: this deal arrived too late")
		}
	case ceremony.KindComplaints:
		if b.Issued != ceremony.StepVerify {
			return ceremony.Text{}, errorf("complaints are taken only during the verify step")
		}
	case ceremony.KindReveal:
		if b.Issued != ceremony.StepReveal {
			return ceremony.Text{}, errorf("answers to complaints are taken only during the reveal step")
		}
	case ceremony.KindOpen:
		if b.Issued != ceremony.StepOpen {
			return ceremony.Text{}, errorf("openings are taken only during the open step, once every complaint has been answered")
		}
	case ceremony.KindRecover:
		if b.Issued != ceremony.StepRecover {
			return ceremony.Text{}, errorf("shares of members who did not open are taken only during the recover step")
		}
	case ceremony.KindConfirm:
		if b.Issued != ceremony.StepConfirm {
			return ceremony.Text{}, errorf("confirmations are taken only during the confirm step, once every qualified member has opened or been rebuilt")
		}
	}
	// The message is written into the folder under a temporary name and
	// taken in from that copy before the copy is put in place: the board
	// holds what its folder holds, and a message read in chunks is read
	// again from the board's copy, not from a stick that may be pulled or
	// rewritten once it was brought in.
	var text ceremony.Text
	var addErr error
	var src *fileSource // the copy, for a message read in chunks
	path, err := transfer.ExportWith(b.Dir, fileName(e), func(w io.Writer) error {
		_, err := e.WriteTo(w)
		return err
	}, func(tmp string) error {
		m := e
		if size := e.Size(); size > StreamBoardAbove && (e.Kind == ceremony.KindRequest || e.Kind == ceremony.KindAnswer) {
			src = &fileSource{path: tmp, size: size, noFollow: true}
			var err error
			if m, err = ceremony.OpenMessage(src, size); err != nil {
				return err
			}
			if m.ID() != id {
				return ceremony.ErrMessageChanged
			}
		}
		text, addErr = b.State.Add(m)
		if errors.Is(addErr, ceremony.ErrDuplicate) {
			// Taken in before, but its file was not put in place then.
			text, addErr = textf("already on the board: %s", fileName(e)), nil
		}
		return addErr
	})
	if addErr != nil {
		return ceremony.Text{}, addErr
	}
	if err != nil {
		return ceremony.Text{}, errorf("%w", err)
	}
	if src != nil {
		src.path = path
	}
	b.have[id] = true
	return text, nil
}

// Next returns what members need now, moving the ceremony on when a step is
// complete (see ceremony.State.Next). It writes the manifest into the
// record and keeps each bundle in the handout folder.
func (b *Board) Next(withoutMissing bool) (*ceremony.Envelope, error) {
	e, step, err := b.State.Next(b.Issued, withoutMissing)
	if err != nil {
		return nil, err
	}
	if e.Kind == ceremony.KindManifest && b.State.Manifest() == nil {
		if _, err := b.Add(e.Bytes()); err != nil {
			return nil, err
		}
	}
	if step != b.Issued {
		if err := WriteFileAtomic(filepath.Join(b.Dir, handoutDir, "bundle-"+step+".cbor"), e.Bytes()); err != nil {
			return nil, err
		}
		b.Issued = step
	}
	return e, nil
}

// Progress says where the ceremony stands.
func (b *Board) Progress() ceremony.Progress { return b.State.Progress(b.Issued) }

// ReadRecord reads the message files (*.cbor) of a record folder (not its
// sub-folders) in name order. Files that cannot be read (an I/O error, a
// named pipe or device, a file larger than any message) are returned as
// problems: callers must not carry on as if they were absent (OpenBoard
// refuses, verify fails). Each file is opened without blocking and its size
// checked before it is read (safefile.BoardFile). A file of more than
// StreamBoardAbove bytes is not read: its RecordFile names it (Source), and it
// is read in chunks at each pass over it (ceremony.OpenMessage).
func ReadRecord(dir string) ([]ceremony.RecordFile, []Problem, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, errorf("cannot read the folder %s: %v", dir, err)
	}
	var files []ceremony.RecordFile
	var problems []Problem
	for _, en := range entries {
		if en.IsDir() || !strings.HasSuffix(en.Name(), ".cbor") {
			continue
		}
		p := filepath.Join(dir, en.Name())
		// Opened without following a link: the board's files are written
		// here by Conclave, so a link in their place is not one of them.
		f, err := readRecordFile(p)
		if err != nil {
			problems = append(problems, Problem{en.Name(), readReason(err), safefile.Why(err)})
			continue
		}
		f.Name = en.Name()
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, problems, nil
}

// readRecordFile reads the board file at path, or, above StreamBoardAbove
// bytes, names it for reading in chunks.
func readRecordFile(path string) (ceremony.RecordFile, error) {
	f, size, err := safefile.OpenNoFollow(path, safefile.BoardFile)
	if err != nil {
		return ceremony.RecordFile{}, err
	}
	defer f.Close()
	if size > StreamBoardAbove {
		return ceremony.RecordFile{Source: fileSource{path: path, size: size, noFollow: true}, Size: size}, nil
	}
	data, err := safefile.ReadOpened(f, path, size, safefile.BoardFile)
	if err != nil {
		return ceremony.RecordFile{}, err
	}
	return ceremony.RecordFile{Data: data}, nil
}

// StreamBoardAbove is the size of a message file above which a board, a
// record being verified and Board.AddFile read it in chunks (OpenMessage,
// ReadRecord): 1 MiB, 16,384 ciphertexts of a request. A board has no use
// for a request's decoded points (a member's answer has, below
// StreamAbove), and reading a file again costs only its hash, so that
// above this size a board's memory does not grow with its requests. Tests
// lower it.
var StreamBoardAbove int64 = 1 << 20

// fileSource is a message file read in chunks (ceremony.Source): opened
// again, without blocking, at each pass, and refused if it is no longer a
// regular file of the size it had.
type fileSource struct {
	path     string
	size     int64
	noFollow bool // a board's file: a link in its place is refused
}

func (s fileSource) Open() (ceremony.SourceFile, error) {
	open := safefile.Open
	if s.noFollow {
		open = safefile.OpenNoFollow
	}
	f, size, err := open(s.path, safefile.Request)
	if err != nil {
		return nil, causef("%w (%v)", ceremony.ErrMessageUnreadable, err)
	}
	if size != s.size {
		f.Close()
		return nil, causef("%w (%s: %d bytes, then %d)", ceremony.ErrMessageChanged, s.path, s.size, size)
	}
	return f, nil
}

// OpenMessage reads the message file at path: whole up to StreamBoardAbove
// bytes (ReadMessage), in chunks above (ceremony.OpenMessage: a request's
// ciphertexts or an answer's shares stay in the file, read again at each
// pass over them).
func OpenMessage(path string) (*ceremony.Envelope, error) {
	f, size, err := safefile.Open(path, safefile.Request)
	if err != nil {
		return nil, errorf("%w", err)
	}
	defer f.Close()
	if size <= StreamBoardAbove {
		return parseMessageFile(f, path, size)
	}
	e, err := ceremony.OpenMessage(fileSource{path: path, size: size}, size)
	if err != nil {
		return nil, causef("%v (file %s)", err, path)
	}
	return e, nil
}

// MessageBytes returns the encoding of e, read again from its file for a
// message read in chunks (OpenMessage): an error, not a panic, if that
// file no longer reads as it did.
func MessageBytes(e *ceremony.Envelope) ([]byte, error) {
	b, err := e.Encoding()
	if err != nil {
		return nil, errorf("%w", err)
	}
	return b, nil
}

// writeMessage writes a message into a file atomically (WriteFileAtomic),
// piece by piece, or for a message read in chunks, copied in chunks from
// its file (ceremony.Envelope.WriteTo): nothing is written if that file
// did not read as it did when it was checked.
func writeMessage(path string, e *ceremony.Envelope) error {
	_, err := transfer.ExportWith(filepath.Dir(path), filepath.Base(path), func(w io.Writer) error {
		_, err := e.WriteTo(w)
		return err
	}, nil)
	if err != nil {
		return errorf("%w", err)
	}
	return nil
}

// readReason is a safefile error without the path (the caller names it).
func readReason(err error) string { return safefile.Reason(err) }

// ErrUnreadable marks a board folder holding a file that could not be
// read: nothing is done with the board until it is fixed, since a missing
// deal or answer would silently change what is handed out.
var ErrUnreadable = errorf("a file of the board cannot be read")

// ReadMessage reads and parses one message file. It opens it without
// blocking and refuses anything that is not a regular file of at most the
// size of the largest message (safefile.Request).
func ReadMessage(path string) (*ceremony.Envelope, error) {
	f, size, err := safefile.Open(path, safefile.Request)
	if err != nil {
		return nil, errorf("%w", err)
	}
	defer f.Close()
	return parseMessageFile(f, path, size)
}

// parseMessageFile reads and parses the message file f, opened at path
// with its size (safefile.Open).
func parseMessageFile(f *os.File, path string, size int64) (*ceremony.Envelope, error) {
	data, err := safefile.ReadOpened(f, path, size, safefile.Request)
	if err != nil {
		return nil, errorf("%w", err)
	}
	e, err := ceremony.ParseEnvelope(data)
	if err != nil {
		return nil, causef("%v (file %s)", err, path)
	}
	return e, nil
}

// WriteFileAtomic writes data to path so that at every instant the file is
// either absent, the old one, or the new one (transfer.Export: a temporary
// file beside it, fsync, rename, fsync of the folder).
func WriteFileAtomic(path string, data []byte) error {
	if _, err := transfer.Export(filepath.Dir(path), filepath.Base(path), data); err != nil {
		return errorf("%w", err)
	}
	return nil
}

// Request prepares a decryption request from a ciphertext file (JSON, see
// ParseCiphertexts) and writes it into the record.
func (b *Board) Request(label string, batch *Ciphertexts) (*ceremony.Envelope, error) {
	e, err := b.State.NewRequest(label, batch.Kind, batch.Options, batch.Bound, batch.Data)
	if err != nil {
		return nil, err
	}
	if _, err := b.Add(e.Bytes()); err != nil {
		return nil, err
	}
	return e, nil
}

// Tally combines t valid answers to a request (if id is zero, the one
// request that has no result yet), writes the result into the record and
// returns it.
func (b *Board) Tally(id ceremony.ID) (*TallyResult, error) {
	if len(b.State.Requests()) == 0 {
		return nil, errorf("there is no decryption request on this board: prepare one with 'board request'")
	}
	if id.IsZero() {
		pending := b.State.PendingRequests()
		if all := b.State.Requests(); len(pending) == 0 && len(all) == 1 {
			// The one request has its result: write it again (a run
			// interrupted after the board took the result in, before the
			// result file was written, is simply run again).
			pending = all
		}
		if len(pending) == 0 {
			return nil, errorf("every request on this board already has a result: name one with --request FINGERPRINT to write its result again (see 'board status')")
		}
		if len(pending) != 1 {
			return nil, errorf("%d requests have no result yet: name the one to count with --request FINGERPRINT (see 'board status')", len(pending))
		}
		id = pending[0]
	}
	if _, _, done := b.State.Result(id); done {
		return b.TallyResult(id) // checked when it was taken in: no need to combine again
	}
	res, err := b.State.Count(id)
	if err != nil {
		return nil, err
	}
	if _, err := b.AddMessage(res); err != nil {
		return nil, err
	}
	return b.TallyResult(id)
}

// FindRequest returns the request whose fingerprint or hex ID starts with
// prefix.
func (b *Board) FindRequest(prefix string) (ceremony.ID, error) {
	p := strings.ToUpper(strings.ReplaceAll(prefix, "-", ""))
	for _, id := range b.State.Requests() {
		if strings.HasPrefix(strings.ReplaceAll(id.Fingerprint(), "-", ""), p) || strings.HasPrefix(strings.ToUpper(fmt.Sprintf("%x", id[:])), p) {
			return id, nil
		}
	}
	return ceremony.ID{}, errorf("no request on this board has the fingerprint %q", prefix)
}

// ExportRecord copies the record (every message file of the board, not
// the coordinator's handout folder) into dir, for an auditor or a backup:
// each file is written atomically. It returns how many files were copied.
// A board file that cannot be read, or that is read in chunks and no
// longer reads as it did, stops it: the copy is never one message short.
func (b *Board) ExportRecord(dir string) (int, error) {
	files, problems, err := ReadRecord(b.Dir)
	if err != nil {
		return 0, err
	}
	if len(problems) > 0 {
		return 0, unreadable(problems, b.Dir) // not a copy without them
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, errorf("cannot create %s: %v (is the stick plugged in and writable?)", dir, err)
	}
	n := 0
	for _, f := range files {
		e, err := f.Message()
		if errors.Is(err, ceremony.ErrMessageChanged) || errors.Is(err, ceremony.ErrMessageUnreadable) {
			return n, errorf("%w", err)
		}
		if err != nil {
			continue // not a message: not part of the record
		}
		if f.Data != nil {
			err = WriteFileAtomic(filepath.Join(dir, f.Name), f.Data)
		} else {
			err = writeMessage(filepath.Join(dir, f.Name), e)
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
