//go:build windows

package main

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// conclave.exe is a console program, so that `conclave version`, the other
// verbs and their passphrase prompt (without echo, through golang.org/x/term)
// work in cmd.exe and PowerShell. Started from Explorer or a shortcut to open
// the window, Windows gives it a console of its own: when the process is
// alone in that console and opens the window, it lets the console go, so
// that no empty black window stays beside the application.
func init() {
	if len(os.Args) > 1 {
		return
	}
	list := make([]uint32, 4)
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&list[0])), uintptr(len(list)))
	if n == 1 {
		procFreeConsole.Call()
	}
}

var (
	kernel32                  = windows.NewLazySystemDLL("kernel32.dll")
	procGetConsoleProcessList = kernel32.NewProc("GetConsoleProcessList")
	procFreeConsole           = kernel32.NewProc("FreeConsole")
)
