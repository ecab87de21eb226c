package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/nidan-auth/nidan/vault"
)

// Nidan's own encrypted backup (or a vault file), docs/vault-format.md. It
// is written by the vault itself under the vault's password, so it needs
// no password of its own and runs no KDF.
var nidanFormat = Format{
	Name: "nidan", App: "Nidan backup (.nidan)", Ext: ".nidan",
	detect: func(s *sniff) bool { return vault.IsNidanBackup(s.data) },
	read:   readNidan,
	write:  writeNidan,
}

// errNotVault: a Nidan backup is written from a vault, not a list.
var errNotVault = errors.New("a Nidan backup is written from the vault")

// readNidan reads a Nidan backup through vault.ReadBackup. Its accounts
// keep their stable IDs; they are validated all the same.
func readNidan(data []byte, password func() ([]byte, error), c *collector) error {
	pw, err := askPassword(password)
	if err != nil {
		return err
	}
	accts, err := vault.ReadBackup(bytes.NewReader(data), pw)
	if err != nil {
		return err
	}
	for i := range accts {
		if err := accts[i].Validate(); err != nil {
			c.fail(entry(i), accts[i].Label(), err)
			continue
		}
		c.accts = append(c.accts, accts[i])
	}
	return nil
}

func writeNidan(w io.Writer, src Source, _ []byte) error {
	b, ok := src.(interface{ Backup(io.Writer) error })
	if !ok {
		return fmt.Errorf("export nidan: %w", errNotVault)
	}
	return b.Backup(w)
}
