// Package vault keeps Nidan's accounts on disk: the encrypted vault file
// (docs/vault-format.md is its specification, testdata/vault its vectors),
// its key slots (password and OS keyring), crash-safe saving shared between
// processes, and the encrypted backups.
//
// It builds on accounts and imports no Fyne; the GUI (app/) and the CLI
// (cli/) open a Vault and change it through its methods.
package vault
