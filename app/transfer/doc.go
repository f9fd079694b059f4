// Package transfer moves Conclave messages between air-gapped machines on
// USB drives: it lists removable drives, writes files atomically, and reads
// files and folders back, asking the caller what each file is (file names
// are never trusted). Sub-packages carry messages as QR codes: ur (the
// Uniform Resources format with fountain coding), qr (rendering and
// reading codes), camera (webcam frames) and qrcli (command-line verbs).
package transfer
