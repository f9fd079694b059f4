module conclave/bench

go 1.26.0

require (
	filippo.io/edwards25519 v1.2.0
	go.dedis.ch/kyber/v4 v4.0.0-pre2
	golang.org/x/sys v0.49.0
)

require (
	go.dedis.ch/fixbuf v1.0.3 // indirect
	go.dedis.ch/protobuf v1.0.7 // indirect
	golang.org/x/crypto v0.0.0-20190123085648-057139ce5d2b // indirect
)
