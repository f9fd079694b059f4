package office

import "conclave/ceremony"

// What a room fingerprint is: the one fingerprint everyone in the room
// compares at a step of the key ceremony (docs/protocol.md §6).
const (
	RoomCall        = "call"        // enrolment: the coordinator's call
	RoomCeremony    = "ceremony"    // deal, verify, reveal: the manifest (the ceremony ID)
	RoomQual        = "qual"        // open, recover: the QUAL hash (§6.5)
	RoomTranscript  = "transcript"  // confirm: the transcript (§6.7), "final" in plain words
	RoomElectionKey = "electionkey" // complete: the election key
)

// RoomFingerprint is the one fingerprint the room compares at a step of
// the key ceremony (docs/protocol.md §6): what it is (one of the Room
// constants) and its value.
type RoomFingerprint struct {
	What, Fingerprint string
}

// Label is the room fingerprint's name in English, as people say it (the
// application translates it; the command line prints it).
func (r RoomFingerprint) Label() string {
	switch r.What {
	case RoomCall:
		return "Call fingerprint"
	case RoomQual:
		return "Qualified-members fingerprint"
	case RoomTranscript:
		return "Final fingerprint"
	case RoomElectionKey:
		return "Election key fingerprint"
	}
	return "Ceremony fingerprint"
}

// roomFingerprints are the fingerprints one side knows at a step; roomAt
// picks the one the room compares. It is the only place where that choice
// is made, for the member and the board alike.
type roomFingerprints struct {
	call, ceremony, qual, transcript, key string
}

func roomAt(step string, f roomFingerprints) RoomFingerprint {
	pick := func(what, fp string) RoomFingerprint { return RoomFingerprint{What: what, Fingerprint: fp} }
	switch step {
	case ceremony.StepEnrol:
		return pick(RoomCall, f.call)
	case ceremony.StepOpen, ceremony.StepRecover:
		if f.qual != "" {
			return pick(RoomQual, f.qual)
		}
	case ceremony.StepConfirm:
		if f.transcript != "" {
			return pick(RoomTranscript, f.transcript)
		}
		if f.qual != "" {
			return pick(RoomQual, f.qual)
		}
	case ceremony.StepComplete:
		if f.key != "" {
			return pick(RoomElectionKey, f.key)
		}
	}
	return pick(RoomCeremony, f.ceremony)
}

// MemberRoom is the fingerprint a member's screen shows large after
// answering a step (the outcome of that step, docs/protocol.md §6).
func MemberRoom(out *ceremony.Outcome) RoomFingerprint {
	f := roomFingerprints{qual: out.Qual, transcript: out.Transcript}
	switch out.Step {
	case ceremony.StepEnrol:
		f.call = out.Fingerprint
	case ceremony.StepComplete:
		f.key = out.Fingerprint
	default:
		f.ceremony = out.Fingerprint
	}
	return roomAt(out.Step, f)
}

// Room is the fingerprint the board shows large at its current step: the
// one every member's screen shows once they answered that step
// (docs/protocol.md §6: §5.3 the ceremony ID, §6.5 the QUAL hash, §6.7 the
// transcript).
func (b *Board) Room() RoomFingerprint {
	st := b.State
	step := b.Progress().Step
	f := roomFingerprints{call: st.CallID.Fingerprint()}
	if !st.ID.IsZero() {
		f.ceremony = st.ID.Fingerprint()
	}
	switch step {
	case ceremony.StepOpen, ceremony.StepRecover, ceremony.StepConfirm:
		f.qual = st.QualHash().Fingerprint()
		if step == ceremony.StepConfirm {
			f.transcript = boardTranscript(st)
		}
	case ceremony.StepComplete:
		if k, err := st.ElectionKeyFile(); err == nil {
			if ek, err := ceremony.ParseElectionKey(k); err == nil {
				f.key = ek.Fingerprint
			}
		}
	}
	return roomAt(step, f)
}

// boardTranscript is the transcript's fingerprint as the confirm bundle
// shows it, or "" while the election key is not known yet.
func boardTranscript(st *ceremony.State) string {
	qual, _ := st.Qualified()
	if st.ElectionKey(qual) == nil {
		return ""
	}
	return st.Transcript(qual).Fingerprint()
}
