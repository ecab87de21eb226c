package enroll

import (
	"encoding/json"
	"errors"
	"time"
)

// AuditEvent is one line of the audit log (Options.Audit), as JSON:
//
//	{"time":"2026-03-01T12:00:10Z","event":"signin_failure","user":"alice","addr":"192.0.2.7","reason":"bad_code"}
//
// Events: enable, disable, reset, recovery_regenerated, recovery_used,
// signin_failure (with reason), lockout (user or addr, with until).
type AuditEvent struct {
	Time   time.Time `json:"time"`
	Event  string    `json:"event"`
	User   string    `json:"user,omitempty"`
	Addr   string    `json:"addr,omitempty"`
	Reason string    `json:"reason,omitempty"`
	Until  time.Time `json:"until,omitzero"`
}

// audit writes one event; a failing log never fails the operation.
func (s *Service) audit(e AuditEvent) {
	if s.opts.Audit == nil {
		return
	}
	e.Time = s.opts.Now().UTC()
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	s.auditMu.Lock()
	defer s.auditMu.Unlock()
	_, _ = s.opts.Audit.Write(append(line, '\n'))
}

// reason names a sign-in failure for the audit log.
func reason(err error) string {
	for _, r := range []struct {
		err  error
		name string
	}{
		{ErrNoSuchUser, "no_such_user"}, {ErrBadPassword, "bad_password"}, {ErrBadCode, "bad_code"},
		{ErrReplay, "replay"}, {ErrBadRecoveryCode, "bad_recovery_code"}, {ErrLockedOut, "locked_out"},
	} {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	return "other"
}
