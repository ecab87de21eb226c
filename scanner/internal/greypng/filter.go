package greypng

import (
	"encoding/binary"
	"fmt"
)

// The filters (ISO/IEC 15948 clause 9) are reversed eight bytes at a time
// where the data allow it: a 64-bit word holds eight samples, added lane
// by lane without carries between them (addBytes). Screenshots are most
// of what the scanner reads, and in them most bytes of a row repeat the
// row above or the pixel to the left; the per-byte rule is then only
// needed around edges and in photographic areas.

const hiBits = 0x8080808080808080

// addBytes adds x and y in each of their eight byte lanes, modulo 256.
func addBytes(x, y uint64) uint64 {
	return ((x &^ hiBits) + (y &^ hiBits)) ^ ((x ^ y) & hiBits)
}

func load(b []byte) uint64     { return binary.LittleEndian.Uint64(b) }
func store(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }

// repeat is the multiplier that repeats a pixel of bpp bytes across a
// word: a 1 every 8·bpp bits.
func repeat(bpp int) uint64 {
	var m uint64
	for s := 0; s < 64; s += 8 * bpp {
		m |= 1 << s
	}
	return m
}

// leftPattern is the pixel left of b[bpp:] repeated across a word: the
// sample of the same channel bpp bytes to the left of each of the eight
// bytes from b[bpp]. b holds at least four bytes; mask keeps bpp of them.
func leftPattern(b []byte, mask, rep uint64) uint64 {
	return (uint64(binary.LittleEndian.Uint32(b)) & mask) * rep
}

// prefixSum adds to each byte lane of x the lanes bpp, 2·bpp, … below it,
// so that lane k holds the sum of x's lanes k, k-bpp, k-2·bpp, …: the
// Sub filter's running sums within one word.
func prefixSum(x uint64, bpp int) uint64 {
	for s := bpp; s < 8; s *= 2 {
		x = addBytes(x, x<<(8*s))
	}
	return x
}

// unfilter reverses a row's filter in place. row and prev both begin with
// bpp zero bytes, the "pixel left of the first" of every filter. same
// reports that the row came out equal to prev (an Up row of zeros), so
// that the caller can reuse the previous row's conversion.
func unfilter(filter byte, row, prev []byte, bpp int) (same bool, err error) {
	prev = prev[:len(row)]
	switch filter {
	case 0:
	case 1: // Sub
		sub(row, bpp)
	case 2: // Up
		return up(row, prev), nil
	case 3: // Average
		for i := bpp; i < len(row); i++ {
			row[i] += byte((int(row[i-bpp]) + int(prev[i])) / 2)
		}
	case 4: // Paeth
		paeth(row, prev, bpp)
	default:
		return false, fmt.Errorf("%w: filter type %d", ErrFormat, filter)
	}
	return false, nil
}

// sub reverses the Sub filter: each byte plus the one bpp to its left.
func sub(row []byte, bpp int) {
	mask, rep := uint64(1)<<(8*bpp)-1, repeat(bpp)
	i := bpp
	for ; i+8 <= len(row); i += 8 {
		store(row[i:], addBytes(prefixSum(load(row[i:]), bpp), leftPattern(row[i-bpp:], mask, rep)))
	}
	for ; i < len(row); i++ {
		row[i] += row[i-bpp]
	}
}

// up reverses the Up filter and reports whether every filtered byte was
// zero (the row repeats the one above).
func up(row, prev []byte) bool {
	var any uint64
	i := 0 // the leading zero bytes of both stay zero
	for ; i+8 <= len(row); i += 8 {
		x := load(row[i:])
		any |= x
		store(row[i:], addBytes(x, load(prev[i:])))
	}
	for ; i < len(row); i++ {
		any |= uint64(row[i])
		row[i] += prev[i]
	}
	return any == 0
}

// paeth reverses the Paeth filter. Two cases take eight bytes at once:
// where the row above repeats its left pixel across the word (b = c for
// every byte), the predictor is the left byte, as in Sub; where the
// filtered bytes are zero and the pixel to the left equals the one above
// it (a = c), every byte comes out as the one above, and then so does
// the next pixel's left neighbour. Everything else takes the per-byte
// rule, eight bytes at a time before the next try.
func paeth(row, prev []byte, bpp int) {
	n := len(row)
	mask, rep := uint64(1)<<(8*bpp)-1, repeat(bpp)
	i := bpp
	for i < n {
		if i+8 <= n {
			x := load(row[i:])
			if load(prev[i:]) == load(prev[i-bpp:]) {
				w := leftPattern(row[i-bpp:], mask, rep)
				if x != 0 {
					w = addBytes(prefixSum(x, bpp), w)
				}
				store(row[i:], w)
				i += 8
				continue
			}
			if x == 0 && (load(row[i-bpp:])^load(prev[i-bpp:]))&mask == 0 {
				copy(row[i:i+8], prev[i:i+8])
				i += 8
				continue
			}
		}
		for end := min(i+8, n); i < end; i++ {
			row[i] += paethPredict(int(row[i-bpp]), int(prev[i]), int(prev[i-bpp]))
		}
	}
}

// paethPredict is the Paeth predictor of a (left), b (above) and c (upper
// left): whichever is closest to p = a + b - c, preferring a, then b.
// Written as two conditional moves: in photographic areas the choice is
// unpredictable, and branches on it were mispredicted half the time.
func paethPredict(a, b, c int) byte {
	best, d := a, abs(b-c) // |p-a|
	if pb := abs(a - c); pb < d {
		best, d = b, pb
	}
	if pc := abs(a + b - 2*c); pc < d {
		best = c
	}
	return byte(best)
}

func abs(x int) int {
	m := x >> 63 // all ones when negative
	return (x ^ m) - m
}
