package scanner_test

import (
	"errors"
	"fmt"

	"github.com/nidan-auth/nidan/scanner"
)

func ExampleOpenCamera() {
	// This machine has no camera; the error says so and what to do.
	_, err := scanner.OpenCamera("/dev/video0")
	fmt.Println(errors.Is(err, scanner.ErrNoCamera))
	// Output: true
}
