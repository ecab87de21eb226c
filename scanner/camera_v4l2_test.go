//go:build linux && !android

package scanner

import (
	"errors"
	"strings"
	"testing"
	"unsafe"
)

func TestV4L2ABI(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("sizes below are for 64-bit kernels")
	}
	for name, got := range map[string]uintptr{
		"v4l2_capability":     unsafe.Sizeof(v4l2Capability{}),
		"v4l2_format":         unsafe.Sizeof(v4l2Format{}),
		"v4l2_requestbuffers": unsafe.Sizeof(v4l2RequestBuffers{}),
		"v4l2_buffer":         unsafe.Sizeof(v4l2Buffer{}),
	} {
		want := map[string]uintptr{"v4l2_capability": 104, "v4l2_format": 208, "v4l2_requestbuffers": 20, "v4l2_buffer": 88}[name]
		if got != want {
			t.Errorf("sizeof(%s) = %d, want %d", name, got, want)
		}
	}
	// VIDIOC_QUERYCAP and VIDIOC_DQBUF as in <linux/videodev2.h>.
	if vidiocQueryCap != 0x80685600 || vidiocDQBuf != 0xc0585611 {
		t.Errorf("ioctl numbers %#x %#x", vidiocQueryCap, vidiocDQBuf)
	}
}

func TestOpenCameraMissing(t *testing.T) {
	const dev = "/dev/video-nidan-test-missing"
	_, err := OpenCamera(dev)
	if !errors.Is(err, ErrNoCamera) || !strings.Contains(err.Error(), "no camera found at "+dev) {
		t.Fatalf("OpenCamera(%s) = %v", dev, err)
	}
}
