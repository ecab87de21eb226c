//go:build linux && !android

package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// A small V4L2 client: open the device, ask for YUYV (else MJPEG) at
// 1280×720 or whatever the driver offers nearest, and stream through
// mmap'd buffers (or read(2) on drivers without streaming).

const (
	v4l2BufTypeVideoCapture = 1
	v4l2MemoryMmap          = 1
	v4l2CapVideoCapture     = 0x00000001
	v4l2CapReadWrite        = 0x01000000
	v4l2CapStreaming        = 0x04000000
	v4l2CapDeviceCaps       = 0x80000000
	v4l2FieldAny            = 0
	numBuffers              = 4
)

var (
	pixYUYV = fourcc("YUYV")
	pixMJPG = fourcc("MJPG")
	pixJPEG = fourcc("JPEG")
)

func fourcc(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

type v4l2Capability struct {
	Driver       [16]byte
	Card         [32]byte
	BusInfo      [32]byte
	Version      uint32
	Capabilities uint32
	DeviceCaps   uint32
	Reserved     [3]uint32
}

type v4l2PixFormat struct {
	Width, Height, PixelFormat, Field, BytesPerLine, SizeImage uint32
	Colorspace, Priv, Flags, YCbCrEnc, Quantization, XferFunc  uint32
}

// v4l2Format is struct v4l2_format: the union is 200 bytes and, holding
// pointers in some members, pointer-aligned.
type v4l2Format struct {
	Type uint32
	_    [unsafe.Sizeof(uintptr(0)) - 4]byte
	Pix  v4l2PixFormat
	_    [200 - unsafe.Sizeof(v4l2PixFormat{})]byte
}

type v4l2RequestBuffers struct {
	Count, Type, Memory, Capabilities uint32
	Flags                             uint8
	_                                 [3]uint8
}

// v4l2Buffer is struct v4l2_buffer; M is the union whose first four bytes
// are the mmap offset.
type v4l2Buffer struct {
	Index, Type, BytesUsed, Flags, Field uint32
	Timestamp                            unix.Timeval
	Timecode                             [16]byte
	Sequence, Memory                     uint32
	M                                    uintptr
	Length, Reserved2                    uint32
	RequestFD                            uint32
}

func ioc(dir, nr, size uintptr) uintptr { return dir<<30 | size<<16 | 'V'<<8 | nr }

var (
	vidiocQueryCap  = ioc(2, 0, unsafe.Sizeof(v4l2Capability{}))
	vidiocSFmt      = ioc(3, 5, unsafe.Sizeof(v4l2Format{}))
	vidiocReqBufs   = ioc(3, 8, unsafe.Sizeof(v4l2RequestBuffers{}))
	vidiocQueryBuf  = ioc(3, 9, unsafe.Sizeof(v4l2Buffer{}))
	vidiocQBuf      = ioc(3, 15, unsafe.Sizeof(v4l2Buffer{}))
	vidiocDQBuf     = ioc(3, 17, unsafe.Sizeof(v4l2Buffer{}))
	vidiocStreamOn  = ioc(1, 18, unsafe.Sizeof(int32(0)))
	vidiocStreamOff = ioc(1, 19, unsafe.Sizeof(int32(0)))
)

func ioctl(fd int, req uintptr, arg unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(arg))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// v4l2Camera is a FrameSource over a V4L2 capture device.
type v4l2Camera struct {
	dev       string
	fd        int
	pix       v4l2PixFormat
	bufs      [][]byte // mmap'd; nil when reading with read(2)
	streaming bool
	readBuf   []byte
}

// OpenCamera opens a V4L2 camera; device "" means /dev/video0. The error
// for a missing device wraps ErrNoCamera.
func OpenCamera(device string) (FrameSource, error) {
	if device == "" {
		device = "/dev/video0"
	}
	fd, err := unix.Open(device, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, unix.ENODEV) || errors.Is(err, unix.ENXIO) {
			return nil, fmt.Errorf("no camera found at %s: %w (%w); scan a photo or screenshot of the code instead", device, ErrNoCamera, err)
		}
		return nil, fmt.Errorf("open camera %s: %w", device, err)
	}
	c := &v4l2Camera{dev: device, fd: fd}
	if err := c.setup(); err != nil {
		c.Close()
		return nil, fmt.Errorf("camera %s: %w", device, err)
	}
	return c, nil
}

