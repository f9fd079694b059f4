// Conclave: the election key ceremony, custody of the shares and the count,
// for the members of an electoral office. Run alone, it opens the
// application; with arguments, it is the command line (see docs/cli.md).
package main

import (
	"os"

	fyneapp "fyne.io/fyne/v2/app"
	"github.com/awnumar/memguard"

	"conclave/app"
	"conclave/app/cli"
	_ "conclave/app/locale" // before Fyne reads the locale
)

func main() {
	if len(os.Args) > 1 {
		os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	defer memguard.Purge()
	app.PrepareLanguage()
	a := fyneapp.NewWithID("org.conclave.Conclave")
	w := app.NewMainWindow(a, app.Options{})
	w.ShowAndRun()
}
