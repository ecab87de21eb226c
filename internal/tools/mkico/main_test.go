package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"testing"
)

func squarePNG(t *testing.T, n int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewNRGBA(image.Rect(0, 0, n, n))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteICO(t *testing.T) {
	in := [][]byte{squarePNG(t, 256), squarePNG(t, 16), squarePNG(t, 32)}
	var out bytes.Buffer
	if err := writeICO(&out, in); err != nil {
		t.Fatal(err)
	}
	b := out.Bytes()
	le := binary.LittleEndian
	if le.Uint16(b[0:]) != 0 || le.Uint16(b[2:]) != 1 || le.Uint16(b[4:]) != 3 {
		t.Fatalf("bad ICONDIR % x", b[:6])
	}
	wantSizes := []byte{16, 32, 0} // sorted; 256 is stored as 0
	for i, want := range wantSizes {
		d := b[6+16*i:]
		if d[0] != want || d[1] != want {
			t.Errorf("entry %d is %d×%d, want %d", i, d[0], d[1], want)
		}
		size, off := le.Uint32(d[8:]), le.Uint32(d[12:])
		cfg, err := png.DecodeConfig(bytes.NewReader(b[off : off+size]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if got := byte(cfg.Width); got != want {
			t.Errorf("entry %d points at a %d px image", i, cfg.Width)
		}
	}
}

func TestWriteICORejects(t *testing.T) {
	var b bytes.Buffer
	for _, tc := range []struct {
		name string
		in   [][]byte
	}{
		{"none", nil},
		{"not a PNG", [][]byte{[]byte("GIF89a")}},
		{"too big", [][]byte{squarePNG(t, 512)}},
	} {
		if err := writeICO(&b, tc.in); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	var r bytes.Buffer
	if err := png.Encode(&r, image.NewNRGBA(image.Rect(0, 0, 32, 16))); err != nil {
		t.Fatal(err)
	}
	if err := writeICO(&b, [][]byte{r.Bytes()}); err == nil {
		t.Error("not square: no error")
	}
}
