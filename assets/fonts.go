package assets

import _ "embed"

// The fonts of the printed minutes (app/minutes): DejaVu Sans and DejaVu
// Sans Mono 2.37, from Debian's fonts-dejavu-core, under the Bitstream Vera
// licence (fonts/LICENSE-DejaVu.txt). They cover every French character
// (« » é è ê ë à â ç î ï ô ù û ü ÿ œ æ and the capitals) and the narrow
// no-break space.
var (
	//go:embed fonts/DejaVuSans.ttf
	FontSans []byte
	//go:embed fonts/DejaVuSansMono.ttf
	FontMono []byte
)
