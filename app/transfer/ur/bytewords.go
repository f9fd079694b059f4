package ur

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
)

// Bytewords (BCR-2020-012, revision of October 4, 2020): each byte is one of
// 256 four-letter English words; the body is followed by its CRC-32 (IEEE,
// big-endian) as four more words. The minimal style keeps the first and last
// letter of each word, two characters per byte, and is what UR bodies use.

const bytewordsList = "" +
	"ableacidalsoapexaquaarchatomaunt" +
	"awayaxisbackbaldbarnbeltbetabias" +
	"bluebodybragbrewbulbbuzzcalmcash" +
	"catschefcityclawcodecolacookcost" +
	"cruxcurlcuspcyandarkdatadaysdeli" +
	"dicedietdoordowndrawdropdrumdull" +
	"dutyeacheasyechoedgeepicevenexam" +
	"exiteyesfactfairfernfigsfilmfish" +
	"fizzflapflewfluxfoxyfreefrogfuel" +
	"fundgalagamegeargemsgiftgirlglow" +
	"goodgraygrimgurugushgyrohalfhang" +
	"hardhawkheathelphighhillholyhope" +
	"hornhutsicedideaidleinchinkyinto" +
	"irisironitemjadejazzjoinjoltjowl" +
	"judojugsjumpjunkjurykeepkenokept" +
	"keyskickkilnkingkitekiwiknoblamb" +
	"lavalazyleaflegsliarlimplionlist" +
	"logoloudloveluaulucklungmainmany" +
	"mathmazememomenumeowmildmintmiss" +
	"monknailnavyneednewsnextnoonnote" +
	"numbobeyoboeomitonyxopenovalowls" +
	"paidpartpeckplaypluspoempoolpose" +
	"puffpumapurrquadquizracerampreal" +
	"redorichroadrockroofrubyruinruns" +
	"rustsafesagascarsetssilkskewslot" +
	"soapsolosongstubsurfswantacotask" +
	"taxitenttiedtimetinytoiltombtoys" +
	"triptunatwinuglyundouniturgeuser" +
	"vastveryvetovialvibeviewvisavoid" +
	"vowswallwandwarmwaspwavewaxywebs" +
	"whatwhenwhizwolfworkyankyawnyell" +
	"yogayurtzapszerozestzinczonezoom"

// Style is a Bytewords rendering.
type Style int

const (
	// Standard separates four-letter words by spaces.
	Standard Style = iota
	// URI separates four-letter words by hyphens.
	URI
	// Minimal writes the first and last letter of each word, no separator.
	Minimal
)

// minimalIndex maps the first and last letters (a..z) of a word to its byte
// value plus one (0 means no such word).
var minimalIndex [26 * 26]uint16

func init() {
	if len(bytewordsList) != 256*4 {
		panic("ur: bytewords list is not 256 words")
	}
	for i := 0; i < 256; i++ {
		w := bytewordsList[i*4 : i*4+4]
		minimalIndex[int(w[0]-'a')*26+int(w[3]-'a')] = uint16(i + 1)
	}
}

func word(b byte) string { return bytewordsList[int(b)*4 : int(b)*4+4] }

func appendCRC(data []byte) []byte {
	out := make([]byte, len(data), len(data)+4)
	copy(out, data)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(data))
}

// BytewordsEncode renders data followed by its CRC-32 in the given style,
// lower case.
func BytewordsEncode(style Style, data []byte) string {
	full := appendCRC(data)
	var sb strings.Builder
	switch style {
	case Minimal:
		sb.Grow(2 * len(full))
		for _, b := range full {
			w := word(b)
			sb.WriteByte(w[0])
			sb.WriteByte(w[3])
		}
	case Standard, URI:
		sep := byte(' ')
		if style == URI {
			sep = '-'
		}
		sb.Grow(5 * len(full))
		for i, b := range full {
			if i > 0 {
				sb.WriteByte(sep)
			}
			sb.WriteString(word(b))
		}
	default:
		panic("ur: unknown bytewords style")
	}
	return sb.String()
}

// Errors of Bytewords decoding. They say what is wrong with the text; the
// UR decoder wraps them with what to do about it.
var (
	errBytewordsShort    = errors.New("too short to hold a checksum")
	errBytewordsChecksum = errors.New("its checksum does not match: a character was misread or changed")
)

func lowerLetter(c byte) (byte, bool) {
	switch {
	case c >= 'a' && c <= 'z':
		return c, true
	case c >= 'A' && c <= 'Z':
		return c + ('a' - 'A'), true
	}
	return 0, false
}

func decodeWord(w string) (byte, error) {
	if len(w) != 2 && len(w) != 4 {
		return 0, fmt.Errorf("%q is not a byteword", truncateForError(w))
	}
	first, ok1 := lowerLetter(w[0])
	last, ok2 := lowerLetter(w[len(w)-1])
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("%q is not a byteword", truncateForError(w))
	}
	v := minimalIndex[int(first-'a')*26+int(last-'a')]
	if v == 0 {
		return 0, fmt.Errorf("%q is not a byteword", truncateForError(w))
	}
	b := byte(v - 1)
	if len(w) == 4 {
		full := word(b)
		m1, ok1 := lowerLetter(w[1])
		m2, ok2 := lowerLetter(w[2])
		if !ok1 || !ok2 || m1 != full[1] || m2 != full[2] {
			return 0, fmt.Errorf("%q is not a byteword", truncateForError(w))
		}
	}
	return b, nil
}

// BytewordsDecode decodes text in the given style (letters in any case),
// checks and strips its CRC-32, and returns the body.
func BytewordsDecode(style Style, s string) ([]byte, error) {
	var out []byte
	switch style {
	case Minimal:
		if len(s)%2 != 0 {
			return nil, errors.New("odd number of letters")
		}
		out = make([]byte, 0, len(s)/2)
		for i := 0; i < len(s); i += 2 {
			b, err := decodeWord(s[i : i+2])
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		}
	case Standard, URI:
		sep := " "
		if style == URI {
			sep = "-"
		}
		if s != "" {
			words := strings.Split(s, sep)
			out = make([]byte, 0, len(words))
			for _, w := range words {
				if len(w) != 4 {
					return nil, fmt.Errorf("%q is not a byteword", truncateForError(w))
				}
				b, err := decodeWord(w)
				if err != nil {
					return nil, err
				}
				out = append(out, b)
			}
		}
	default:
		return nil, errors.New("unknown bytewords style")
	}
	// The reference implementations require at least one byte of body.
	if len(out) < 5 {
		return nil, errBytewordsShort
	}
	body, sum := out[:len(out)-4], out[len(out)-4:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return nil, errBytewordsChecksum
	}
	return body, nil
}

func truncateForError(s string) string {
	if len(s) > 24 {
		return s[:24] + "..."
	}
	return s
}
