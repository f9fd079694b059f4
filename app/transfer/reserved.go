package transfer

import (
	"fmt"
	"strings"
)

// reservedNames are the device names Windows keeps in every folder: a file
// named CON, NUL, COM1… (with any extension, any case, trailing spaces or
// dots ignored) opens the device instead of a file. Conclave refuses them on
// every system, since a stick written on Linux is read on Windows.
var reservedNames = map[string]bool{
	"CON": true, "PRN": true, "AUX": true, "NUL": true, "CONIN$": true, "CONOUT$": true,
}

func init() {
	for _, d := range []string{"COM", "LPT"} {
		for _, n := range []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³"} {
			reservedNames[d+n] = true
		}
	}
}

// reservedName reports whether name is a Windows device name.
func reservedName(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.TrimRight(base, " ")
	return reservedNames[strings.ToUpper(base)]
}

// checkReserved refuses a Windows device name as a file name.
func checkReserved(name string) error {
	if reservedName(name) {
		return fmt.Errorf("transfer: %q is a device name on Windows (CON, NUL, COM1, LPT1…), not a file name: choose another name", name)
	}
	return nil
}
