package greypng

import "encoding/binary"

// adlerMod is the Adler-32 modulus (RFC 1950 section 9), the largest
// prime below 2^16.
const adlerMod = 65521

// adler is a running Adler-32 checksum (RFC 1950 section 8.2): s1 is 1
// plus the sum of the bytes, s2 the sum of s1 after each byte, both
// modulo adlerMod. hash/adler32 adds one byte at a time; a screenshot
// has tens of megabytes of filtered rows, and this takes 128 bytes at a
// time as sixteen 64-bit words, which took its share of the decoding
// from about a sixth to a twentieth.
type adler struct{ s1, s2 uint64 }

func newAdler() adler { return adler{s1: 1} }

// sum is the checksum as stored after a zlib stream.
func (a adler) sum() uint32 { return uint32(a.s2%adlerMod)<<16 | uint32(a.s1%adlerMod) }

// lanes are the even bytes of a word, each in a 16-bit lane.
const lanes = 0x00ff00ff00ff00ff

// update adds p. For a block of n bytes b_0…b_{n-1}, s1 grows by their
// sum and s2 by n·s1 + Σ (n-k)·b_k. Within a block of sixteen words the
// bytes at each of the eight offsets are summed in 16-bit lanes (t: the
// sums so far; u: the sums of t after each word, that is each word's
// bytes weighted by the number of words from it to the block's end), so
// that (n-k) = 8·(16-word) - offset needs no per-byte multiply.
func (a *adler) update(p []byte) {
	s1, s2 := a.s1, a.s2
	for len(p) >= 128 {
		// Reduced every 64 KB: s1 stays under 2^25 and s2 under
		// 2^45 between reductions, far from overflowing.
		end := min(len(p)&^127, 1<<16)
		for off := 0; off < end; off += 128 {
			blk := p[off : off+128 : off+128]
			var t0, t1, u0, u1 uint64 // even and odd offsets; under 16·255 and 136·255 per lane
			for j := 0; j < 128; j += 8 {
				w := binary.LittleEndian.Uint64(blk[j:])
				t0 += w & lanes
				t1 += w >> 8 & lanes
				u0 += t0
				u1 += t1
			}
			var sum, weighted, offsets uint64
			for m := range 4 {
				sh := 16 * m
				e, o := t0>>sh&0xffff, t1>>sh&0xffff
				sum += e + o
				weighted += u0>>sh&0xffff + u1>>sh&0xffff
				offsets += uint64(2*m)*e + uint64(2*m+1)*o
			}
			s2 += 128*s1 + 8*weighted - offsets
			s1 += sum
		}
		s1, s2 = s1%adlerMod, s2%adlerMod
		p = p[end:]
	}
	for _, b := range p {
		s1 += uint64(b)
		s2 += s1
	}
	a.s1, a.s2 = s1%adlerMod, s2%adlerMod
}
