package replica

import (
	"errors"
	"testing"
	"time"
)

func TestParseStamp(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Stamp
		err  bool
	}{
		{name: "plain", in: "1767323045123.0.a1b2c3d4e5f60718", want: Stamp{1767323045123, 0, "a1b2c3d4e5f60718"}},
		{name: "counter", in: "0.4294967295.0000000000000000", want: Stamp{0, 4294967295, LegacyDevice}},
		{name: "leading zero wall", in: "01.0.a1b2c3d4e5f60718", err: true},
		{name: "leading zero n", in: "1.00.a1b2c3d4e5f60718", err: true},
		{name: "sign", in: "+1.0.a1b2c3d4e5f60718", err: true},
		{name: "negative", in: "-1.0.a1b2c3d4e5f60718", err: true},
		{name: "n overflow", in: "1.4294967296.a1b2c3d4e5f60718", err: true},
		{name: "wall too long", in: "1000000000000000.0.a1b2c3d4e5f60718", err: true},
		{name: "upper-case device", in: "1.0.A1B2C3D4E5F60718", err: true},
		{name: "short device", in: "1.0.a1b2", err: true},
		{name: "missing part", in: "1.a1b2c3d4e5f60718", err: true},
		{name: "extra part", in: "1.0.a1b2c3d4e5f60718.1", err: true},
		{name: "empty", in: "", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStamp(tt.in)
			if tt.err {
				if !errors.Is(err, ErrBadStamp) {
					t.Fatalf("ParseStamp(%q) = %v, %v; want ErrBadStamp", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseStamp(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func FuzzParseStamp(f *testing.F) {
	f.Add("1767323045123.0.a1b2c3d4e5f60718")
	f.Add("0.0.0000000000000000")
	f.Add("1.2.3")
	f.Fuzz(func(t *testing.T, s string) {
		st, err := ParseStamp(s)
		if err != nil {
			return
		}
		b, err := st.MarshalText()
		if err != nil || string(b) != s {
			t.Fatalf("%q parsed to %v but writes %q (%v)", s, st, b, err)
		}
	})
}

func TestClock(t *testing.T) {
	base := time.UnixMilli(1_000_000)
	c := NewClock("aaaaaaaaaaaaaaaa", Stamp{})
	s1 := c.Now(base)
	if s1 != (Stamp{1_000_000, 0, "aaaaaaaaaaaaaaaa"}) {
		t.Fatalf("first stamp %v", s1)
	}
	s2 := c.Now(base) // same millisecond
	s3 := c.Now(base.Add(-time.Hour))
	if !s2.After(s1) || !s3.After(s2) || s3.Wall != base.UnixMilli() {
		t.Fatalf("clock went back: %v %v %v", s1, s2, s3)
	}
	remote := Stamp{5_000_000, 7, "bbbbbbbbbbbbbbbb"}
	c.Observe(remote)
	s4 := c.Now(base)
	if !s4.After(remote) || s4.Device != "aaaaaaaaaaaaaaaa" || s4.Wall != remote.Wall {
		t.Fatalf("after observing %v: %v", remote, s4)
	}
	if s5 := c.Now(time.UnixMilli(6_000_000)); s5 != (Stamp{6_000_000, 0, "aaaaaaaaaaaaaaaa"}) {
		t.Fatalf("wall clock ahead again: %v", s5)
	}
	full := NewClock("aaaaaaaaaaaaaaaa", Stamp{10, 1<<32 - 1, "aaaaaaaaaaaaaaaa"})
	if s := full.Now(time.UnixMilli(10)); s.Wall != 11 || s.N != 0 {
		t.Fatalf("counter overflow gave %v", s)
	}
}
