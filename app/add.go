package app

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/scanner"
)

// addScreen offers the ways to add an account: scan the screen, open an
// image (or drop one on the window), paste an image, the camera, or type
// the key by hand. Every image route ends in onTexts.
type addScreen struct {
	u       *ui
	message *wrapLabel
}

func (s *addScreen) build() fyne.CanvasObject {
	s.message = wrapped(&widget.Label{Importance: widget.DangerImportance})
	s.message.Hide()
	if isMobile() {
		return s.buildPhone()
	}
	return screen(s.u, lang.L("Add account"),
		wrapped(&widget.Label{Text: lang.L("Show the QR code the website gives you, or type its key.")}),
		sourceButton(lang.L("Scan the screen"), theme.ComputerIcon(), s.onScanScreen),
		sourceButton(lang.L("Open an image…"), theme.FileImageIcon(), s.onOpenImage),
		sourceButton(lang.L("Paste an image"), theme.ContentPasteIcon(), s.onPaste),
		sourceButton(lang.L("Use the camera"), theme.MediaPhotoIcon(), s.onCamera),
		sourceButton(lang.L("Enter the key by hand"), theme.DocumentCreateIcon(), s.onManual),
		wrapped(&widget.Label{Text: lang.L("You can also drop an image file onto this window."), Importance: widget.LowImportance}),
		s.message)
}

func (u *ui) onAdd() {
	if u.vault == nil {
		return
	}
	u.idle.touch()
	u.show((&addScreen{u: u}).build())
}

func (s *addScreen) fail(msg string) {
	s.message.SetText(msg)
	s.message.Show()
}

// sourceButton is one way to add an account on the add screen: a full-width
// button, its label at the start.
func sourceButton(text string, icon fyne.Resource, f func()) *widget.Button {
	return &widget.Button{Text: text, Icon: icon, Alignment: widget.ButtonAlignLeading, OnTapped: f}
}

// onManual shows the form with the cursor in its first field: the next
// thing a person does there is type.
func (s *addScreen) onManual() {
	m := &manualScreen{u: s.u}
	s.u.show(m.build())
	s.u.focusSoon(m.issuer)
}

func (s *addScreen) onOpenImage() {
	images := storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"})
	s.u.openFile(images, func(r fyne.URIReadCloser) { s.u.scanReader(r, s.fail) })
}

// scanReader decodes an image from a file, a drop or an import, then
// closes it.
func (u *ui) scanReader(r io.ReadCloser, fail func(string)) {
	var results []scanner.Result
	var err error
	u.background(func() {
		defer r.Close()
		results, err = scanner.DecodeReader(r)
	}, func() {
		if err != nil {
			fyne.LogError("scan image", err)
			fail(scanHint(err))
			return
		}
		u.onTexts(scanner.Texts(results), fail)
	})
}

// onDropped takes image files dropped onto the window while unlocked.
func (u *ui) onDropped(_ fyne.Position, uris []fyne.URI) {
	if u.vault == nil || len(uris) == 0 {
		return
	}
	s := &addScreen{u: u}
	u.show(s.build())
	r, err := storage.Reader(uris[0])
	if err != nil {
		fyne.LogError("open dropped file", err)
		s.fail(lang.L("Could not read the dropped file."))
		return
	}
	u.scanReader(r, s.fail)
}

func scanHint(err error) string {
	return scanHintOr(err, lang.L("The image could not be read. Try another file or enter the key by hand."))
}

// scanHintOr is scanHint with the message for an unexpected error.
func scanHintOr(err error, other string) string {
	switch {
	case errors.Is(err, scanner.ErrNoCode):
		return lang.L("No QR code found. Make the code larger or sharper, or enter the key by hand.")
	case errors.Is(err, scanner.ErrNoImage):
		return lang.L("There is no image there. Copy the QR code as an image first.")
	case errors.Is(err, scanner.ErrUnsupported):
		return lang.L("This is not supported on this computer. Open an image or enter the key by hand instead.")
	case errors.Is(err, scanner.ErrTooLarge):
		return lang.L("The image is too large. Crop it to the QR code and try again.")
	}
	return other
}

// onTexts turns decoded QR texts into accounts: one account goes to the
// details screen, several (or a migration export) to a checklist.
func (u *ui) onTexts(texts []string, fail func(string)) {
	var found []accounts.Account
	var parts []string
	var bad int
	for _, t := range texts {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(t)), "otpauth-migration:") {
			m, err := accounts.ParseMigration(t)
			if err != nil {
				fyne.LogError("parse migration", err)
				bad++
				continue
			}
			found = append(found, m.Accounts...)
			if m.BatchSize > 1 {
				parts = append(parts, lang.X("migration.part", "part {{.Index}} of {{.Size}}", map[string]any{"Index": m.BatchIndex + 1, "Size": m.BatchSize}))
			}
			continue
		}
		a, err := accounts.ParseURI(t)
		if err != nil {
			fyne.LogError("parse QR", err) // ParseURI errors never carry the secret
			bad++
			continue
		}
		found = append(found, a)
	}
	switch {
	case len(found) == 0 && bad > 0:
		fail(lang.L("This QR code is not for two-step verification, or it is damaged. Nothing was added."))
	case len(found) == 0:
		fail(lang.L("No QR code found. Make the code larger or sharper, or enter the key by hand."))
	case len(found) == 1 && len(parts) == 0:
		u.showNewAccount(found[0])
	default:
		note := ""
		if len(parts) > 0 {
			note = lang.X("migration.note", "This export has several QR codes; this was {{.Parts}}. Scan the others afterwards.", map[string]any{"Parts": strings.Join(parts, ", ")})
		}
		u.show((&checklistScreen{u: u, accts: found, note: note}).build())
	}
	if bad > 0 && len(found) > 0 {
		fyne.LogError("scan", fmt.Errorf("%d of %d codes could not be read", bad, len(texts)))
	}
}

// screen is the frame of a secondary screen: a back arrow and title on top,
// the content in a centred scrolling column.
func screen(u *ui, title string, objs ...fyne.CanvasObject) fyne.CanvasObject {
	return screenWithAction(u, title, nil, objs...)
}

// screenWithAction is screen with its primary button: on a phone pinned
// under the scrolling content, so a long form never hides it below the
// fold; on a desktop the last item of the column, as in screen.
func screenWithAction(u *ui, title string, action fyne.CanvasObject, objs ...fyne.CanvasObject) fyne.CanvasObject {
	back := u.iconButton(theme.NavigateBackIcon(), lang.L("Back (Esc)"), widget.LowImportance, u.goBack)
	head := container.NewBorder(nil, nil, back, nil,
		wrapped(&widget.Label{Text: title, SizeName: theme.SizeNameSubHeadingText, TextStyle: fyne.TextStyle{Bold: true}}))
	var foot fyne.CanvasObject
	if action != nil {
		if isMobile() {
			foot = container.NewVBox(widget.NewSeparator(), container.NewPadded(action))
		} else {
			objs = append(objs, action)
		}
	}
	body := newKeepFocusVisible(u.win, scrollColumn(440, false, objs...))
	return newActivity(u, container.NewBorder(container.NewVBox(head, widget.NewSeparator()), foot, nil, nil, body))
}
