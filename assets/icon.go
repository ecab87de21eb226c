package assets

import _ "embed" // for the icon files

// IconPNG is the app icon, 512×512 RGBA, rendered from IconSVG by `make
// icon`. FyneApp.toml points `fyne package` at the same file, so the window,
// the tray and every package show one icon. The app wraps it as a resource:
// fyne.NewStaticResource("nidan.png", assets.IconPNG).
//
//go:embed icon.png
var IconPNG []byte

// TrayPNG is the app icon at 64×64 for the system tray, rendered from
// IconSVG by `make icon`. Trays draw 16–32 px (twice that on a HiDPI
// panel), and the tray library keeps the icon decoded for the session: the
// 512 px icon cost a megabyte of pixels there.
//
//go:embed tray.png
var TrayPNG []byte

// IconSVG is the hand-written source of IconPNG; Fyne can also draw it
// directly at any size.
//
//go:embed icon.svg
var IconSVG []byte

// LockSVG is a padlock for the list's lock button, drawn for Nidan: Fyne's
// theme has no lock icon, and its "login" arrow reads as signing in. The
// app tints it with the theme (theme.NewThemedResource).
//
//go:embed lock.svg
var LockSVG []byte
