// Package enroll is the service side of two-step verification: what a web
// site or an admin console does when it turns on 2FA for a user and checks
// codes at login. It owns users (an ID and an argon2id password hash),
// pending enrollments (a fresh secret shown as a QR code and a setup key),
// confirmation with a first valid code, recovery codes, login checks with
// clock skew, a replay guard, escalating lockouts per user and per address,
// a bound on concurrent password checks, an audit log, and the admin reset
// of a lost second factor.
//
// A Service holds the policy (issuer, digits, period, skew, lockouts,
// clock) and keeps its state in a Store: SQLite (OpenSQLite, one machine),
// PostgreSQL (OpenPostgres, several instances sharing one database) or an
// encrypted file (OpenFileStore); OpenStore takes "sqlite:PATH", a
// postgres:// URL or a path. All three pass one conformance suite, and the
// replay guard and the attempt counters are decided in the store itself,
// so several processes can share it. See docs/enroll-store.md for the
// formats, the schema and the threat model.
//
//	st, _ := enroll.OpenStore("sqlite:/var/lib/panel/enroll.db", enroll.KeySource{})
//	svc := enroll.NewService(st, enroll.Options{Issuer: "Example"})
//	_ = svc.AddUser("alice", []byte("correct horse"))
//	e, _ := svc.Begin("alice")                 // show e.QR and e.SetupKey
//	recovery, _ := svc.Enable("alice", code)    // first code from the authenticator
//	_, err := svc.SignIn(ctx, enroll.SignIn{ID: "alice", Password: pw, Code: code, Addr: ip})
//	switch {
//	case err == nil:                            // both factors good
//	case errors.Is(err, enroll.ErrLockedOut):   // too many failures; wait (429)
//	case errors.Is(err, enroll.ErrBusy):        // too many password checks at once (503)
//	}
//
// SignIn reports precise reasons (ErrBadPassword, ErrBadCode, ErrReplay, …)
// so that callers and tests can branch on them; a caller facing an attacker
// (the web panel in enroll/panel, or Example_netHTTP) must show one generic
// message instead.
//
// The one-time codes come from the accounts package, so the service and the
// authenticator can never disagree about RFC 6238. This package must not
// import Fyne or the scanner.
package enroll
