// Command wincheck checks a Windows build of Nidan without running it:
// Debian's Wine cannot run Go 1.26 binaries, so `make check-windows` reads
// the file instead and fails unless it is
//
//   - a PE32+ image for amd64,
//   - linked for the GUI subsystem (no console window when the app opens),
//   - carrying an icon group whose icons are all present, a version
//     resource with a fixed file version and a manifest, and
//   - importing only DLLs that every Windows 10/11 has: a MinGW runtime
//     DLL such as libwinpthread-1.dll would stop the app from starting on a
//     machine without MinGW.
//
// It prints what it found either way.
//
//	go run ./internal/tools/wincheck dist/nidan.exe
package main

import (
	"bytes"
	"debug/pe"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wincheck FILE.exe")
		os.Exit(2)
	}
	r, err := inspect(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "wincheck:", err)
		os.Exit(1)
	}
	r.print(os.Stdout)
	if problems := r.problems(); len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "wincheck: FAIL:", p)
		}
		os.Exit(1)
	}
	fmt.Println("wincheck: ok")
}

// report is what inspect found in an executable.
type report struct {
	Path      string
	Size      int64
	Machine   uint16
	PE32Plus  bool
	Subsystem uint16
	Resources []resource
	Icons     []iconEntry // from the first RT_GROUP_ICON
	Version   versionInfo
	Manifest  error // nil when the RT_MANIFEST is well-formed XML
	DLLs      []string
}

// Resource types (winuser.h).
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

var typeNames = map[uint32]string{1: "RT_CURSOR", 2: "RT_BITMAP", rtIcon: "RT_ICON", 4: "RT_MENU",
	5: "RT_DIALOG", 6: "RT_STRING", 10: "RT_RCDATA", 12: "RT_GROUP_CURSOR", rtGroupIcon: "RT_GROUP_ICON",
	rtVersion: "RT_VERSION", rtManifest: "RT_MANIFEST"}

func inspect(path string) (*report, error) {
	f, err := pe.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	r := &report{Path: path, Size: st.Size(), Machine: f.Machine}
	var dirs []pe.DataDirectory
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		r.PE32Plus, r.Subsystem = true, oh.Subsystem
		dirs = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, uint32(len(oh.DataDirectory)))]
	case *pe.OptionalHeader32:
		r.Subsystem = oh.Subsystem
		dirs = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, uint32(len(oh.DataDirectory)))]
	default:
		return nil, errors.New("no optional header: not an executable")
	}

	// debug/pe's ImportedLibraries is a stub, and ImportedSymbols skips
	// DLLs imported only by ordinal, so read the descriptors directly.
	if r.DLLs, err = importedDLLs(f, dirs); err != nil {
		return nil, fmt.Errorf("read imports: %w", err)
	}

	if len(dirs) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
		if d := dirs[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]; d.VirtualAddress != 0 && d.Size != 0 {
			data, base, err := sectionAt(f, d.VirtualAddress)
			if err != nil {
				return nil, fmt.Errorf("resource directory: %w", err)
			}
			r.Resources, err = parseResources(data, d.VirtualAddress-base, base)
			if err != nil {
				return nil, fmt.Errorf("resource directory: %w", err)
			}
		}
	}
	for _, res := range r.Resources {
		if res.Type == rtGroupIcon && r.Icons == nil {
			if r.Icons, err = parseGroupIcon(res.Data); err != nil {
				return nil, fmt.Errorf("icon group %s: %w", res.Name, err)
			}
		}
		if res.Type == rtManifest {
			r.Manifest = checkXML(res.Data)
		}
		if res.Type == rtVersion && r.Version.Strings == nil {
			if r.Version, err = parseVersion(res.Data); err != nil {
				return nil, fmt.Errorf("version resource: %w", err)
			}
		}
	}
	return r, nil
}

