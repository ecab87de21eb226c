package assets

import _ "embed" // for the icon files

// IconPNG is the app icon, 512×512 RGBA, rendered from IconSVG by `make
// icon`. FyneApp.toml points `fyne package` at the same file, so the window,
// the tray and every package show one icon. The app wraps it as a resource:
// fyne.NewStaticResource("nidan.png", assets.IconPNG).
//
//go:embed icon.png
var IconPNG []byte

// IconSVG is the hand-written source of IconPNG; Fyne can also draw it
// directly at any size.
//
//go:embed icon.svg
var IconSVG []byte
