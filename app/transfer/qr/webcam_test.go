package qr

import (
	"fmt"
	"math/rand/v2"
	"os"
	"testing"
)

func randBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 3))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// The default settings carry a message through the simulated laptop webcam.
func TestSimulatedWebcamDefaults(t *testing.T) {
	msg := randBytes(1, 3000)
	res, err := simulateLoop(laptopWebcam, msg, Options{}, 1, 120)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Done {
		t.Fatalf("not complete after %.0f s: %+v", res.Seconds, res)
	}
	t.Logf("%d bytes in %.1f s (%.0f B/s): %d frames shown, %d/%d captures decoded, %.1f ms per decode",
		len(msg), res.Seconds, res.BytesPerSec, res.Shown, res.Decoded, res.Captures,
		float64(res.DecodeTime.Microseconds())/1000/float64(res.Captures))
}

// TestWebcamTable measures throughput at several densities; it takes a few
// minutes, so it runs only with CONCLAVE_WEBCAM_TABLE=1:
//
//	CONCLAVE_WEBCAM_TABLE=1 go test -run WebcamTable -v ./app/transfer/qr/
func TestWebcamTable(t *testing.T) {
	if os.Getenv("CONCLAVE_WEBCAM_TABLE") == "" {
		t.Skip("set CONCLAVE_WEBCAM_TABLE=1 to measure (a few minutes)")
	}
	msg := randBytes(2, 20000)
	for _, cam := range []struct {
		name string
		c    webcam
		o    []Options
	}{
		{"laptop", laptopWebcam, []Options{
			{BytesPerFrame: 100, Level: L}, {BytesPerFrame: 150, Level: L}, {BytesPerFrame: 200, Level: L},
			{BytesPerFrame: 200, Level: M}, {BytesPerFrame: 300, Level: L}, {BytesPerFrame: 300, Level: M},
			{BytesPerFrame: 400, Level: L}, {BytesPerFrame: 200, Level: L, FPS: 8},
		}},
		{"poor", poorWebcam, []Options{{BytesPerFrame: 50, Level: L}, {BytesPerFrame: 100, Level: L}, {BytesPerFrame: 100, Level: M}}},
	} {
		if os.Getenv("CONCLAVE_WEBCAM_TABLE") == "poor" && cam.name != "poor" {
			continue
		}
		if cam.name == "poor" {
			msg = msg[:5000]
		}
		for _, o := range cam.o {
			var secs, bps float64
			var shown, cap, dec, done int
			const runs = 2
			for s := uint64(0); s < runs; s++ {
				res, err := simulateLoop(cam.c, msg, o, s, 200)
				if err != nil {
					t.Fatal(err)
				}
				secs += res.Seconds
				bps += res.BytesPerSec
				shown += res.Shown
				cap += res.Captures
				dec += res.Decoded
				if res.Done {
					done++
				}
			}
			fps := o.FPS
			if fps == 0 {
				fps = DefaultFPS
			}
			fmt.Printf("%-6s %4d B/frame %s %3.0f fps: %5.1f s, %5.0f B/s, %3d shown, decode rate %3.0f%%, %d/%d complete\n",
				cam.name, o.BytesPerFrame, o.Level, fps, secs/runs, bps/runs, shown/runs, 100*float64(dec)/float64(cap), done, runs)
		}
	}
}

// TestWebcamThreshold measures the share of single webcam captures that
// decode, by density and by how much of the frame height the code fills
// (run with CONCLAVE_WEBCAM_TABLE=1).
func TestWebcamThreshold(t *testing.T) {
	if os.Getenv("CONCLAVE_WEBCAM_TABLE") == "" {
		t.Skip("set CONCLAVE_WEBCAM_TABLE=1 to measure")
	}
	msg := randBytes(4, 50000)
	r := rand.New(rand.NewPCG(4, 4))
	for _, o := range []Options{{BytesPerFrame: 100}, {BytesPerFrame: 200}, {BytesPerFrame: 300}, {BytesPerFrame: 400}, {BytesPerFrame: 200, Level: M}} {
		frames, err := Frames(msg, Options{BytesPerFrame: o.BytesPerFrame, Level: o.Level, Parts: 20})
		if err != nil {
			t.Fatal(err)
		}
		line := ""
		version := 0
		for _, fill := range []float64{0.35, 0.45, 0.6, 0.8} {
			cam := laptopWebcam
			cam.Fill = fill
			ok := 0
			for _, f := range frames {
				c, _ := Encode(f, o.Level)
				version = c.Version
				img := cam.shoot(c, r)
				if got, err := DecodeGray(img.Pix, cam.W, cam.H); err == nil && got == f {
					ok++
				}
			}
			pxPerModule := fill * float64(cam.H) / float64(17+4*version+2*QuietZone)
			line += fmt.Sprintf("  fill %.0f%% (%.1f px/module): %3.0f%%", 100*fill, pxPerModule, 100*float64(ok)/float64(len(frames)))
		}
		fmt.Printf("%4d B/frame %s (version %d):%s\n", o.BytesPerFrame, o.Level, version, line)
	}
}

func BenchmarkWebcamLoop(b *testing.B) {
	msg := randBytes(3, 4000)
	for _, o := range []Options{{BytesPerFrame: 100}, {BytesPerFrame: 200}, {BytesPerFrame: 300}, {BytesPerFrame: 200, Level: M}} {
		b.Run(fmt.Sprintf("bpf=%d/%s", o.BytesPerFrame, o.Level), func(b *testing.B) {
			var bps float64
			n := 0
			for b.Loop() {
				res, err := simulateLoop(laptopWebcam, msg, o, uint64(n), 300)
				if err != nil {
					b.Fatal(err)
				}
				bps += res.BytesPerSec
				n++
			}
			b.ReportMetric(bps/float64(n), "B/s")
		})
	}
}
