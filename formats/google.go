package formats

// Google Authenticator's "Transfer accounts" export: one or more
// otpauth-migration:// QR codes, collected one per line in a text file
// (text.go reads them; accounts.ParseMigration decodes each payload).
var googleFormat = Format{
	Name: "google", App: "Google Authenticator export (otpauth-migration:// lines)",
	detect: func(s *sniff) bool { return textKind(s.data) == kindMigration },
	read: func(data []byte, _ func() ([]byte, error), c *collector) error {
		return importText(data, true, c)
	},
}
