//go:build linux

package realwin

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// changed is the bounding box of the pixels that differ between two
// screenshots inside r (empty when none do).
func changed(a, b image.Image, r image.Rectangle) image.Rectangle {
	var box image.Rectangle
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if max(absDiff(r1, r2), absDiff(g1, g2), absDiff(b1, b2)) > 0x800 {
				box = box.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return box
}

// bottom is the lower quarter of a window's screenshot, where toasts show.
func bottom(img image.Image) image.Rectangle {
	b := img.Bounds()
	return image.Rect(b.Min.X, b.Max.Y-b.Dy()/4, b.Max.X, b.Max.Y)
}

// A copied code is announced by a toast at the bottom that does not take
// the keyboard: typing right after still searches, and the toast goes by
// itself.
func TestToastKeepsTheKeyboard(t *testing.T) {
	s, p := unlocked(t)
	ys := p.rows(2)
	before := p.shot("before-toast")
	from := time.Now()
	p.click(200, ys[1], 1)
	s.checkCopied("bob@example.org", from)
	p.waitTrace("toast")
	var box image.Rectangle
	img := p.until("toast", func(img image.Image) bool {
		box = changed(before, img, bottom(img))
		return box.Dx() > 100 && box.Dy() > 20
	}, func() string { return fmt.Sprintf("no toast drawn at the bottom (changed %v)", box) })
	if c := contrast(img, box); c < 4.5 {
		t.Errorf("toast text contrast %.2f, want at least 4.5", c)
	}
	if w := img.Bounds().Dx(); box.Min.X < 0 || box.Max.X > w {
		t.Errorf("toast %v outside the %d px window", box, w)
	}
	// The keyboard is still the list's: typing filters it.
	s.typeText("test")
	p.rows(1)
	p.waitTrace("toast hidden")
	p.until("toast-gone", func(img image.Image) bool { return changed(before, img, bottom(img)).Empty() },
		func() string { return "the toast stayed drawn after it was hidden" })
}

// Delete asks, deletes at once, and the toast's Undo (a click on it) puts
// the account back at its place, in the window and in the vault on disk.
func TestUndoDeleteInTheWindow(t *testing.T) {
	s, p := unlocked(t)
	p.rows(2)
	before := p.shot("before-delete")
	s.key("Delete") // the focused first row: Example (alice)
	p.waitTrace("dialog")
	s.key("Tab", "Tab", "space") // Cancel, then Delete: Enter alone cancels
	p.waitTrace("deleted")
	p.rows(1)
	if out := s.cli("list"); strings.Contains(out, "alice@example.com") {
		t.Fatalf("after Delete the vault still lists alice:\n%s", out)
	}
	var box image.Rectangle
	p.until("undo-toast", func(img image.Image) bool {
		box = changed(before, img, bottom(img))
		return box.Dx() > 100 && box.Dy() > 20
	}, func() string { return fmt.Sprintf("no undo toast drawn (changed %v)", box) })
	// The pointer on the toast holds it however slow the machine is; the
	// Undo button is its right end.
	s.xdo("mousemove", "--window", p.window, strconv.Itoa(box.Min.X+20), strconv.Itoa((box.Min.Y+box.Max.Y)/2))
	p.waitTrace("toast held")
	p.click(box.Max.X-25, (box.Min.Y+box.Max.Y)/2, 1)
	p.waitTrace("restored")
	p.rows(2)
	out := s.cli("list")
	a, b := strings.Index(out, "alice@example.com"), strings.Index(out, "bob@example.org")
	if a < 0 || b < 0 || a > b {
		t.Fatalf("after Undo the vault lists, want alice back first:\n%s", out)
	}
	from := time.Now()
	s.typeText("alice") // the restored account copies its real code
	s.key("Return")
	s.checkCopied("alice@example.com", from)
}

// Locking during the undo window keeps the delete (what was confirmed) and
// leaves nothing to undo; the other account is untouched.
func TestLockInTheUndoWindow(t *testing.T) {
	s, p := unlocked(t)
	p.rows(2)
	s.key("Delete")
	p.waitTrace("dialog")
	s.key("Tab", "Tab", "space")
	p.waitTrace("toast")
	s.key("ctrl+l")
	p.waitTrace("locked")
	p.unlock()
	p.rows(1)
	s.key("ctrl+z") // nothing to undo any more
	time.Sleep(time.Second)
	p.rows(1)
	if out := s.cli("list"); strings.Contains(out, "alice@example.com") || !strings.Contains(out, "bob@example.org") {
		t.Fatalf("after a lock in the undo window the vault lists:\n%s", out)
	}
}

// width is the window's width as the X server has it.
func (p *proc) width() int {
	p.s.t.Helper()
	out, err := p.s.xdoOut("getwindowgeometry", "--shell", p.window)
	if err != nil {
		p.s.t.Fatalf("getwindowgeometry: %v\n%s", err, out)
	}
	for _, l := range strings.Fields(out) {
		if w, ok := strings.CutPrefix(l, "WIDTH="); ok {
			n := 0
			fmt.Sscan(w, &n)
			return n
		}
	}
	p.s.t.Fatalf("no WIDTH in %q", out)
	return 0
}

// wraps are the Japanese labels' lines as the app broke them in the real
// window, with the real font at the real width ("nidan-trace: wrap a|b").
func (p *proc) wraps() [][]string {
	var out [][]string
	for _, l := range strings.Split(p.out.String(), "\n") {
		if t, ok := strings.CutPrefix(l, "nidan-trace: wrap "); ok {
			out = append(out, strings.Split(t, "|"))
		}
	}
	return out
}

// Japanese wraps by its rules in the real window: no line starts with 。、
// or ー, バックアップ and ウェブサイト stay whole, and the window keeps its
// width through the screens with long sentences.
func TestJapaneseWrapsByItsRules(t *testing.T) {
	t.Parallel()
	s := newSession(t, "LANG=ja_JP.UTF-8")
	p := s.launch()
	p.waitWindow()
	w0 := p.width()
	p.waitTrace("focused")
	s.typeText(password)
	s.key("Return")
	p.waitTrace("unlocked") // an empty vault: the list has no row to focus
	time.Sleep(time.Second)
	p.shot("empty-ja") // the empty list's sentence
	s.key("ctrl+n")
	p.waitTrace("focused")
	p.shot("add-ja")
	s.key("Escape")
	s.key("ctrl+comma")
	p.waitTrace("screen settings")
	time.Sleep(time.Second)
	p.shot("settings-ja")
	s.key("Escape")
	if w := p.width(); w != w0 {
		t.Errorf("the window grew from %d to %d px wide", w0, w)
	}
	broken := 0
	for _, lines := range p.wraps() {
		if len(lines) > 1 {
			broken++
		}
		for i, l := range lines {
			if i > 0 && (strings.HasPrefix(l, "。") || strings.HasPrefix(l, "、") || strings.HasPrefix(l, "ー")) {
				t.Errorf("line %d starts with %q: %q", i, []rune(l)[0], lines)
			}
		}
		joined, split := strings.Join(lines, ""), strings.Join(lines, "|")
		for _, word := range []string{"バックアップ", "ウェブサイト", "パスワード", "復元"} {
			if strings.Count(joined, word) != strings.Count(split, word) {
				t.Errorf("%s split: %q", word, lines)
			}
		}
	}
	if broken < 2 {
		t.Fatalf("only %d Japanese labels wrapped on the lock, list, add and settings screens: %q", broken, p.wraps())
	}
}

// Resting the pointer on an icon button shows its tooltip, which does not
// take the keyboard and goes when the pointer leaves.
func TestTooltipOnHover(t *testing.T) {
	s, p := unlocked(t)
	p.rows(2)
	s.xdo("mousemove", "--window", p.window, "200", "400") // away from the bar first
	before := p.shot("before-tip")
	below := image.Rect(200, 42, 480, 80)                 // under the top bar's buttons, above the rows
	s.xdo("mousemove", "--window", p.window, "418", "21") // the padlock
	p.waitTrace("tooltip Lock (Ctrl+L)")
	var box image.Rectangle
	img := p.until("tooltip", func(img image.Image) bool {
		box = changed(before, img, below)
		return box.Dx() > 40 && box.Dy() > 10
	}, func() string { return fmt.Sprintf("no tooltip drawn under the padlock (changed %v)", box) })
	if c := contrast(img, box); c < 4.5 {
		t.Errorf("tooltip contrast %.2f, want at least 4.5", c)
	}
	s.typeText("test") // the keyboard is still the list's
	p.rows(1)
	s.xdo("mousemove", "--window", p.window, "200", "400")
	p.until("tooltip-gone", func(img image.Image) bool { return changed(before, img, below).Empty() },
		func() string { return "the tooltip stayed after the pointer left" })
}

// A row's ⋮ button shows while the pointer is on the row, and resting on it
// shows its tip under the row. The ticker is off (NIDAN_BENCH_NOTICK), so
// that only the pointer changes the pixels compared.
func TestRowMenuTooltip(t *testing.T) {
	s, p := unlocked(t, "NIDAN_BENCH_NOTICK=1")
	ys := p.rows(2)
	// From the second row onto the first: a pointer already resting on a
	// row when it was drawn tells it nothing until it moves.
	s.xdo("mousemove", "--window", p.window, "200", strconv.Itoa(ys[1]))
	s.xdo("mousemove", "--window", p.window, "200", strconv.Itoa(ys[0]))
	// The ⋮ icon: light dots right of the code and ring (dark theme),
	// short of the scroll bar.
	var dots image.Rectangle
	p.until("row-menu-button", func(img image.Image) bool {
		dots = image.Rectangle{}
		for y := ys[0] - 35; y < ys[0]+35; y++ {
			for x := 420; x < img.Bounds().Max.X-14; x++ {
				if lum(img, x, y) > 0.4 {
					dots = dots.Union(image.Rect(x, y, x+1, y+1))
				}
			}
		}
		return dots.Dx() >= 2 && dots.Dy() >= 8 && dots.Dx() < 8
	}, func() string { return fmt.Sprintf("no ⋮ button drawn on the hovered row (light pixels %v)", dots) })
	before := p.shot("row-menu-before-tip")
	c := dots.Min.Add(dots.Size().Div(2))
	s.xdo("mousemove", "--window", p.window, strconv.Itoa(c.X), strconv.Itoa(c.Y))
	p.waitTrace("tooltip More actions")
	below := image.Rect(150, ys[0]+44, before.Bounds().Max.X, ys[0]+110) // the next row, under the button
	var box image.Rectangle
	img := p.until("row-menu-tooltip", func(img image.Image) bool {
		box = changed(before, img, below)
		return box.Dx() > 40 && box.Dy() > 10
	}, func() string { return fmt.Sprintf("no tooltip drawn under the row's ⋮ button (changed %v)", box) })
	if k := contrast(img, box); k < 4.5 {
		t.Errorf("row tooltip contrast %.2f, want at least 4.5", k)
	}
	s.xdo("mousemove", "--window", p.window, "200", strconv.Itoa(ys[1]))
	p.until("row-menu-tooltip-gone", func(img image.Image) bool {
		return changed(before, img, image.Rect(150, ys[0]+44, 420, ys[0]+110)).Dx() < 40
	}, func() string { return "the row's tooltip stayed after the pointer left" })
}

// Hints and secondary text (a form hint, the sync status) read at 4.5:1 or
// more in the dark and the light theme; Fyne's own grey measured 1.6:1 and
// 1.3:1.
func TestGreyTextReadable(t *testing.T) {
	s, p := unlocked(t)
	s.key("ctrl+comma")
	p.waitTrace("screen settings")
	regions := map[string]image.Rectangle{
		"clipboard hint": image.Rect(150, 182, 420, 199),
		"sync status":    image.Rect(150, 430, 430, 486),
	}
	check := func(variant string) {
		t.Helper()
		var problems []string
		p.until("settings-"+variant, func(img image.Image) bool {
			problems = problems[:0]
			for name, r := range regions {
				if c := contrast(img, r); c < 4.5 {
					problems = append(problems, fmt.Sprintf("%s %.2f:1", name, c))
				}
			}
			return len(problems) == 0
		}, func() string { return variant + ": " + strings.Join(problems, ", ") })
	}
	check("dark")
	s.key("Tab", "Right")
	p.waitTrace("theme light")
	check("light")
}

// On first launch Tab goes from the password to its confirmation: typing
// both and Enter creates the vault (were the second typed into the first
// field, Enter there would only move on).
func TestTabReachesConfirmation(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	if err := os.RemoveAll(filepath.Join(s.home, "vault")); err != nil {
		t.Fatal(err)
	}
	p := s.launch()
	p.waitWindow()
	s.key("Return") // Get started, as its highlighted button says
	p.waitTrace("focused")
	s.typeText(password)
	s.key("Tab")
	s.typeText(password)
	s.key("Return")
	waitFor(t, 60*time.Second, "the vault to be created", func() bool {
		_, err := os.Stat(filepath.Join(s.home, "vault", "vault.nidan"))
		return err == nil
	})
	if out := s.cli("list"); strings.Contains(out, "error") {
		t.Fatalf("nidan list on the new vault: %s", out)
	}
}
