package formats

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/nidan-auth/nidan/accounts"
)

// readJavaStringMap reads a Java-serialised java.util.HashMap whose keys
// and values are all strings, the one shape FreeOTP 2's backup has
// (docs/formats.md, "FreeOTP 2 encrypted backup"). It is not a general
// deserialiser: anything else is refused with what was found, and every
// length is checked against the bytes left before it is used. The pairs
// come back in file order.
func readJavaStringMap(data []byte) ([][2]string, error) {
	r := &javaReader{data: data}
	pairs, err := r.stringMap()
	if err != nil {
		return nil, fmt.Errorf("%w: java serialisation at byte %d: %v", accounts.ErrMalformed, r.pos, err)
	}
	return pairs, nil
}

const (
	javaMagic         = 0xACED
	javaVersion       = 5
	javaHashMapUID    = 362498820763181265
	javaHashMapFlags  = 0x03 // SC_WRITE_METHOD | SC_SERIALIZABLE
	tcNull            = 0x70
	tcReference       = 0x71
	tcClassDesc       = 0x72
	tcObject          = 0x73
	tcString          = 0x74
	tcBlockData       = 0x77
	tcEndBlockData    = 0x78
	tcLongString      = 0x7C
	javaBaseHandle    = 0x7E0000
	javaMinPairLength = 6 // two empty TC_STRINGs (3 bytes each), the shortest a pair can be
)

var errJavaShort = errors.New("file ends early")

type javaReader struct {
	data    []byte
	pos     int
	handles int      // objects numbered so far (class descriptor, map, strings)
	strings []string // by handle - javaBaseHandle; "" slots for non-strings
	isStr   []bool
}

func (r *javaReader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.data)-r.pos {
		return nil, errJavaShort
	}
	b := r.data[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

func (r *javaReader) u8() (byte, error) {
	b, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return b[0], nil
}

func (r *javaReader) u16() (int, error) {
	b, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(b)), nil
}

func (r *javaReader) u32() (uint32, error) {
	b, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b), nil
}

func (r *javaReader) expect(what string, want byte) error {
	got, err := r.u8()
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("want %s (0x%02x), found 0x%02x", what, want, got)
	}
	return nil
}

// newHandle numbers the next object, as Java does, so that a later
// TC_REFERENCE can name it.
func (r *javaReader) newHandle(s string, isString bool) {
	r.handles++
	r.strings = append(r.strings, s)
	r.isStr = append(r.isStr, isString)
}

// utf reads a 2-byte length and that many bytes of modified UTF-8.
func (r *javaReader) utf() (string, error) {
	n, err := r.u16()
	if err != nil {
		return "", err
	}
	b, err := r.take(n)
	if err != nil {
		return "", err
	}
	return decodeModifiedUTF8(b)
}