// importedDLLs lists the DLL names of the import and delay-import
// directories, lower-cased, sorted and without repeats.
func importedDLLs(f *pe.File, dirs []pe.DataDirectory) ([]string, error) {
	var dlls []string
	for _, d := range []struct {
		index      int
		size, name uint32 // descriptor size, offset of its DLL name RVA
	}{
		{pe.IMAGE_DIRECTORY_ENTRY_IMPORT, 20, 12},      // IMAGE_IMPORT_DESCRIPTOR
		{pe.IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT, 32, 4}, // IMAGE_DELAYLOAD_DESCRIPTOR
	} {
		if len(dirs) <= d.index || dirs[d.index].VirtualAddress == 0 {
			continue
		}
		rva := dirs[d.index].VirtualAddress
		sec, base, err := sectionAt(f, rva)
		if err != nil {
			return nil, err
		}
		for at := uint64(rva - base); ; at += uint64(d.size) {
			if at+uint64(d.size) > uint64(len(sec)) {
				return nil, errTruncated
			}
			desc := sec[at : at+uint64(d.size)]
			if allZero(desc) {
				break
			}
			nameRVA := le.Uint32(desc[d.name:])
			nsec, nbase, err := sectionAt(f, nameRVA)
			if err != nil {
				return nil, err
			}
			name, _ := cstring(nsec[nameRVA-nbase:])
			dlls = append(dlls, strings.ToLower(name))
		}
	}
	slices.Sort(dlls)
	return slices.Compact(dlls), nil
}

// checkXML reports whether b is well-formed XML with a root element.
func checkXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	root := false
	for {
		t, err := d.Token()
		if err == io.EOF {
			if !root {
				return errors.New("no root element")
			}
			return nil
		}
		if err != nil {
			return err
		}
		if _, ok := t.(xml.StartElement); ok {
			root = true
		}
	}
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func cstring(b []byte) (string, bool) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), true
		}
	}
	return string(b), false
}

// sectionAt returns the data of the section holding rva, and its address.
func sectionAt(f *pe.File, rva uint32) ([]byte, uint32, error) {
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && rva < s.VirtualAddress+max(s.VirtualSize, s.Size) {
			data, err := s.Data()
			if err != nil {
				return nil, 0, fmt.Errorf("section %s: %w", s.Name, err)
			}
			return data, s.VirtualAddress, nil
		}
	}
	return nil, 0, fmt.Errorf("no section holds address %#x", rva)
}

// problems lists every way r falls short of a shippable nidan.exe.
func (r *report) problems() []string {
	var p []string
	if r.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		p = append(p, fmt.Sprintf("machine %#x, want amd64 (%#x)", r.Machine, pe.IMAGE_FILE_MACHINE_AMD64))
	}
	if !r.PE32Plus {
		p = append(p, "PE32, want PE32+")
	}
	if r.Subsystem != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		p = append(p, fmt.Sprintf("subsystem %d, want %d (WINDOWS_GUI): link with -H windowsgui",
			r.Subsystem, pe.IMAGE_SUBSYSTEM_WINDOWS_GUI))
	}
	count := map[uint32]int{}
	iconIDs := map[uint32]bool{}
	for _, res := range r.Resources {
		count[res.Type]++
		if res.Type == rtIcon {
			iconIDs[res.ID] = true
		}
	}
	for _, t := range []uint32{rtIcon, rtGroupIcon, rtVersion, rtManifest} {
		if count[t] == 0 {
			p = append(p, "no "+typeNames[t]+" resource")
		}
	}
	for _, ic := range r.Icons {
		if !iconIDs[uint32(ic.ID)] {
			p = append(p, fmt.Sprintf("icon group lists icon %d (%d px), which is missing", ic.ID, ic.Size))
		}
	}
	if count[rtGroupIcon] > 0 && !slices.ContainsFunc(r.Icons, func(ic iconEntry) bool { return ic.Size <= 32 }) {
		p = append(p, "no icon of 32 px or less: Windows would shrink a big one for the taskbar and title bar")
	}
	if r.Manifest != nil {
		p = append(p, fmt.Sprintf("manifest is not well-formed XML (Windows would refuse to start the app): %v", r.Manifest))
	}
	if count[rtVersion] > 0 && r.Version.Fixed == "" {
		p = append(p, "version resource has no VS_FIXEDFILEINFO")
	}
	for _, dll := range r.DLLs {
		if !systemDLL(dll) {
			p = append(p, "imports "+dll+", which is not part of Windows")
		}
	}
	return p
}

