package lumajpeg

import (
	"encoding/binary"
	"fmt"
)

// lookBits is how many leading bits the fast table resolves; codes up to
// this length (nearly all of them in practice) take one table look-up.
const lookBits = 10

// huffman is one decoding table (T.81 annex C and F.2.2.3).
type huffman struct {
	// fast[bits] is length<<8 | symbol for codes of at most lookBits
	// bits, 0 for longer ones.
	fast [1 << lookBits]uint16
	// fastAC[bits] resolves a whole coefficient when its code and its
	// magnitude bits fit in lookBits: value<<16 | run<<8 | total length;
	// 0 otherwise. It serves DC tables too, whose symbols are magnitude
	// sizes with a run of zero (dcDiff).
	fastAC [1 << lookBits]int32
	// For longer codes: maxCode[l] is the largest code of length l (-1
	// if none), and the symbol of code c of length l is
	// symbols[index[l]+c-minCode[l]].
	maxCode [17]int32
	minCode [17]int32
	index   [17]int32
	symbols [256]byte
	defined bool
}

// build makes the table from the code counts per length (counts[1..16])
// and the symbols in code order.
func (t *huffman) build(counts [17]int, symbols []byte) error {
	*t = huffman{defined: true}
	copy(t.symbols[:], symbols)
	code, k := int32(0), 0
	for l := 1; l <= 16; l++ {
		t.index[l] = int32(k)
		t.minCode[l] = code
		t.maxCode[l] = -1
		for range counts[l] {
			if code >= 1<<l {
				return fmt.Errorf("%w: Huffman table with too many codes of %d bits", ErrFormat, l)
			}
			if l <= lookBits {
				shift := lookBits - l
				for i := code << shift; i < (code+1)<<shift; i++ {
					t.fast[i] = uint16(l)<<8 | uint16(symbols[k])
				}
			}
			t.maxCode[l] = code
			code++
			k++
		}
		code <<= 1
	}
	for i, e := range t.fast {
		l, rs := uint(e>>8), byte(e)
		r, sz := uint(rs>>4), uint(rs&15)
		if e == 0 || sz == 0 || l+sz > lookBits {
			continue
		}
		v := int32(i>>(lookBits-l-sz)) & (1<<sz - 1)
		if v < 1<<(sz-1) {
			v += -1<<sz + 1
		}
		t.fastAC[i] = v<<16 | int32(r)<<8 | int32(l+sz)
	}
	return nil
}

// bitReader reads entropy-coded data: bytes with 0xFF 0x00 stuffing,
// ending at the next marker, after which it supplies zero bits.
type bitReader struct {
	data   []byte
	pos    int
	acc    uint64 // next bits, most significant first
	n      uint   // valid bits in acc
	marker bool   // pos is at a marker
}

func (b *bitReader) fill() {
	if !b.marker && b.pos+8 <= len(b.data) {
		// Fast path: the next eight bytes hold no 0xFF (no stuffing,
		// no marker), so whole bytes can be taken at once.
		w := binary.BigEndian.Uint64(b.data[b.pos:])
		if !hasFF(w) {
			k := (64 - b.n) >> 3 // whole bytes that fit
			b.acc |= w >> (64 - 8*k) << (64 - b.n - 8*k)
			b.n += 8 * k
			b.pos += int(k)
			return
		}
	}
	for b.n <= 56 {
		var c byte
		if !b.marker && b.pos < len(b.data) {
			c = b.data[b.pos]
			if c == 0xFF {
				if b.pos+1 < len(b.data) && b.data[b.pos+1] == 0 {
					b.pos += 2
				} else {
					b.marker, c = true, 0
				}
			} else {
				b.pos++
			}
		}
		b.acc |= uint64(c) << (56 - b.n)
		b.n += 8
	}
}

// hasFF reports whether some byte of w is 0xFF.
func hasFF(w uint64) bool {
	x := ^w // 0xFF bytes become zero bytes
	return (x-0x0101010101010101)&^x&0x8080808080808080 != 0
}

// bits returns the next n (1..16) bits as an unsigned number.
func (b *bitReader) bits(n uint) int32 {
	if b.n < n {
		b.fill()
	}
	v := int32(b.acc >> (64 - n))
	b.acc <<= n
	b.n -= n
	return v
}

func (b *bitReader) bit() bool {
	if b.n == 0 {
		b.fill()
	}
	v := b.acc>>63 != 0
	b.acc <<= 1
	b.n--
	return v
}

// receive reads an n-bit (1..15) magnitude category value and extends its
// sign (T.81 F.2.2.1).
func (b *bitReader) receive(n uint) int32 {
	v := b.bits(n)
	if v < 1<<(n-1) {
		v += -1<<n + 1
	}
	return v
}

func (b *bitReader) decode(t *huffman) (byte, error) {
	if b.n < 16 {
		b.fill()
	}
	if e := t.fast[b.acc>>(64-lookBits)]; e != 0 {
		l := uint(e >> 8)
		b.acc <<= l
		b.n -= l
		return byte(e), nil
	}
	for l := uint(lookBits + 1); l <= 16; l++ {
		c := int32(b.acc >> (64 - l))
		if c <= t.maxCode[l] {
			b.acc <<= l
			b.n -= l
			return t.symbols[(t.index[l]+c-t.minCode[l])&255], nil
		}
	}
	return 0, fmt.Errorf("%w: bad Huffman code", ErrFormat)
}

// restart resynchronises at a restart marker: the rest of the current
// byte is padding. It skips anything before the next RSTn.
func (b *bitReader) restart() {
	p := b.pos
	for p+1 < len(b.data) {
		if b.data[p] == 0xFF {
			if m := b.data[p+1]; m >= mRST0 && m <= mRST7 {
				p += 2
				break
			} else if m != 0 && m != 0xFF {
				break // some other marker: the segment ended early
			}
		}
		p++
	}
	b.pos, b.acc, b.n, b.marker = p, 0, 0, false
}
