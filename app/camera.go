package app

import (
	"context"
	"errors"
	"image"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
)

// The camera window: a live preview with a guide box, a hint while a code
// is in view but unreadable, a flash for every code read, and the parts of
// a multi-code Google Authenticator export collected across frames ("2 of
// 3 scanned") until the export is complete. The frame loop and the
// collecting logic take any scanner.FrameSource and no widgets, so a test
// plays recorded frames through the same code the window runs.

// hint is what the camera window tells the user about the last frame.
type hint int

const (
	hintAim     hint = iota // nothing recognisable in view
	hintCloser              // finder patterns seen, modules too small
	hintSteady              // finder patterns seen, large enough: blur or motion
	hintNotOTP              // a QR code that is not an authenticator code
	hintAnother             // read a part already collected: show the next one
)

// Below this module size (frame pixels) a code in view is too small to
// read; at or above it, a code that does not decode is blurred or moving.
const closerBelow = 3.0

// camProgress is the collector's state after a frame.
type camProgress struct {
	hint    hint
	scanned int      // parts of the export collected so far
	total   int      // parts in the export, 0 until a part is read
	read    bool     // this frame added a code (flash)
	done    bool     // texts holds everything to add
	texts   []string // what was collected so far
}

// collector gathers codes across camera frames. A plain otpauth code
// completes the scan at once; the parts of an export (same batch id) are
// kept until every index up to the batch size has been seen. It has no
// widgets and is used from one goroutine.
type collector struct {
	batchID int
	size    int
	parts   map[int]string
	single  string
}

func newCollector() *collector { return &collector{parts: map[int]string{}} }

// feed takes one decoded frame.
func (c *collector) feed(f scanner.Frame) camProgress {
	p := camProgress{hint: hintAim}
	switch {
	case len(f.Results) == 0 && f.Finders > 0 && f.Module < closerBelow:
		p.hint = hintCloser
	case len(f.Results) == 0 && f.Finders > 0:
		p.hint = hintSteady
	}
	for _, r := range f.Results {
		switch c.take(r.Text) {
		case takeNew:
			p.read = true
		case takeKnown:
			p.hint = hintAnother
		case takeOther:
			p.hint = hintNotOTP
		}
	}
	p.scanned, p.total = len(c.parts), c.size
	p.done = c.single != "" || (c.size > 0 && len(c.parts) == c.size)
	p.texts = c.texts()
	if !p.done && p.read {
		p.hint = hintAnother
	}
	return p
}

type taken int

const (
	takeNew taken = iota
	takeKnown
	takeOther
)

func (c *collector) take(text string) taken {
	lower := strings.ToLower(strings.TrimSpace(text))
	switch {
	case strings.HasPrefix(lower, "otpauth-migration:"):
		m, err := accounts.ParseMigration(text)
		if err != nil {
			fyne.LogError("camera: parse migration", err)
			return takeOther
		}
		if m.BatchSize <= 1 {
			if c.size == 0 {
				c.single = text
				return takeNew
			}
			return takeKnown // a lone export while collecting a batch: finish the batch first
		}
		if c.size == 0 || m.BatchID != c.batchID || m.BatchSize != c.size {
			// The first part, or another export than the one being
			// collected: start over with this one.
			c.batchID, c.size, c.parts = m.BatchID, m.BatchSize, map[int]string{}
		}
		if _, ok := c.parts[m.BatchIndex]; ok {
			return takeKnown
		}
		c.parts[m.BatchIndex] = text
		return takeNew
	case strings.HasPrefix(lower, "otpauth:"):
		if _, err := accounts.ParseURI(text); err != nil {
			fyne.LogError("camera: parse QR", err) // ParseURI errors never carry the secret
			return takeOther
		}
		if c.size > 0 {
			return takeKnown
		}
		c.single = text
		return takeNew
	}
	return takeOther
}

// texts returns what was collected: the single code, or the export's
// parts in order.
func (c *collector) texts() []string {
	if c.single != "" {
		return []string{c.single}
	}
	idx := make([]int, 0, len(c.parts))
	for i := range c.parts {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = c.parts[i]
	}
	return out
}

// scanFrames reads frames from src and feeds them to c until c is done,
// ctx ends or src fails. show is called after each frame, from this
// goroutine, with the frame and the progress.
func scanFrames(ctx context.Context, src scanner.FrameSource, c *collector, show func(image.Image, camProgress)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		frame, err := src.Next()
		if err != nil {
			return err
		}
		p := c.feed(scanner.DecodeFrame(frame))
		show(frame, p)
		if p.done {
			return nil
		}
	}
}

// cameraScreen is the camera window's content.
type cameraScreen struct {
	u        *ui
	add      *addScreen
	preview  *canvas.Image
	guide    *canvas.Rectangle
	hint     *wrapLabel
	progress *widget.Label
	useNow   *widget.Button
	texts    []string // collected so far, as of the last frame shown
	cancel   context.CancelFunc
	content  fyne.CanvasObject
}

