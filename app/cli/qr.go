package cli

import (
	"conclave/app/office"
	"conclave/app/transfer/qrcli"
)

func init() { qrcli.CheckOutput = office.CheckOutput }

// cmdQREncode writes a message as QR frames (PNG images), see docs/transfer.md.
func cmdQREncode(e *env, args []string) error { return qrcli.Encode(args, e.stdout, e.stderr) }

// cmdQRDecode reassembles a message from QR frames.
func cmdQRDecode(e *env, args []string) error { return qrcli.Decode(args, e.stdout, e.stderr) }
