package formats

import (
	"bufio"
	"fmt"
	"io"

	"github.com/nidan-auth/nidan/accounts"
)

// otpauth:// URIs one per line: what Bitwarden, Ente, Raivo and Aegis
// export as text, and what Nidan writes for any app that imports such a
// list. text.go reads them.
var urisFormat = Format{
	Name: "uris", Title: "otpauth:// list", App: "otpauth:// URIs, one per line (.txt)", Ext: ".txt",
	Plaintext: true,
	detect:    func(s *sniff) bool { return textKind(s.data) == kindURIs },
	read: func(data []byte, _ func() ([]byte, error), c *collector) error {
		return importText(data, false, c)
	},
	write: func(w io.Writer, src Source, _ []byte) error { return ExportURIs(w, src.Accounts()) },
}

// ExportURIs writes one otpauth:// URI per line: the plain-text list that
// Aegis, Ente, Bitwarden and most other apps import. It contains every
// secret in the clear; callers warn before writing it anywhere.
func ExportURIs(w io.Writer, accts []accounts.Account) error {
	bw := bufio.NewWriter(w)
	for i := range accts {
		if err := accts[i].Validate(); err != nil {
			return fmt.Errorf("export uris: %s: %w", accts[i].Label(), err)
		}
		bw.WriteString(accts[i].URI())
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export uris: %w", err)
	}
	return nil
}