func (r *javaReader) stringMap() ([][2]string, error) {
	if m, err := r.u16(); err != nil || m != javaMagic {
		return nil, errors.New("not a Java serialisation stream (no AC ED magic)")
	}
	if v, err := r.u16(); err != nil || v != javaVersion {
		return nil, fmt.Errorf("stream version %d, want 5", v)
	}
	if err := r.expect("an object", tcObject); err != nil {
		return nil, err
	}
	if err := r.expect("a class descriptor", tcClassDesc); err != nil {
		return nil, err
	}
	name, err := r.utf()
	if err != nil {
		return nil, err
	}
	if name != "java.util.HashMap" {
		return nil, fmt.Errorf("object of class %q, want java.util.HashMap", truncateName(name))
	}
	uid, err := r.take(8)
	if err != nil {
		return nil, err
	}
	if u := binary.BigEndian.Uint64(uid); u != javaHashMapUID {
		return nil, fmt.Errorf("HashMap serial version %d, want %d", int64(u), int64(javaHashMapUID))
	}
	r.newHandle("", false) // the class descriptor
	if err := r.expect("HashMap's class flags", javaHashMapFlags); err != nil {
		return nil, err
	}
	nf, err := r.u16()
	if err != nil {
		return nil, err
	}
	if nf != 2 {
		return nil, fmt.Errorf("HashMap with %d fields, want loadFactor and threshold", nf)
	}
	for _, want := range []struct {
		code byte
		name string
	}{{'F', "loadFactor"}, {'I', "threshold"}} {
		code, err := r.u8()
		if err != nil {
			return nil, err
		}
		name, err := r.utf()
		if err != nil {
			return nil, err
		}
		if code != want.code || name != want.name {
			return nil, fmt.Errorf("HashMap field %c %q, want %c %s", code, truncateName(name), want.code, want.name)
		}
	}
	if err := r.expect("the end of the class annotation", tcEndBlockData); err != nil {
		return nil, err
	}
	if err := r.expect("no superclass", tcNull); err != nil {
		return nil, err
	}
	r.newHandle("", false) // the map itself
	lf, err := r.u32()
	if err != nil {
		return nil, err
	}
	if f := math.Float32frombits(lf); !(f > 0 && f <= 64) {
		return nil, fmt.Errorf("load factor %v", f)
	}
	if _, err := r.u32(); err != nil { // threshold: not needed
		return nil, err
	}
	if err := r.expect("block data", tcBlockData); err != nil {
		return nil, err
	}
	if err := r.expect("8 bytes of block data", 8); err != nil {
		return nil, err
	}
	if _, err := r.u32(); err != nil { // capacity: not needed
		return nil, err
	}
	count, err := r.u32()
	if err != nil {
		return nil, err
	}
	// A count the rest of the file cannot hold is refused before anything
	// is made.
	if left := len(r.data) - r.pos; int64(count) > int64(left/javaMinPairLength) {
		return nil, fmt.Errorf("%d entries cannot fit in %d bytes", count, left)
	}
	pairs := make([][2]string, 0, count)
	for i := range int(count) {
		k, err := r.stringObject()
		if err != nil {
			return nil, fmt.Errorf("entry %d name: %w", i+1, err)
		}
		v, err := r.stringObject()
		if err != nil {
			return nil, fmt.Errorf("entry %d (%s) value: %w", i+1, truncateName(k), err)
		}
		pairs = append(pairs, [2]string{k, v})
	}
	if err := r.expect("the end of the map", tcEndBlockData); err != nil {
		return nil, err
	}
	if r.pos != len(r.data) {
		return nil, fmt.Errorf("%d bytes after the map", len(r.data)-r.pos)
	}
	return pairs, nil
}

func (r *javaReader) stringObject() (string, error) {
	tc, err := r.u8()
	if err != nil {
		return "", err
	}
	switch tc {
	case tcString:
		s, err := r.utf()
		if err != nil {
			return "", err
		}
		r.newHandle(s, true)
		return s, nil
	case tcLongString:
		b, err := r.take(8)
		if err != nil {
			return "", err
		}
		n := binary.BigEndian.Uint64(b)
		if n > uint64(len(r.data)-r.pos) {
			return "", errJavaShort
		}
		raw, _ := r.take(int(n))
		s, err := decodeModifiedUTF8(raw)
		if err != nil {
			return "", err
		}
		r.newHandle(s, true)
		return s, nil
	case tcReference:
		h, err := r.u32()
		if err != nil {
			return "", err
		}
		i := int64(h) - javaBaseHandle
		if i < 0 || i >= int64(len(r.strings)) || !r.isStr[i] {
			return "", fmt.Errorf("reference 0x%x is not an earlier string", h)
		}
		return r.strings[i], nil
	case tcNull:
		return "", errors.New("null, want a string")
	case tcObject:
		return "", errors.New("an object that is not a string (FreeOTP stores only strings)")
	}
	return "", fmt.Errorf("type code 0x%02x, want a string", tc)
}

// decodeModifiedUTF8 decodes Java's modified UTF-8: NUL as C0 80, and
// characters beyond the BMP as a UTF-16 surrogate pair, 3 bytes each.
func decodeModifiedUTF8(b []byte) (string, error) {
	var sb strings.Builder
	sb.Grow(len(b))
	var units []uint16
	flush := func() {
		if len(units) > 0 {
			sb.WriteString(string(utf16.Decode(units)))
			units = units[:0]
		}
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80 && c != 0:
			flush()
			sb.WriteByte(c)
			i++
			continue
		case c&0xE0 == 0xC0 && i+1 < len(b) && b[i+1]&0xC0 == 0x80:
			units = append(units, uint16(c&0x1F)<<6|uint16(b[i+1]&0x3F))
			i += 2
		case c&0xF0 == 0xE0 && i+2 < len(b) && b[i+1]&0xC0 == 0x80 && b[i+2]&0xC0 == 0x80:
			units = append(units, uint16(c&0x0F)<<12|uint16(b[i+1]&0x3F)<<6|uint16(b[i+2]&0x3F))
			i += 3
		default:
			return "", fmt.Errorf("invalid modified UTF-8 at byte %d of a string", i)
		}
	}
	flush()
	s := sb.String()
	if !utf8.ValidString(s) {
		return "", errors.New("invalid modified UTF-8 in a string")
	}
	return s, nil
}

func truncateName(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
