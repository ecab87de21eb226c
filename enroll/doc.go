// Package enroll is the service side of two-step verification: what a web
// site or an admin console does when it turns on 2FA for a user and checks
// codes at login. It owns users (an ID and an argon2id password hash),
// pending enrollments (a fresh secret shown as a QR code and a setup key),
// confirmation with a first valid code, login checks with clock skew, a
// replay guard and a lockout, and the admin reset of a lost second factor.
//
// A Service holds the policy (issuer, digits, period, skew, lockout, clock)
// and keeps its state in a Store. OpenFileStore is the durable default: one
// file, encrypted at rest, saved crash-safely; see docs/enroll-store.md for
// the format and the threat model.
//
//	st, _ := enroll.OpenFileStore(path)
//	svc := enroll.NewService(st, enroll.Options{Issuer: "Example"})
//	_ = svc.AddUser("alice", []byte("correct horse"))
//	e, _ := svc.Begin("alice")       // show e.QR and e.SetupKey
//	_ = svc.Confirm("alice", code)    // first code from the authenticator
//	err := svc.Login("alice", password, code)
//	switch {
//	case err == nil:                            // both factors good
//	case errors.Is(err, enroll.ErrLockedOut):   // too many failures; wait
//	}
//
// Login reports precise reasons (ErrBadPassword, ErrBadCode, ErrReplay, …)
// so that callers and tests can branch on them; a caller facing an attacker
// (the web panel in enroll/panel) must show one generic message instead.
//
// The one-time codes come from the accounts package, so the service and the
// authenticator can never disagree about RFC 6238. This package must not
// import Fyne or the scanner.
package enroll
