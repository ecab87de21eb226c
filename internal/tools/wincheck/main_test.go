package main

import (
	"debug/pe"
	"errors"
	"slices"
	"strings"
	"testing"
)

// smallResources reads testdata/small.syso, the COFF object windres made
// from testdata/small.rc: the same tree a linked .exe carries, at base 0.
func smallResources(t *testing.T) []byte {
	t.Helper()
	f, err := pe.Open("testdata/small.syso")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := f.Section(".rsrc")
	if s == nil {
		t.Fatal("no .rsrc section")
	}
	b, err := s.Data()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseResources(t *testing.T) {
	res, err := parseResources(smallResources(t), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res {
		got = append(got, typeNames[r.Type]+"/"+r.Name)
	}
	want := []string{"RT_ICON/#1", "RT_GROUP_ICON/GLFW_ICON", "RT_VERSION/#1", "RT_MANIFEST/#1"}
	if !slices.Equal(got, want) {
		t.Fatalf("resources %v, want %v", got, want)
	}

	icons, err := parseGroupIcon(res[1].Data)
	if err != nil {
		t.Fatal(err)
	}
	if want := []iconEntry{{Size: 16, ID: 1}}; !slices.Equal(icons, want) {
		t.Errorf("icon group %v, want %v", icons, want)
	}
	if !strings.HasPrefix(string(res[0].Data), "\x89PNG") {
		t.Errorf("icon 1 is not the PNG from 16.ico")
	}

	v, err := parseVersion(res[2].Data)
	if err != nil {
		t.Fatal(err)
	}
	if v.Fixed != "1.2.3.4" || v.Strings["ProductName"] != "Nidan" || v.Strings["ProductVersion"] != "1.2.3-dev (abc1234)" {
		t.Errorf("version %+v", v)
	}
	if err := checkXML(res[3].Data); err != nil {
		t.Errorf("manifest: %v", err)
	}
}

// TestTruncated feeds every prefix of the resource section to the parsers:
// a damaged file must give an error, never a panic.
func TestTruncated(t *testing.T) {
	b := smallResources(t)
	full, err := parseResources(b, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	need := 0 // the end of the last resource's data; padding may follow
	for _, r := range full {
		need = max(need, cap(b)-cap(r.Data)+len(r.Data))
	}
	for n := range need {
		if res, err := parseResources(b[:n], 0, 0); err == nil && len(res) == len(full) {
			t.Fatalf("%d of %d bytes parsed as complete", n, need)
		}
	}
	for _, r := range full {
		for n := range len(r.Data) {
			_, _ = parseGroupIcon(r.Data[:n])
			_, _ = parseVersion(r.Data[:n])
		}
	}
}

func TestProblems(t *testing.T) {
	good := func() *report {
		return &report{
			Machine: pe.IMAGE_FILE_MACHINE_AMD64, PE32Plus: true, Subsystem: pe.IMAGE_SUBSYSTEM_WINDOWS_GUI,
			Resources: []resource{{Type: rtIcon, ID: 1}, {Type: rtIcon, ID: 2}, {Type: rtGroupIcon, Name: "GLFW_ICON"},
				{Type: rtVersion, ID: 1}, {Type: rtManifest, ID: 1}},
			Icons:   []iconEntry{{16, 1}, {256, 2}},
			Version: versionInfo{Fixed: "0.1.0.1"},
			DLLs:    []string{"gdi32.dll", "kernel32.dll", "msvcrt.dll", "opengl32.dll", "api-ms-win-crt-runtime-l1-1-0.dll"},
		}
	}
	for _, tc := range []struct {
		name   string
		break_ func(r *report)
		want   string // in the only problem; "" = none
	}{
		{"good", func(*report) {}, ""},
		{"console", func(r *report) { r.Subsystem = pe.IMAGE_SUBSYSTEM_WINDOWS_CUI }, "-H windowsgui"},
		{"386", func(r *report) { r.Machine = pe.IMAGE_FILE_MACHINE_I386 }, "want amd64"},
		{"PE32", func(r *report) { r.PE32Plus = false }, "want PE32+"},
		{"no version", func(r *report) { r.Resources = slices.Delete(r.Resources, 3, 4) }, "no RT_VERSION"},
		{"no manifest", func(r *report) { r.Resources = r.Resources[:4] }, "no RT_MANIFEST"},
		{"bad manifest", func(r *report) { r.Manifest = errors.New("unexpected EOF") }, "well-formed"},
		{"missing icon", func(r *report) { r.Resources = r.Resources[1:] }, "icon 1 (16 px)"},
		{"only big icons", func(r *report) { r.Icons = r.Icons[1:] }, "32 px or less"},
		{"no fixed version", func(r *report) { r.Version.Fixed = "" }, "VS_FIXEDFILEINFO"},
		{"mingw runtime", func(r *report) { r.DLLs = append(r.DLLs, "libwinpthread-1.dll") }, "libwinpthread-1.dll"},
	} {
		r := good()
		tc.break_(r)
		p := r.problems()
		switch {
		case tc.want == "" && len(p) > 0:
			t.Errorf("%s: problems %q", tc.name, p)
		case tc.want != "" && (len(p) != 1 || !strings.Contains(p[0], tc.want)):
			t.Errorf("%s: problems %q, want one with %q", tc.name, p, tc.want)
		}
	}
}
