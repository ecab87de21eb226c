// Package realwin tests the real Nidan binary in a real X window: a private
// Xvfb display with the openbox window manager, the app driven by xdotool as
// a person's mouse and keyboard would drive it, and checked through the real
// X clipboard (xclip), the process table and screenshots.
//
// The headless fyne test driver calls widgets directly (test.Tap on a list
// calls the list), while the GLFW driver routes each event to the topmost
// widget implementing the right interface; defects in that routing only
// show here. The tests run when NIDAN_TEST_REALWIN=1 (scripts/test.sh sets
// it) and fail, rather than skip, when a tool they need is missing then.
package realwin
