package belenios_test

import (
	"fmt"
	"os"

	"conclave/ceremony/belenios"
)

// Verifying an election archive before decrypting it: the trustees, every
// ballot and the tally as the product of the ballots.
func ExampleVerifyArchive() {
	f, err := os.Open("testdata/v3.1/MqQLf8xQA2KjP3.bel")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	a, err := belenios.ReadArchive(f)
	if err != nil {
		panic(err)
	}
	s, err := belenios.VerifyArchive(a)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d ballots, %d counted\n", s.Name, s.Ballots, s.Tallied)
	fmt.Println("tally fingerprint:", s.TallyFingerprint)
	// Output:
	// Name of the election: 8 ballots, 5 counted
	// tally fingerprint: M51YzUqG9WMppi78W+1FuiFTPdn5qWVHE9HgkvQub4I
}
