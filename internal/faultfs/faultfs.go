// Package faultfs is the hook through which the fault-injection tests
// reach every file operation of Conclave's writing code (transfer.Export,
// the keystore's atomic write): each operation calls Before first. In
// production no hook is set and Before returns nil at the cost of one
// atomic load. Tests set a hook that counts operations and, at the k-th,
// returns an error (a failing disk) or kills the process (a pulled plug).
package faultfs

import "sync/atomic"

// Hook is told each operation ("create", "write", "sync", "close",
// "rename", "remove", "syncdir") and its path; a non-nil error is returned
// by the operation instead of doing it.
type Hook func(op, path string) error

var hook atomic.Pointer[Hook]

// Set installs h (nil removes it) and returns the previous one.
func Set(h Hook) Hook {
	var p *Hook
	if h != nil {
		p = &h
	}
	if old := hook.Swap(p); old != nil {
		return *old
	}
	return nil
}

// Before is called by the writing code before each file operation.
func Before(op, path string) error {
	if h := hook.Load(); h != nil {
		return (*h)(op, path)
	}
	return nil
}

// Do runs f after Before(op, path), unless the hook refuses.
func Do(op, path string, f func() error) error {
	if err := Before(op, path); err != nil {
		return err
	}
	return f()
}
