package replica

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrBadStamp is a stamp that does not follow WALL.N.DEVICE.
var ErrBadStamp = errors.New("bad change stamp")

// LegacyDevice is the device of stamps given to version 1 accounts on
// upgrade. Every device upgrading the same file gives the same stamps.
const LegacyDevice = "0000000000000000"

const deviceIDLen = 16

// Stamp orders changes across devices: a hybrid logical clock reading
// (Wall in Unix milliseconds, N a counter for changes within one
// millisecond or while the wall clock lags) and the device that made it.
type Stamp struct {
	Wall   int64
	N      uint32
	Device string
}

// Compare orders stamps by Wall, then N, then Device.
func (s Stamp) Compare(o Stamp) int {
	if c := cmp.Compare(s.Wall, o.Wall); c != 0 {
		return c
	}
	if c := cmp.Compare(s.N, o.N); c != 0 {
		return c
	}
	return strings.Compare(s.Device, o.Device)
}

// After reports whether s orders after o.
func (s Stamp) After(o Stamp) bool { return s.Compare(o) > 0 }

// IsZero reports whether s is the zero Stamp (never a valid change).
func (s Stamp) IsZero() bool { return s == Stamp{} }

// Time returns the wall part as a time.
func (s Stamp) Time() time.Time { return time.UnixMilli(s.Wall).UTC() }

// String is the text form, WALL.N.DEVICE.
func (s Stamp) String() string {
	return strconv.FormatInt(s.Wall, 10) + "." + strconv.FormatUint(uint64(s.N), 10) + "." + s.Device
}

// MarshalText writes the text form; the zero stamp cannot be written.
func (s Stamp) MarshalText() ([]byte, error) {
	if err := checkDevice(s.Device); err != nil || s.Wall < 0 {
		return nil, fmt.Errorf("%w: %q", ErrBadStamp, s.String())
	}
	return []byte(s.String()), nil
}

// UnmarshalText parses the text form strictly: decimal numbers without
// sign or leading zeros, a 16-hex-digit device.
func (s *Stamp) UnmarshalText(b []byte) error {
	p, err := ParseStamp(string(b))
	if err != nil {
		return err
	}
	*s = p
	return nil
}

// ParseStamp parses WALL.N.DEVICE.
func ParseStamp(text string) (Stamp, error) {
	parts := strings.Split(text, ".")
	if len(parts) != 3 {
		return Stamp{}, fmt.Errorf("%w: %q", ErrBadStamp, text)
	}
	w, errW := parseDecimal(parts[0], 15, 63)
	n, errN := parseDecimal(parts[1], 10, 32)
	if errW != nil || errN != nil || checkDevice(parts[2]) != nil {
		return Stamp{}, fmt.Errorf("%w: %q", ErrBadStamp, text)
	}
	return Stamp{Wall: int64(w), N: uint32(n), Device: parts[2]}, nil
}

func parseDecimal(s string, maxDigits, bits int) (uint64, error) {
	if s == "" || len(s) > maxDigits || (len(s) > 1 && s[0] == '0') || strings.TrimLeft(s, "0123456789") != "" {
		return 0, ErrBadStamp
	}
	return strconv.ParseUint(s, 10, bits)
}

// checkDevice accepts a device id: 16 lower-case hex digits.
func checkDevice(d string) error {
	if len(d) != deviceIDLen || strings.Trim(d, "0123456789abcdef") != "" {
		return fmt.Errorf("%w: device id %q", ErrBadStamp, d)
	}
	return nil
}

// ValidDevice reports whether d is a well-formed device id.
func ValidDevice(d string) bool { return checkDevice(d) == nil }

// maxStamp returns the greater of two stamps.
func maxStamp(a, b Stamp) Stamp {
	if b.After(a) {
		return b
	}
	return a
}

// Clock is one device's hybrid logical clock. It is not safe for
// concurrent use; the vault holds it under its own lock.
type Clock struct {
	device string
	last   Stamp
}

// NewClock returns the clock of device, continuing from last (the clock
// saved in the payload, or the zero Stamp for a new device).
func NewClock(device string, last Stamp) *Clock {
	return &Clock{device: device, last: last}
}

// Now returns a stamp for a change made at wall time pt: after every stamp
// this clock made or observed, and equal to pt when the wall clock is
// ahead of them all.
func (c *Clock) Now(pt time.Time) Stamp {
	ms := pt.UnixMilli()
	if ms > c.last.Wall {
		c.last = Stamp{Wall: ms, Device: c.device}
	} else {
		n := c.last.N + 1
		w := c.last.Wall
		if n == 0 { // 2³² changes in one millisecond: borrow the next one
			w++
		}
		c.last = Stamp{Wall: w, N: n, Device: c.device}
	}
	return c.last
}

// Observe raises the clock to at least s, so later stamps order after it.
func (c *Clock) Observe(s Stamp) {
	c.last = maxStamp(c.last, s)
}

// Last returns the greatest stamp made or observed.
func (c *Clock) Last() Stamp { return c.last }

// Device returns the clock's device id.
func (c *Clock) Device() string { return c.device }