func (s *cameraScreen) build() fyne.CanvasObject {
	s.preview = canvas.NewImageFromImage(image.NewGray(image.Rect(0, 0, 4, 3)))
	s.preview.FillMode = canvas.ImageFillContain
	s.preview.SetMinSize(fyne.NewSize(400, 300))
	s.guide = &canvas.Rectangle{StrokeColor: theme.Color(theme.ColorNamePrimary), StrokeWidth: 3,
		CornerRadius: theme.Size(theme.SizeNameInputRadius)}
	s.hint = wrapped(&widget.Label{Text: hintText(hintAim), Alignment: fyne.TextAlignCenter})
	s.progress = &widget.Label{Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}}
	s.progress.Hide()
	s.useNow = &widget.Button{Text: lang.L("Add the parts scanned so far"), OnTapped: s.onUseNow}
	s.useNow.Hide()
	cancel := &widget.Button{Text: lang.L("Cancel"), OnTapped: s.onCancel}
	view := container.NewStack(s.preview, container.New(guideLayout{}, s.guide))
	s.content = screen(s.u, lang.L("Use the camera"), view, s.hint, s.progress, s.useNow, cancel)
	return s.content
}

// run shows the screen and reads src until the scan completes or the user
// leaves. It closes src.
func (s *cameraScreen) run(src scanner.FrameSource) {
	s.u.show(s.build())
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	onUI := fyne.DoAndWait
	if s.u.opts.Sync {
		onUI = func(f func()) { f() } // tests: background work runs in line
	}
	var err error
	s.u.background(func() {
		defer src.Close()
		err = scanFrames(ctx, src, newCollector(), func(frame image.Image, p camProgress) {
			onUI(func() { s.onFrame(ctx, frame, p) })
		})
	}, func() { s.finish(ctx, err) })
}

// onFrame updates the window after a frame; on the UI goroutine.
func (s *cameraScreen) onFrame(ctx context.Context, frame image.Image, p camProgress) {
	if ctx.Err() != nil {
		return
	}
	if s.u.screen != s.content { // the user went elsewhere (locked, back)
		s.cancel()
		return
	}
	s.texts = p.texts
	s.preview.Image = frame
	s.preview.Refresh()
	s.hint.SetText(hintText(p.hint))
	if p.total > 1 {
		s.progress.SetText(lang.X("camera.progress", "{{.Scanned}} of {{.Total}} scanned", map[string]any{"Scanned": p.scanned, "Total": p.total}))
		s.progress.Show()
		if p.scanned < p.total {
			s.useNow.Show()
		}
	}
	if p.read {
		s.flash()
	}
}

// flash fills the guide box for a moment: a code was read.
func (s *cameraScreen) flash() {
	c := theme.Color(theme.ColorNameSuccess)
	r, g, b, _ := c.RGBA()
	s.guide.FillColor = color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0x70}
	s.guide.StrokeColor = c
	s.guide.Refresh()
	s.u.timers.after("camera-flash", 250*time.Millisecond, func() {
		s.guide.FillColor = color.Transparent
		s.guide.StrokeColor = theme.Color(theme.ColorNamePrimary)
		s.guide.Refresh()
	})
}

// finish ends the scan: hands what was collected to onTexts, or says why
// the camera stopped.
func (s *cameraScreen) finish(ctx context.Context, err error) {
	if ctx.Err() != nil || s.u.screen != s.content {
		return // cancelled, or the user left
	}
	s.cancel()
	if err != nil {
		fyne.LogError("camera frame", err)
		s.u.show(s.add.build())
		s.add.fail(lang.L("The camera stopped sending pictures. Check that no other program uses it, or open a photo of the code instead."))
		return
	}
	s.u.onTexts(s.texts, s.add.fail)
}

// onUseNow adds the parts of an export read so far; the note on the next
// screen says which are missing.
func (s *cameraScreen) onUseNow() {
	if len(s.texts) == 0 {
		return
	}
	s.cancel()
	s.u.onTexts(s.texts, s.add.fail)
}

func (s *cameraScreen) onCancel() {
	s.cancel()
	s.u.onAdd()
}

func hintText(h hint) string {
	switch h {
	case hintCloser:
		return lang.L("Move closer: the code is too small to read.")
	case hintSteady:
		return lang.L("Hold steadier: the code is in view but blurred.")
	case hintNotOTP:
		return lang.L("This QR code is not for two-step verification.")
	case hintAnother:
		return lang.L("Read. Show the next code of the export.")
	}
	return lang.L("Hold the QR code inside the box.")
}

// guideLayout places its one object as a centred square, two thirds of
// the smaller side: where the user should hold the code.
type guideLayout struct{}

func (guideLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(0, 0) }

func (guideLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	side := min(size.Width, size.Height) * 2 / 3
	for _, o := range objs {
		o.Resize(fyne.NewSize(side, side))
		o.Move(fyne.NewPos((size.Width-side)/2, (size.Height-side)/2))
	}
}

// openCamera opens the camera source: Options.Camera in tests that play
// recorded frames, else the V4L2 device.
func (u *ui) openCamera() (scanner.FrameSource, error) {
	if u.opts.Camera != nil {
		return u.opts.Camera()
	}
	return scanner.OpenCamera("")
}

// onCamera opens the camera window, or explains why there is none.
func (s *addScreen) onCamera() {
	cam, err := s.u.openCamera()
	if err != nil {
		fyne.LogError("camera", err)
		if errors.Is(err, scanner.ErrNoCamera) {
			s.fail(lang.L("No camera was found on this computer. Take a photo of the code and open it as an image, or enter the key by hand."))
		} else {
			s.fail(scanHint(err))
		}
		return
	}
	(&cameraScreen{u: s.u, add: s}).run(cam)
}
