package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// resource is one leaf of the resource tree: type / name or ID / language.
type resource struct {
	Type uint32 // RT_*; 0 for a named type
	ID   uint32 // 0 when the resource has a name
	Name string // the name, or "#ID"
	Lang uint32
	Data []byte
}

var le = binary.LittleEndian

var errTruncated = errors.New("truncated")

// parseResources walks the three levels of the IMAGE_RESOURCE_DIRECTORY
// tree at offset root of sec, the section that starts at address base.
// Offsets inside the tree count from root; data entries give addresses.
func parseResources(sec []byte, root, base uint32) ([]resource, error) {
	type dirEntry struct {
		id    uint32
		name  string
		off   uint32
		isDir bool
	}
	readDir := func(off uint32) ([]dirEntry, error) {
		at := uint64(root) + uint64(off)
		if at+16 > uint64(len(sec)) {
			return nil, errTruncated
		}
		n := int(le.Uint16(sec[at+12:])) + int(le.Uint16(sec[at+14:]))
		var out []dirEntry
		for i := range n {
			e := at + 16 + 8*uint64(i)
			if e+8 > uint64(len(sec)) {
				return nil, errTruncated
			}
			nameField, offField := le.Uint32(sec[e:]), le.Uint32(sec[e+4:])
			d := dirEntry{off: offField &^ (1 << 31), isDir: offField&(1<<31) != 0}
			if nameField&(1<<31) != 0 {
				s, err := resString(sec, uint64(root)+uint64(nameField&^(1<<31)))
				if err != nil {
					return nil, err
				}
				d.name = s
			} else {
				d.id, d.name = nameField, fmt.Sprintf("#%d", nameField)
			}
			out = append(out, d)
		}
		return out, nil
	}

	var out []resource
	types, err := readDir(0)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		if !t.isDir {
			return nil, errors.New("type entry is not a directory")
		}
		names, err := readDir(t.off)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if !n.isDir {
				return nil, errors.New("name entry is not a directory")
			}
			langs, err := readDir(n.off)
			if err != nil {
				return nil, err
			}
			for _, l := range langs {
				if l.isDir {
					return nil, errors.New("language entry is a directory")
				}
				at := uint64(root) + uint64(l.off)
				if at+16 > uint64(len(sec)) {
					return nil, errTruncated
				}
				rva, size := le.Uint32(sec[at:]), le.Uint32(sec[at+4:])
				if rva < base || uint64(rva-base)+uint64(size) > uint64(len(sec)) {
					return nil, fmt.Errorf("resource %s/%s data outside the section", t.name, n.name)
				}
				out = append(out, resource{Type: t.id, ID: n.id, Name: n.name, Lang: l.id,
					Data: sec[rva-base : rva-base+size]})
			}
		}
	}
	return out, nil
}

// resString reads an IMAGE_RESOURCE_DIR_STRING_U: a length, then UTF-16.
func resString(b []byte, at uint64) (string, error) {
	if at+2 > uint64(len(b)) {
		return "", errTruncated
	}
	n := uint64(le.Uint16(b[at:]))
	if at+2+2*n > uint64(len(b)) {
		return "", errTruncated
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = le.Uint16(b[at+2+2*uint64(i):])
	}
	return string(utf16.Decode(u)), nil
}

// iconEntry is one GRPICONDIRENTRY: the size (0 in the file means 256)
// and the RT_ICON ID holding the image.
type iconEntry struct {
	Size int
	ID   uint16
}

func parseGroupIcon(b []byte) ([]iconEntry, error) {
	if len(b) < 6 || le.Uint16(b[2:]) != 1 {
		return nil, errors.New("not a GRPICONDIR")
	}
	n := int(le.Uint16(b[4:]))
	if len(b) < 6+14*n {
		return nil, errTruncated
	}
	out := make([]iconEntry, n)
	for i := range out {
		e := b[6+14*i:]
		size := int(e[0])
		if size == 0 {
			size = 256
		}
		out[i] = iconEntry{Size: size, ID: le.Uint16(e[12:])}
	}
	return out, nil
}

// versionInfo is what parseVersion reads from a VS_VERSIONINFO.
type versionInfo struct {
	Fixed   string            // file version from VS_FIXEDFILEINFO, "0.1.0.1"
	Strings map[string]string // StringFileInfo values of the first table
}

// parseVersion walks the VS_VERSIONINFO block tree: each block is wLength,
// wValueLength, wType (1 = text, its length in WCHARs), a NUL-terminated
// UTF-16 key, padding to 4 bytes, the value, padding, then child blocks.
func parseVersion(b []byte) (versionInfo, error) {
	v := versionInfo{Strings: map[string]string{}}
	var walk func(b []byte, depth int, parent string) error
	walk = func(b []byte, depth int, parent string) error {
		for len(b) >= 6 {
			length := int(le.Uint16(b))
			if length < 6 || length > len(b) {
				return errTruncated
			}
			blk := b[:length]
			valueLen, text := int(le.Uint16(blk[2:])), le.Uint16(blk[4:]) == 1
			key, end := utf16z(blk, 6)
			off := align4(end)
			if text {
				valueLen *= 2
			}
			if off+valueLen > len(blk) {
				return errTruncated
			}
			value := blk[off : off+valueLen]
			switch {
			case depth == 0:
				if key != "VS_VERSION_INFO" {
					return fmt.Errorf("root key %q", key)
				}
				if len(value) >= 16 && le.Uint32(value) == 0xFEEF04BD {
					ms, ls := le.Uint32(value[8:]), le.Uint32(value[12:])
					v.Fixed = fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
				}
			case depth == 3 && parent == "StringFileInfo" && text:
				s, _ := utf16z(value, 0)
				v.Strings[key] = s
			}
			if depth < 3 {
				p := key
				if depth == 2 {
					p = parent // a string table: keep StringFileInfo for its strings
				}
				if err := walk(blk[min(align4(off+valueLen), len(blk)):], depth+1, p); err != nil {
					return err
				}
			}
			b = b[min(align4(length), len(b)):]
		}
		return nil
	}
	if err := walk(b, 0, ""); err != nil {
		return versionInfo{}, err
	}
	return v, nil
}

// utf16z decodes a NUL-terminated UTF-16LE string at b[at:] and returns it
// with the offset just past the NUL (or the end of b).
func utf16z(b []byte, at int) (string, int) {
	var u []uint16
	for at+1 < len(b) {
		c := le.Uint16(b[at:])
		at += 2
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u)), at
}

func align4(n int) int { return (n + 3) &^ 3 }
