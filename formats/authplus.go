package formats

import (
	"fmt"

	"github.com/nidan-auth/nidan/accounts"
)

// Authenticator Plus's "Export as Text and HTML": a password-protected ZIP
// whose Accounts.txt is an otpauth list (docs/formats.md, "Authenticator
// Plus export and backup").
var authPlusFormat = Format{
	Name: "authplus", App: "Authenticator Plus export (.zip with Accounts.txt)",
	detect: func(s *sniff) bool { _, ok := zipEntryName(s.data, authPlusEntry); return ok },
	read:   readAuthPlus,
}

const authPlusEntry = "Accounts.txt"

func readAuthPlus(data []byte, password func() ([]byte, error), c *collector) error {
	text, err := readZipEntry(data, authPlusEntry, password)
	if err != nil {
		return err
	}
	if textKind(trimBOM(text)) != kindURIs {
		return fmt.Errorf("%w: %s holds no otpauth URIs", accounts.ErrMalformed, authPlusEntry)
	}
	return importText(trimBOM(text), false, c)
}
