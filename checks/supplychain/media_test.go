package supplychain

import (
	"bytes"
	"compress/gzip"
	"context"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// Ordinary media, fonts, documents and data files, written by real encoders
// (Go's image packages) or taken from the system (fonts, matplotlib's PDF
// icons), are recognised and give no "not analysed" finding; opaque blobs,
// compressed streams and executables still do.
func TestMediaIsNotReportedAsNotAnalysed(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := range 16 {
		img.Set(i, i, color.RGBA{R: 200, A: 255})
	}
	encode := func(fn func(*bytes.Buffer) error) []byte {
		t.Helper()
		var b bytes.Buffer
		if err := fn(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	wav := []byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x44\xac\x00\x00\x88\x58\x01\x00\x02\x00\x10\x00data\x00\x00\x00\x00")
	media := map[string][]byte{
		"docs/plot.png":      encode(func(b *bytes.Buffer) error { return png.Encode(b, img) }),
		"docs/photo.jpg":     encode(func(b *bytes.Buffer) error { return jpeg.Encode(b, img, nil) }),
		"docs/anim.gif":      encode(func(b *bytes.Buffer) error { return gif.Encode(b, img, nil) }),
		"assets/beep.wav":    wav,
		"assets/voice.mp3":   append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...),
		"assets/frame.mp3":   append([]byte{0xff, 0xfb, 0x90, 0x64}, bytes.Repeat([]byte{0}, 64)...),
		"assets/clip.mp4":    append([]byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"), bytes.Repeat([]byte{0}, 64)...),
		"data/train.parquet": append([]byte("PAR1\x15\x04\x15\x00"), bytes.Repeat([]byte{0}, 64)...),
	}
	for _, sys := range []struct{ name, path string }{
		{"fonts/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
		{"docs/home.pdf", "/usr/share/matplotlib/mpl-data/images/home.pdf"},
	} {
		if b, err := os.ReadFile(sys.path); err == nil {
			media[sys.name] = b
		} else {
			t.Logf("skipping %s: %v", sys.path, err)
		}
	}
	for name, b := range media {
		f := checks.NewBytesFile(name, b)
		if !f.Binary {
			t.Fatalf("%s: fixture not binary", name)
		}
		if fs := checks.ScanFile(context.Background(), f, []checks.Check{binaryCheck{}}); len(fs) != 0 {
			t.Errorf("%s: want nothing, got %+v", name, fs)
		}
	}

	r := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 4096)
	for i := range blob {
		blob[i] = byte(r.IntN(256))
	}
	blob[0], blob[1] = 0x13, 0x37 // no signature by chance
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(blob)
	zw.Close()
	for name, b := range map[string][]byte{
		"assets/data.bin": blob,
		"assets/data.gz":  gz.Bytes(),
		"fake.png":        append([]byte("\x89PNX\r\n\x1a\n"), blob...),
	} {
		fs := checks.ScanFile(context.Background(), checks.NewBytesFile(name, b), []checks.Check{binaryCheck{}})
		if len(fs) != 1 || fs[0].RuleID != checks.RuleNotAnalysed {
			t.Errorf("%s: want %s, got %+v", name, checks.RuleNotAnalysed, fs)
		}
	}
}

// A Git LFS pointer named as an image is low; one named as anything else
// (a checkpoint) stays medium.
func TestLFSPointerToMedia(t *testing.T) {
	ptr := []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
	for name, want := range map[string]checks.Severity{
		"docs/img/arch.png": checks.SeverityLow, "assets/Demo.MP4": checks.SeverityLow,
		"models/model.pt": checks.SeverityMedium, "data/blob": checks.SeverityMedium,
	} {
		fs := checks.ScanFile(context.Background(), checks.NewBytesFile(name, ptr), []checks.Check{binaryCheck{}})
		if len(fs) != 1 || fs[0].RuleID != RuleLFSPointer || fs[0].Severity != want {
			t.Errorf("%s: want one %s %s, got %+v", name, want, RuleLFSPointer, fs)
		}
	}
}
