//go:build !(mobile && linux && !android)

package app

// startSimulator does nothing outside fyne's phone simulation
// (simulator.go).
func (u *ui) startSimulator() {}
