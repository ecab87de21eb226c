package accounts

import "errors"

// ErrWrongPassword means a password did not open an encrypted file: the
// vault, a Nidan backup, or another app's encrypted export. It is kept apart
// from damage (ErrMalformed, ErrCorrupt): a wrong password fails at the key
// slot, before any content is read, so nothing has changed.
var ErrWrongPassword = errors.New("wrong password")
