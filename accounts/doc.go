// Package accounts owns Nidan's account model: the Account, otpauth Key
// URIs, Google Authenticator export payloads, secrets, one-time codes and
// the Codebook the GUI ticks through. Prepare is the one step that turns
// what a person or another app gave into a new account.
//
// The vault that stores accounts is package vault; reading and writing
// other apps' files is package formats. accounts must not import Fyne, the
// scanner or either of those: they all sit on top of it.
package accounts
