package cli

import "errors"

func cmdQREncode(e *env, args []string) error {
	return errors.New("QR transfer is not in this build yet")
}

func cmdQRDecode(e *env, args []string) error {
	return errors.New("QR transfer is not in this build yet")
}
