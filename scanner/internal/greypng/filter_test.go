package greypng

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/adler32"
	"hash/crc32"
	"image/png"
	"math/rand/v2"
	"testing"
)

// refUnfilter is the filters' definition (ISO/IEC 15948 9.2–9.4), one
// byte at a time, for comparison with the word-at-a-time code.
func refUnfilter(filter byte, row, prev []byte, bpp int) {
	for i := bpp; i < len(row); i++ {
		a, b, c := int(row[i-bpp]), int(prev[i]), int(prev[i-bpp])
		var pred int
		switch filter {
		case 1:
			pred = a
		case 2:
			pred = b
		case 3:
			pred = (a + b) / 2
		case 4:
			p := a + b - c
			pa, pb, pc := p-a, p-b, p-c
			pa, pb, pc = max(pa, -pa), max(pb, -pb), max(pc, -pc)
			switch {
			case pa <= pb && pa <= pc:
				pred = a
			case pb <= pc:
				pred = b
			default:
				pred = c
			}
		}
		row[i] += byte(pred)
	}
}

// structuredRow is a row of bpp leading zeros and then runs of repeated
// pixels, sometimes copied from other, so that the fast cases (the row
// above flat, filtered zeros under an equal left pixel) occur at every
// offset and length, between random bytes.
func structuredRow(rng *rand.Rand, n, bpp int, other []byte) []byte {
	row := make([]byte, bpp+n)
	for i := bpp; i < len(row); {
		run := 1 + rng.IntN(30)
		switch rng.IntN(4) {
		case 0: // random bytes
			for k := 0; k < run && i < len(row); k, i = k+1, i+1 {
				row[i] = byte(rng.IntN(256))
			}
		case 1: // zeros
			for k := 0; k < run && i < len(row); k, i = k+1, i+1 {
				row[i] = 0
			}
		case 2: // one pixel repeated
			px := []byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
			for k := 0; k < run && i < len(row); k, i = k+1, i+1 {
				row[i] = px[(i-bpp)%bpp]
			}
		case 3: // the other row's bytes
			for k := 0; k < run && i < len(row); k, i = k+1, i+1 {
				row[i] = other[i]
			}
		}
	}
	return row
}

func TestUnfilterMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 5))
	for range 4000 {
		bpp := 1 + rng.IntN(4)
		n := rng.IntN(70)
		zero := make([]byte, bpp+n)
		prev := structuredRow(rng, n, bpp, zero)
		filtered := structuredRow(rng, n, bpp, zero)
		for filter := byte(0); filter <= 4; filter++ {
			want := bytes.Clone(filtered)
			refUnfilter(filter, want, prev, bpp)
			got := bytes.Clone(filtered)
			same, err := unfilter(filter, got, bytes.Clone(prev), bpp)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("filter %d, bpp %d, prev %v, filtered %v:\ngot  %v\nwant %v", filter, bpp, prev, filtered, got, want)
			}
			if same && !bytes.Equal(got, prev) {
				t.Fatalf("filter %d reported a row equal to the previous one that is not", filter)
			}
			if filter == 2 && !same && bytes.Equal(filtered, zero) {
				t.Fatal("Up row of zeros not reported as a repeat")
			}
		}
	}
	if _, err := unfilter(5, make([]byte, 4), make([]byte, 4), 1); err == nil {
		t.Fatal("filter type 5 accepted")
	}
}

// A row that reproduces the row above through Paeth's a = c case, and a
// row under a flat one, both long enough for many words.
func TestPaethRuns(t *testing.T) {
	for bpp := 1; bpp <= 4; bpp++ {
		n := 200
		prev := make([]byte, bpp+n)
		for i := bpp; i < len(prev); i++ {
			prev[i] = byte(i * 7)
		}
		row := make([]byte, bpp+n) // all filtered bytes zero: a copy of prev
		want := bytes.Clone(row)
		refUnfilter(4, want, prev, bpp)
		paeth(row, prev, bpp)
		if !bytes.Equal(row, want) || !bytes.Equal(row[bpp:], prev[bpp:]) {
			t.Fatalf("bpp %d: zeros under a varying row: %v", bpp, row)
		}
		flat := make([]byte, bpp+n)
		for i := bpp; i < len(flat); i++ {
			flat[i] = byte(40 + (i-bpp)%bpp)
		}
		row = make([]byte, bpp+n)
		for i := bpp; i < len(row); i++ {
			row[i] = byte(i % 5)
		}
		want = bytes.Clone(row)
		refUnfilter(4, want, flat, bpp)
		paeth(row, flat, bpp)
		if !bytes.Equal(row, want) {
			t.Fatalf("bpp %d: under a flat row: %v, want %v", bpp, row, want)
		}
	}
}

