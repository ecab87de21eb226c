//go:build !((linux && !android) || freebsd || openbsd || netbsd || dragonfly)

package app

// checkDisplay: Windows, macOS and phones always have a screen for a window.
func checkDisplay() error { return nil }
