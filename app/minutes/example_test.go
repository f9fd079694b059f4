package minutes_test

import (
	"log"
	"time"

	"conclave/app/minutes"
	"conclave/app/office"
)

// The coordinator prints the French minutes of a board, in the office's
// time zone, naming the options of the result.
func ExampleRender() {
	b, err := office.OpenBoard("board")
	if err != nil {
		log.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		log.Fatal(err)
	}
	pdf, err := minutes.Render(b, minutes.Options{Lang: "fr", Location: paris, OptionNames: []string{"Liste A", "Liste B", "Blanc"}})
	if err != nil {
		log.Fatal(err)
	}
	if err := office.WriteFileAtomic("proces-verbal.pdf", pdf); err != nil {
		log.Fatal(err)
	}
}
