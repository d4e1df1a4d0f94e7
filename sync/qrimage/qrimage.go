// Package qrimage turns an enrollment code into a QR PNG and reads one
// back from an image file (PNG or JPEG: a saved QR image, a screenshot,
// a phone photo).
package qrimage

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // Decode reads JPEG
	_ "image/png"  // Decode reads PNG
	"io"
	"os"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	goqr "github.com/skip2/go-qrcode"
)

// fileModule is the size in pixels of one QR module in WriteFile's images:
// crisp edges for printing and screens.
const fileModule = 8

var (
	// ErrNotImage: the data is not a PNG or JPEG image.
	ErrNotImage = errors.New("不是 PNG 或 JPEG 图片")
	// ErrNoCode: the image holds no QR code that could be read.
	ErrNoCode = errors.New("图片里没有找到二维码")
)

// Encode makes a PNG of text as a QR code with medium error correction.
// size is the image's width and height in pixels (made larger if the
// code needs it); a negative size -n makes each module n pixels.
func Encode(text string, size int) ([]byte, error) {
	b, err := goqr.Encode(text, goqr.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("qrimage: encode: %w", err)
	}
	return b, nil
}

// WriteFile writes text as a QR PNG to path.
func WriteFile(path, text string) error {
	b, err := Encode(text, -fileModule)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("qrimage: %w", err)
	}
	return nil
}

// Decode reads the text of the QR code in a PNG or JPEG image. The error
// wraps ErrNotImage when r is no such image and ErrNoCode when no code
// was found in it.
func Decode(r io.Reader) (string, error) {
	img, _, err := image.Decode(r)
	if err != nil {
		return "", fmt.Errorf("qrimage: %w (%v)", ErrNotImage, err)
	}
	return decodeImage(img)
}

// ReadFile reads the text of the QR code in the image file at path.
func ReadFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("qrimage: %w", err)
	}
	return Decode(bytes.NewReader(b))
}

// decodeImage tries the locally adaptive binarizer first (photos with
// uneven light), then the global one (flat screenshots), then a light
// code on a dark background. Each is also scanned turned by 90°: the
// finder-pattern search scans rows, and for about 1 code in 40 the data
// modules next to a finder pattern hide it from a row scan but not from
// a column scan. Last, a clean image holding nothing but the code is
// read as such.
func decodeImage(img image.Image) (string, error) {
	src := gozxing.NewLuminanceSourceFromImage(img)
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	var last error
	for _, bin := range []gozxing.Binarizer{
		gozxing.NewHybridBinarizer(src),
		gozxing.NewGlobalHistgramBinarizer(src),
		gozxing.NewHybridBinarizer(gozxing.NewInvertedLuminanceSource(src)),
	} {
		bmp, err := gozxing.NewBinaryBitmap(bin)
		if err != nil {
			last = err
			continue
		}
		turned, err := bmp.RotateCounterClockwise()
		if err != nil {
			turned = nil
		}
		for _, b := range []*gozxing.BinaryBitmap{bmp, turned} {
			if b == nil {
				continue
			}
			res, err := qrcode.NewQRCodeReader().Decode(b, hints)
			if err == nil {
				return res.GetText(), nil
			}
			last = err
		}
	}
	if bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(src)); err == nil {
		pure := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_PURE_BARCODE: true}
		if res, err := qrcode.NewQRCodeReader().Decode(bmp, pure); err == nil {
			return res.GetText(), nil
		}
	}
	return "", fmt.Errorf("qrimage: %w (%v)", ErrNoCode, last)
}
