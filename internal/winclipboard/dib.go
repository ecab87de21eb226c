// Package winclipboard puts data on the Windows clipboard the way other
// programs do, for tests: scanner's clipboard test under Wine and the
// winclip tool of the Wine harness (scripts/test-windows.sh). It is never
// part of the app.
package winclipboard

import (
	"encoding/binary"
	"image"
	"image/color"
)

// DIBV5 lays img out as Windows programs put CF_DIBV5: a BITMAPV5HEADER,
// 32 bits per pixel in B, G, R, A order with BI_BITFIELDS masks, top-down
// (negative height), sRGB.
func DIBV5(img image.Image) []byte {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	le := binary.LittleEndian
	b := make([]byte, 124, 124+4*w*h)
	le.PutUint32(b[0:], 124)
	le.PutUint32(b[4:], uint32(int32(w)))
	le.PutUint32(b[8:], uint32(int32(-h)))
	le.PutUint16(b[12:], 1)
	le.PutUint16(b[14:], 32)
	le.PutUint32(b[16:], 3) // BI_BITFIELDS
	le.PutUint32(b[20:], uint32(4*w*h))
	le.PutUint32(b[40:], 0x00ff0000)
	le.PutUint32(b[44:], 0x0000ff00)
	le.PutUint32(b[48:], 0x000000ff)
	le.PutUint32(b[52:], 0xff000000)
	copy(b[56:], "BGRs")     // LCS_sRGB, stored little-endian
	le.PutUint32(b[108:], 4) // LCS_GM_IMAGES
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			b = append(b, c.B, c.G, c.R, c.A)
		}
	}
	return b
}

// DIB24 lays img out as a plain CF_DIB: a BITMAPINFOHEADER, 24 bits per
// pixel, bottom-up rows padded to four bytes, alpha dropped onto white.
func DIB24(img image.Image) []byte {
	r := img.Bounds()
	w, h := r.Dx(), r.Dy()
	stride := (3*w + 3) &^ 3
	le := binary.LittleEndian
	b := make([]byte, 40+stride*h)
	le.PutUint32(b[0:], 40)
	le.PutUint32(b[4:], uint32(int32(w)))
	le.PutUint32(b[8:], uint32(int32(h)))
	le.PutUint16(b[12:], 1)
	le.PutUint16(b[14:], 24)
	le.PutUint32(b[20:], uint32(stride*h))
	for y := 0; y < h; y++ {
		row := b[40+(h-1-y)*stride:]
		for x := 0; x < w; x++ {
			c := color.NRGBAModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.NRGBA)
			over := func(v uint8) uint8 { return uint8((uint32(v)*uint32(c.A) + 255*(255-uint32(c.A)) + 127) / 255) }
			row[3*x], row[3*x+1], row[3*x+2] = over(c.B), over(c.G), over(c.R)
		}
	}
	return b
}
