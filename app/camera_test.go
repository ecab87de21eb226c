package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/internal/synth"
	"github.com/nidan-auth/nidan/scanner"
)

// errEndOfRecording ends a recording's playback.
var errEndOfRecording = errors.New("end of recording")

// recording is a scanner.FrameSource that plays frames recorded earlier
// (here: drawn by synth), as the V4L2 camera delivers live ones.
type recording struct {
	frames []image.Image
	next   int
	closed bool
}

func (r *recording) Next() (image.Image, error) {
	if r.next == len(r.frames) {
		return nil, errEndOfRecording
	}
	r.next++
	return r.frames[r.next-1], nil
}

func (r *recording) Close() error { r.closed = true; return nil }

// exportFrames builds a Google Authenticator export of 14 accounts in
// three QR codes (the phone app splits a large export alike) and the frames of a webcam as a
// phone showing them is held up to it: an empty room, the first part
// blurred and then sharp, the first part again, the third part tilted,
// the second too far away, then moving, then held still.
func exportFrames(t *testing.T) ([]string, []image.Image, []accounts.Account) {
	t.Helper()
	var accts []accounts.Account
	for i := range 14 {
		accts = append(accts, testAccount(t, fmt.Sprintf("Service %d", i), fmt.Sprintf("user%d@example.com", i), "JBSWY3DPEHPK3PXP"+string(rune('A'+i%26))+"A"))
	}
	uris, err := accounts.MigrationURIs(accts, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(uris) != 3 {
		t.Fatalf("%d export codes, want 3", len(uris))
	}
	r := rand.New(rand.NewPCG(31, 32))
	code := func(i int) image.Image {
		c, err := synth.Code(uris[i], 4, qrcode.Medium)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	shot := synth.Shot{W: 640, H: 480, Scale: 0.62, Tilt: 0.1, Turn: 6, Blur: 1, Noise: 4}
	at := func(i int, f func(*synth.Shot)) image.Image {
		s := shot
		if f != nil {
			f(&s)
		}
		return synth.PhoneFrame(r, code(i), s)
	}
	room := synth.Noise(r, synth.Screenshot(r, 640, 480, true), 4)
	frames := []image.Image{
		room,
		at(0, func(s *synth.Shot) { s.Blur = 3 }),
		at(0, nil),
		at(0, func(s *synth.Shot) { s.Turn = -4 }),
		at(2, func(s *synth.Shot) { s.Tilt, s.Turn, s.Dx = 0.2, 15, 0.03 }),
		at(1, func(s *synth.Shot) { s.Scale = 0.5 }),
		at(1, func(s *synth.Shot) { s.Turn = -10 }),
		at(1, func(s *synth.Shot) { s.Turn, s.Blur = 3, 0 }),
		room, // never reached: the export is complete
	}
	return uris, frames, accts
}

// TestCameraCollectsExport plays the recording through the camera
// window's frame loop and collector.
func TestCameraCollectsExport(t *testing.T) {
	uris, frames, accts := exportFrames(t)
	src := &recording{frames: frames}
	var got []camProgress
	err := scanFrames(context.Background(), src, newCollector(), func(_ image.Image, p camProgress) {
		t.Logf("frame %d: hint %d, %d of %d, read %v, done %v", len(got), p.hint, p.scanned, p.total, p.read, p.done)
		got = append(got, p)
	})
	if err != nil {
		t.Fatalf("scanFrames: %v after %d frames", err, src.next)
	}
	// The export's batch id is random, so the codes (and what exactly a
	// blurred frame of them yields) differ from run to run; the moving
	// frame of the second part may or may not read.
	if len(got) < 7 || len(got) > 8 {
		t.Fatalf("stopped after %d frames, want 7 or 8", len(got))
	}
	last := got[len(got)-1]
	if !last.done || last.scanned != 3 || last.total != 3 {
		t.Fatalf("last frame: %+v; want all 3 parts", last)
	}
	if !slices.Equal(last.texts, uris) {
		t.Errorf("collected parts differ from the export's codes")
	}
	// What the user is told along the way.
	if got[0].hint != hintAim || got[0].total != 0 {
		t.Errorf("empty room: %+v", got[0])
	}
	if !got[2].read || got[2].scanned != 1 || got[2].total != 3 || got[2].hint != hintAnother {
		t.Errorf("first part: %+v; want 1 of 3 read, asking for the next", got[2])
	}
	if got[3].read || got[3].scanned != 1 || got[3].hint != hintAnother {
		t.Errorf("first part again: %+v; want no new part", got[3])
	}
	if !got[4].read || got[4].scanned != 2 {
		t.Errorf("third part, tilted: %+v; want 2 of 3", got[4])
	}
	for _, p := range got[5 : len(got)-1] {
		if p.read || p.hint == hintNotOTP || p.hint == hintAnother {
			t.Errorf("second part, far or moving: %+v", p)
		}
	}
	var all []accounts.Account
	for _, u := range last.texts {
		m, err := accounts.ParseMigration(u)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, m.Accounts...)
	}
	if len(all) != len(accts) {
		t.Errorf("%d accounts from the collected parts, want %d", len(all), len(accts))
	}
}

// TestCameraWindowImportsExport opens the camera window on the recording
// and follows it to the checklist of every account in the export.
func TestCameraWindowImportsExport(t *testing.T) {
	if isMobile() {
		t.Skip("desktop: a phone has no camera window and its own export labels (phone_test.go)")
	}
	_, frames, accts := exportFrames(t)
	u, _ := newUnlockedUI(t)
	src := &recording{frames: frames}
	u.opts.Camera = func() (scanner.FrameSource, error) { return src, nil }
	u.onAdd()
	test.Tap(button(t, u, "Use the camera"))
	mustShow(t, u, fmt.Sprintf("Found %d accounts", len(accts)))
	if !src.closed {
		t.Error("camera not closed after the scan")
	}
	test.Tap(button(t, u, "Add selected"))
	if n := len(u.vault.Accounts()); n != len(accts) {
		t.Errorf("vault holds %d accounts, want %d", n, len(accts))
	}
}

// A camera that stops delivering frames brings back the add screen with
// the reason.
func TestCameraWindowSourceFails(t *testing.T) {
	if isMobile() {
		t.Skip("desktop: a phone has no camera window and its own export labels (phone_test.go)")
	}
	u, _ := newUnlockedUI(t)
	u.opts.Camera = func() (scanner.FrameSource, error) { return &recording{}, nil }
	u.onAdd()
	test.Tap(button(t, u, "Use the camera"))
	mustShow(t, u, "The camera stopped sending pictures")
}

// TestCollectorHints covers the hint for each kind of frame and the
// collector's rules for codes that do not belong to the export.
func TestCollectorHints(t *testing.T) {
	uris, _, _ := exportFrames(t)
	other, err := accounts.MigrationURIs([]accounts.Account{testAccount(t, "Other", "o", "JBSWY3DPEHPK3PXP")}, 5)
	if err != nil {
		t.Fatal(err)
	}
	res := func(texts ...string) scanner.Frame {
		var f scanner.Frame
		for _, s := range texts {
			f.Results = append(f.Results, scanner.Result{Text: s})
		}
		return f
	}
	c := newCollector()
	for _, tc := range []struct {
		name    string
		frame   scanner.Frame
		hint    hint
		scanned int
		done    bool
	}{
		{"nothing", scanner.Frame{}, hintAim, 0, false},
		{"one stray finder", scanner.Frame{Finders: 1, Module: 2}, hintCloser, 0, false},
		{"small finders", scanner.Frame{Finders: 3, Module: 2.2}, hintCloser, 0, false},
		{"large finders", scanner.Frame{Finders: 3, Module: 6}, hintSteady, 0, false},
		{"a web address", res("https://example.com"), hintNotOTP, 0, false},
		{"part 2", res(uris[1]), hintAnother, 1, false},
		{"part 2 again", res(uris[1]), hintAnother, 1, false},
		{"a lone code while collecting", res("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"), hintAnother, 1, false},
		{"a one-part export while collecting", res(other[0]), hintAnother, 1, false},
		{"parts 1 and 3 together", res(uris[0], uris[2]), hintAim, 3, true},
	} {
		p := c.feed(tc.frame)
		if p.hint != tc.hint || p.scanned != tc.scanned || p.done != tc.done {
			t.Errorf("%s: hint %d, %d scanned, done %v; want hint %d, %d, %v", tc.name, p.hint, p.scanned, p.done, tc.hint, tc.scanned, tc.done)
		}
	}
	if !slices.Equal(c.texts(), uris) {
		t.Error("texts not in the export's order")
	}
	// A lone otpauth code completes a scan at once.
	c = newCollector()
	if p := c.feed(res("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")); !p.done || len(p.texts) != 1 {
		t.Errorf("lone code: %+v", p)
	}
	// Another export's first part restarts the collection.
	c = newCollector()
	c.feed(res(uris[0]))
	more, _ := accounts.MigrationURIs(append(make([]accounts.Account, 0), testAccount(t, "A", "a", "JBSWY3DPEHPK3PXP"), testAccount(t, "B", "b", "JBSWY3DPEHPK3PXQ")), 1)
	if p := c.feed(res(more[0])); p.total != 2 || p.scanned != 1 {
		t.Errorf("another export: %+v; want 1 of 2", p)
	}
}