// systemDLLs are the DLLs nidan.exe may import: ones every Windows 10/11
// has in System32. Go's runtime needs kernel32 (and loads the rest with
// LoadLibrary, so they don't show here); GLFW and OpenGL through cgo add
// user32, gdi32, opengl32, shell32; mingw-w64's C runtime is msvcrt.dll,
// which Windows has shipped since 95. Judged by name; anything else, such
// as libgcc_s_seh-1.dll, libwinpthread-1.dll or libstdc++-6.dll, is a
// MinGW runtime a user doesn't have.
var systemDLLs = map[string]bool{
	"kernel32.dll": true, "user32.dll": true, "gdi32.dll": true, "opengl32.dll": true,
	"shell32.dll": true, "ole32.dll": true, "oleaut32.dll": true, "advapi32.dll": true,
	"winmm.dll": true, "ws2_32.dll": true, "ntdll.dll": true, "msvcrt.dll": true,
	"imm32.dll": true, "dwmapi.dll": true, "comdlg32.dll": true, "comctl32.dll": true,
	"shlwapi.dll": true, "uxtheme.dll": true, "version.dll": true, "setupapi.dll": true,
	"bcrypt.dll": true, "crypt32.dll": true, "secur32.dll": true, "userenv.dll": true,
	"dnsapi.dll": true, "iphlpapi.dll": true, "powrprof.dll": true, "winspool.drv": true,
	"mfplat.dll": true, "mf.dll": true, "mfreadwrite.dll": true, "propsys.dll": true,
}

func systemDLL(name string) bool {
	name = strings.ToLower(name)
	// The Universal CRT's API sets ship with Windows 10 and later.
	return systemDLLs[name] || strings.HasPrefix(name, "api-ms-win-")
}

func (r *report) print(w io.Writer) {
	kind := "PE32"
	if r.PE32Plus {
		kind = "PE32+"
	}
	sub := map[uint16]string{pe.IMAGE_SUBSYSTEM_WINDOWS_GUI: "WINDOWS_GUI", pe.IMAGE_SUBSYSTEM_WINDOWS_CUI: "WINDOWS_CUI"}[r.Subsystem]
	fmt.Fprintf(w, "%s: %.1f MB, %s machine %#x, subsystem %d (%s)\n", r.Path, float64(r.Size)/1e6, kind, r.Machine, r.Subsystem, sub)

	counts := map[string]int{}
	var order []string
	for _, res := range r.Resources {
		n := typeNames[res.Type]
		if n == "" {
			n = fmt.Sprintf("type %d", res.Type)
		}
		if counts[n] == 0 {
			order = append(order, n)
		}
		counts[n]++
	}
	var parts []string
	for _, n := range order {
		parts = append(parts, fmt.Sprintf("%s×%d", n, counts[n]))
	}
	fmt.Fprintf(w, "resources: %s\n", orNone(strings.Join(parts, ", ")))
	for _, res := range r.Resources {
		if res.Type == rtGroupIcon {
			fmt.Fprintf(w, "icon group %s:", res.Name)
			for _, ic := range r.Icons {
				fmt.Fprintf(w, " %d", ic.Size)
			}
			fmt.Fprintln(w, " px")
			break
		}
	}
	if r.Version.Fixed != "" || len(r.Version.Strings) > 0 {
		fmt.Fprintf(w, "version: file %s", orNone(r.Version.Fixed))
		for _, k := range []string{"ProductName", "FileVersion", "ProductVersion", "OriginalFilename"} {
			if v, ok := r.Version.Strings[k]; ok {
				fmt.Fprintf(w, ", %s %q", k, v)
			}
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "imports: %s\n", orNone(strings.Join(r.DLLs, " ")))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