func (c *v4l2Camera) setup() error {
	var cp v4l2Capability
	if err := ioctl(c.fd, vidiocQueryCap, unsafe.Pointer(&cp)); err != nil {
		return fmt.Errorf("not a V4L2 device: %w", err)
	}
	caps := cp.Capabilities
	if caps&v4l2CapDeviceCaps != 0 {
		caps = cp.DeviceCaps
	}
	if caps&v4l2CapVideoCapture == 0 {
		return fmt.Errorf("%s is not a video capture device: %w", cString(cp.Card[:]), ErrNoCamera)
	}
	var chosen bool
	for _, pf := range []uint32{pixYUYV, pixMJPG} {
		f := v4l2Format{Type: v4l2BufTypeVideoCapture}
		f.Pix = v4l2PixFormat{Width: 1280, Height: 720, PixelFormat: pf, Field: v4l2FieldAny}
		if err := ioctl(c.fd, vidiocSFmt, unsafe.Pointer(&f)); err != nil {
			return fmt.Errorf("set format: %w", err)
		}
		if f.Pix.PixelFormat == pixYUYV || f.Pix.PixelFormat == pixMJPG || f.Pix.PixelFormat == pixJPEG {
			c.pix, chosen = f.Pix, true
			break
		}
	}
	if !chosen {
		return fmt.Errorf("camera offers neither YUYV nor MJPEG: %w", ErrUnsupported)
	}
	switch {
	case caps&v4l2CapStreaming != 0:
		return c.startStreaming()
	case caps&v4l2CapReadWrite != 0:
		c.readBuf = make([]byte, max(c.pix.SizeImage, 2*c.pix.Width*c.pix.Height))
		return nil
	}
	return fmt.Errorf("camera supports neither streaming nor read(): %w", ErrUnsupported)
}

func (c *v4l2Camera) startStreaming() error {
	rb := v4l2RequestBuffers{Count: numBuffers, Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMmap}
	if err := ioctl(c.fd, vidiocReqBufs, unsafe.Pointer(&rb)); err != nil {
		return fmt.Errorf("request buffers: %w", err)
	}
	for i := uint32(0); i < rb.Count; i++ {
		b := v4l2Buffer{Index: i, Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMmap}
		if err := ioctl(c.fd, vidiocQueryBuf, unsafe.Pointer(&b)); err != nil {
			return fmt.Errorf("query buffer %d: %w", i, err)
		}
		off := *(*uint32)(unsafe.Pointer(&b.M))
		m, err := unix.Mmap(c.fd, int64(off), int(b.Length), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
		if err != nil {
			return fmt.Errorf("map buffer %d: %w", i, err)
		}
		c.bufs = append(c.bufs, m)
		if err := ioctl(c.fd, vidiocQBuf, unsafe.Pointer(&b)); err != nil {
			return fmt.Errorf("queue buffer %d: %w", i, err)
		}
	}
	typ := int32(v4l2BufTypeVideoCapture)
	if err := ioctl(c.fd, vidiocStreamOn, unsafe.Pointer(&typ)); err != nil {
		return fmt.Errorf("start streaming: %w", err)
	}
	c.streaming = true
	return nil
}

// Next waits up to five seconds for a frame and converts it.
func (c *v4l2Camera) Next() (image.Image, error) {
	fds := []unix.PollFd{{Fd: int32(c.fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, 5000)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("wait for frame: %w", err)
		}
		if n == 0 {
			return nil, fmt.Errorf("camera %s: no frame within 5 s", c.dev)
		}
		break
	}
	if !c.streaming {
		n, err := unix.Read(c.fd, c.readBuf)
		if err != nil {
			return nil, fmt.Errorf("read frame: %w", err)
		}
		return c.convert(c.readBuf[:n])
	}
	b := v4l2Buffer{Type: v4l2BufTypeVideoCapture, Memory: v4l2MemoryMmap}
	if err := ioctl(c.fd, vidiocDQBuf, unsafe.Pointer(&b)); err != nil {
		return nil, fmt.Errorf("dequeue frame: %w", err)
	}
	defer ioctl(c.fd, vidiocQBuf, unsafe.Pointer(&b))
	if int(b.Index) >= len(c.bufs) {
		return nil, fmt.Errorf("driver returned buffer %d of %d", b.Index, len(c.bufs))
	}
	data := c.bufs[b.Index]
	if int(b.BytesUsed) <= len(data) && b.BytesUsed > 0 {
		data = data[:b.BytesUsed]
	}
	// Convert before re-queueing: the conversion copies.
	return c.convert(data)
}

func (c *v4l2Camera) convert(data []byte) (image.Image, error) {
	w, h := int(c.pix.Width), int(c.pix.Height)
	if c.pix.PixelFormat == pixYUYV {
		return yuyvToImage(data, w, h, int(c.pix.BytesPerLine))
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode MJPEG frame: %w", err)
	}
	return img, nil
}

// Close stops streaming, unmaps the buffers and closes the device.
func (c *v4l2Camera) Close() error {
	if c.streaming {
		typ := int32(v4l2BufTypeVideoCapture)
		_ = ioctl(c.fd, vidiocStreamOff, unsafe.Pointer(&typ))
		c.streaming = false
	}
	for _, b := range c.bufs {
		_ = unix.Munmap(b)
	}
	c.bufs = nil
	if c.fd >= 0 {
		err := unix.Close(c.fd)
		c.fd = -1
		return err
	}
	return nil
}

func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
