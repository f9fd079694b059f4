package ur

import "errors"

// MultiDecoder sorts parts of several messages, received mixed together (a
// folder of frames from two runs, a scanner session), into one Decoder per
// message.
type MultiDecoder struct {
	decs []*Decoder
}

// MaxMessages bounds how many different messages a MultiDecoder follows.
const MaxMessages = 256

// Receive gives part to the decoder of its message, starting a new one for
// a message not seen before. It returns that decoder, or the error that
// refused the part (damaged, not a UR part).
func (m *MultiDecoder) Receive(part string) (*Decoder, error) {
	for _, d := range m.decs {
		err := d.Receive(part)
		if err == nil {
			return d, nil
		}
		if !errors.Is(err, ErrForeignPart) {
			return d, err
		}
	}
	if len(m.decs) >= MaxMessages {
		return nil, errors.New("ur: too many different messages in one batch: sort the codes by message first")
	}
	d := NewDecoder()
	if err := d.Receive(part); err != nil {
		return nil, err
	}
	m.decs = append(m.decs, d)
	return d, nil
}

// Decoders returns one decoder per message seen, in order of first part.
func (m *MultiDecoder) Decoders() []*Decoder { return m.decs }
