// Package enrollload holds the enrollment panel's load tests (build tag
// load, `make test-enroll-load`): real `nidan enroll serve` processes on
// loopback, bounded in count and time. It has no code of its own.
package enrollload
