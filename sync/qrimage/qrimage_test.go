package qrimage

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// longCode looks like an enrollment code: "JF1-" and 300 base64url characters.
func longCode(t *testing.T) string {
	t.Helper()
	raw := make([]byte, 225) // 225 bytes are 300 base64 characters
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	code := "JF1-" + base64.RawURLEncoding.EncodeToString(raw)
	if len(code) != 304 {
		t.Fatalf("code has %d characters", len(code))
	}
	return code
}

func TestRoundTrip(t *testing.T) {
	code := longCode(t)
	b, err := Encode(code, 512)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("Encode did not make a PNG: %v", err)
	}
	got, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got != code {
		t.Fatalf("decoded %q\nwant %q", got, code)
	}
}

func TestWriteFileReadFile(t *testing.T) {
	code := longCode(t)
	path := filepath.Join(t.TempDir(), "code.png")
	if err := WriteFile(path, code); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != code {
		t.Fatalf("decoded %q\nwant %q", got, code)
	}
}

// A screenshot: the code scaled up 3× (nearest neighbour), off-centre on
// a larger white canvas, saved as PNG and as JPEG.
func TestDecodeScreenshot(t *testing.T) {
	code := longCode(t)
	b, err := Encode(code, -2)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	qb := qr.Bounds()
	const scale, left, top = 3, 140, 95
	canvas := image.NewRGBA(image.Rect(0, 0, qb.Dx()*scale+2*left+37, qb.Dy()*scale+2*top+61))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	for y := 0; y < qb.Dy()*scale; y++ {
		for x := 0; x < qb.Dx()*scale; x++ {
			canvas.Set(left+x, top+y, qr.At(qb.Min.X+x/scale, qb.Min.Y+y/scale))
		}
	}
	var pngBuf, jpgBuf bytes.Buffer
	if err := png.Encode(&pngBuf, canvas); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&jpgBuf, canvas, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	for name, buf := range map[string]*bytes.Buffer{"png": &pngBuf, "jpeg": &jpgBuf} {
		got, err := Decode(buf)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != code {
			t.Errorf("%s: decoded %q\nwant %q", name, got, code)
		}
	}
}

func TestDecodeBlankImage(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 400, 300))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	got, err := Decode(&buf)
	if err == nil {
		t.Fatalf("a blank image decoded as %q", got)
	}
	if !errors.Is(err, ErrNoCode) || !strings.Contains(err.Error(), "图片里没有找到二维码") {
		t.Errorf("error %v", err)
	}
}

func TestDecodeNotAnImage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "code.png")
	if err := os.WriteFile(path, []byte("JF1-this is text, not a picture\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err == nil {
		t.Fatalf("a text file decoded as %q", got)
	}
	if !errors.Is(err, ErrNotImage) {
		t.Errorf("error %v", err)
	}
	if _, err := ReadFile(filepath.Join(t.TempDir(), "missing.png")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}
