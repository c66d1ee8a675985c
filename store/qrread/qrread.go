// Package qrread reads the QR codes the product draws back into text, the way a phone's
// scanner would. Only tests import it: they check that the mini-program codes decode.
package qrread

import (
	"image"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Text decodes the QR code in img. A phone's scanner tries again until the code reads;
// gozxing's finder heuristics miss some data patterns on the first pass (about 1 in 50
// random AppIDs), so the reader gets the same second chances: looking harder, then reading
// the image as the pure, computer-drawn code it is.
func Text(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	var res *gozxing.Result
	for _, hints := range []map[gozxing.DecodeHintType]any{nil,
		{gozxing.DecodeHintType_TRY_HARDER: true},
		{gozxing.DecodeHintType_PURE_BARCODE: true}} {
		if res, err = zxqr.NewQRCodeReader().Decode(bmp, hints); err == nil {
			return res.GetText(), nil
		}
	}
	return "", err
}
