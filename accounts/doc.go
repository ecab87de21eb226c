// Package accounts owns Nidan's account model: otpauth Key URIs, Google
// Authenticator export payloads, one-time codes, and (see docs/vault-format.md)
// the encrypted vault, its backups and the import/export formats.
//
// It must not import Fyne or the scanner package: the GUI (app/) and the CLI
// (cli/) both sit on top of it and hand it strings, readers and writers.
package accounts
