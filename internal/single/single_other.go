//go:build !unix && !windows

package single

// Elsewhere (js, wasip1, plan9) there is no endpoint to share: every launch
// is the first.
func acquire(string, func()) (*Instance, error) { return &Instance{}, nil }
