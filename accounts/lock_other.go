//go:build !unix

package accounts

// lockFile is a no-op where flock is not available; saves stay atomic, but
// two processes saving at once may lose one change.
func lockFile(string) (func(), error) { return func() {}, nil }