// TestAdler compares the word-at-a-time Adler-32 with hash/adler32 on
// random and all-0xFF data of every length around the block and
// reduction boundaries, fed in one piece and in random pieces.
func TestAdler(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 6))
	lengths := []int{0, 1, 7, 127, 128, 129, 255, 256, 1000, 1<<16 - 1, 1 << 16, 1<<16 + 129, 3<<16 + 5, 1 << 20}
	for range 200 {
		lengths = append(lengths, rng.IntN(5000))
	}
	for _, n := range lengths {
		for _, fill := range []string{"random", "0xff"} {
			p := make([]byte, n)
			for i := range p {
				p[i] = 0xff
				if fill == "random" {
					p[i] = byte(rng.IntN(256))
				}
			}
			want := adler32.Checksum(p)
			a := newAdler()
			a.update(p)
			if a.sum() != want {
				t.Fatalf("%s, %d bytes: %08x, want %08x", fill, n, a.sum(), want)
			}
			a = newAdler()
			for q := p; len(q) > 0; {
				k := min(len(q), rng.IntN(300))
				a.update(q[:k])
				q = q[k:]
			}
			if a.sum() != want {
				t.Fatalf("%s, %d bytes in pieces: %08x, want %08x", fill, n, a.sum(), want)
			}
		}
	}
}

// greyPNG wraps z, a zlib stream, as the IDAT of a w×h 8-bit grey PNG.
func greyPNG(w, h int, z []byte) []byte {
	out := []byte(signature)
	chunk := func(typ string, body []byte) {
		out = binary.BigEndian.AppendUint32(out, uint32(len(body)))
		start := len(out)
		out = append(out, typ...)
		out = append(out, body...)
		out = binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, 8, ctGrey, 0, 0, 0))
	chunk("IDAT", z)
	chunk("IEND", nil)
	return out
}

func zlibOf(tb testing.TB, raw []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(raw); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestZlibWrapper checks the zlib header and trailer that Decode reads
// itself: every damaged form is refused, as image/png refuses it.
func TestZlibWrapper(t *testing.T) {
	const w, h = 5, 3
	raw := make([]byte, 0, (w+1)*h)
	for y := range h {
		raw = append(raw, 0) // filter None
		for x := range w {
			raw = append(raw, byte(40*x+y))
		}
	}
	good := zlibOf(t, raw)
	m, err := Decode(greyPNG(w, h, good), 1<<20)
	if err != nil || !bytes.Equal(m.Pix, []byte{0, 40, 80, 120, 160, 1, 41, 81, 121, 161, 2, 42, 82, 122, 162}) {
		t.Fatalf("valid file: %v %v", m.Pix, err)
	}
	flip := func(i int, bit byte) []byte {
		b := bytes.Clone(good)
		b[i] ^= bit
		return b
	}
	dict := bytes.Clone(good)
	dict[1] = dict[1]&0xc0 | 0x20
	dict[1] |= byte((31 - (uint(dict[0])<<8|uint(dict[1]))%31) % 31) // valid check bits
	for name, z := range map[string][]byte{
		"Adler-32 changed":      flip(len(good)-1, 1),
		"Adler-32 cut off":      good[:len(good)-2],
		"Adler-32 missing":      good[:len(good)-4],
		"bytes after it":        append(bytes.Clone(good), 0),
		"header check bits":     flip(1, 1),
		"not deflate":           flip(0, 1),
		"preset dictionary":     dict,
		"data past the last":    zlibOf(t, append(bytes.Clone(raw), 0)),
		"short of the last row": zlibOf(t, raw[:len(raw)-1]),
		"empty":                 nil,
	} {
		file := greyPNG(w, h, z)
		if _, err := Decode(file, 1<<20); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v, want ErrFormat", name, err)
		}
		if _, err := png.Decode(bytes.NewReader(file)); err == nil && name != "bytes after it" {
			t.Errorf("%s: image/png reads it", name)
		}
	}
}
