// Package formats reads and writes other apps' export files, one file per
// app, each registering one Format in registry.go: its name, how to
// recognise its files, how to read them and, where Nidan can, write them.
// docs/formats.md describes every format and where a user finds the file.
//
// Imported accounts go through accounts.Prepare. formats builds on
// accounts and vault (for Nidan's own backups) and imports no Fyne.
package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/nidan-auth/nidan/accounts"
)

// Password says whether writing a format asks for a password.
type Password int

const (
	NoPassword       Password = iota // the file is plain (or, for Nidan backups, under the vault's own password)
	PasswordRequired                 // the file is always encrypted
)

// Format is one app's file format.
type Format struct {
	Name string // what the CLI's --format takes: "aegis"
	App  string // the app and its file, as a person calls them: "Aegis Authenticator vault (.json)"
	// Title is a short name for lists that cannot wrap (the GUI's
	// export choices); App when empty.
	Title string
	Ext   string // file name extension when writing, with the dot; "" for a folder of files

	// WritePassword says whether Write needs a password; Plaintext that
	// the written file holds secrets in the clear (callers warn).
	WritePassword Password
	Plaintext     bool

	// readBy names the format that reads what this one writes, when that
	// is another entry (an encrypted variant read by the plain one's
	// reader); empty means this one.
	readBy string

	detect   func(s *sniff) bool
	read     func(data []byte, password func() ([]byte, error), c *collector) error
	write    func(w io.Writer, src Source, password []byte) error
	writeDir func(dir string, accts []accounts.Account) ([]string, error)
}

// ErrCannotWrite means a format is read-only, or writes a folder and was
// asked for one file (or the other way round).
var ErrCannotWrite = errors.New("this format cannot be written that way")

// ShortName is Title, or App when the format has no short title.
func (f Format) ShortName() string {
	if f.Title != "" {
		return f.Title
	}
	return f.App
}

// CanRead reports whether Import reads the format.
func (f Format) CanRead() bool { return f.read != nil }

// CanWrite reports whether Nidan can export to the format (a file or a folder).
func (f Format) CanWrite() bool { return f.write != nil || f.writeDir != nil }

// WritesFolder reports whether an export is a folder of files (WriteDir)
// rather than one file (Write).
func (f Format) WritesFolder() bool { return f.writeDir != nil }

// Write exports src's accounts to w. password is used only when
// WritePassword asks for one.
func (f Format) Write(w io.Writer, src Source, password []byte) error {
	if f.write == nil {
		return fmt.Errorf("export %s: %w", f.Name, ErrCannotWrite)
	}
	return f.write(w, src, password)
}

// WriteDir exports accts as new files in dir and returns their paths.
func (f Format) WriteDir(dir string, accts []accounts.Account) ([]string, error) {
	if f.writeDir == nil {
		return nil, fmt.Errorf("export %s: %w", f.Name, ErrCannotWrite)
	}
	return f.writeDir(dir, accts)
}

// Source is what an export reads: a *vault.Vault, or a List.
type Source interface {
	Accounts() []accounts.Account
}

// List is a Source over accounts in memory.
type List []accounts.Account

// Accounts returns the list itself.
func (l List) Accounts() []accounts.Account { return l }

// All returns every registered format, in detection order.
func All() []Format { return append([]Format(nil), registry...) }

// Lookup finds a format by its Name.
func Lookup(name string) (Format, bool) {
	for _, f := range registry {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// Readers returns the formats Import reads; Writers those Nidan exports to.
func Readers() []Format { return filter(Format.CanRead) }

// Writers returns the formats Nidan exports to.
func Writers() []Format { return filter(Format.CanWrite) }

func filter(keep func(Format) bool) []Format {
	var out []Format
	for _, f := range registry {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// Names returns the Names of fs, for flag help: "aegis|2fas|uris".
func Names(fs []Format) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// sniff is a file as detection sees it: without a BOM, trimmed, and parsed
// as JSON at most once however many formats look at it.
type sniff struct {
	data    []byte // BOM removed
	trimmed []byte

	objDone, arrDone bool
	obj              map[string]json.RawMessage
	arr              []map[string]json.RawMessage
}

func newSniff(data []byte) *sniff {
	d := trimBOM(data)
	return &sniff{data: d, trimmed: bytes.TrimSpace(d)}
}

// object is the file as a JSON object, or nil.
func (s *sniff) object() map[string]json.RawMessage {
	if !s.objDone {
		s.objDone = true
		if len(s.trimmed) > 0 && s.trimmed[0] == '{' && json.Unmarshal(s.trimmed, &s.obj) != nil {
			s.obj = nil
		}
	}
	return s.obj
}

// array is the file as a JSON array of objects, or nil.
func (s *sniff) array() []map[string]json.RawMessage {
	if !s.arrDone {
		s.arrDone = true
		if len(s.trimmed) > 0 && s.trimmed[0] == '[' && json.Unmarshal(s.trimmed, &s.arr) != nil {
			s.arr = nil
		}
	}
	return s.arr
}
