// Package panel is a small web control panel over an enroll.Service: a user
// signs in with ID and password (and a code once two-step login is on),
// opens the two-step verification settings, scans the QR code or types the
// setup key, and enables it with a first code. It is the seed's console in a
// browser, for trying an authenticator end to end; `nidan enroll serve` runs
// it.
//
// Security, in short (docs/enroll-store.md has more): sessions live in
// memory behind a random 256-bit cookie (HttpOnly, SameSite=Strict, Secure
// over TLS or when Options.SecureCookies is set), renewed at sign-in; every
// POST carries a per-session CSRF token and, when the browser sends one, an
// Origin matching the host; failed sign-ins count towards the service's
// lockout, which is the rate limit; a failed sign-in never says whether the
// ID, the password or the code was wrong. Pages are no-store and framed by
// nobody, with a strict Content-Security-Policy.
//
// This package must not import Fyne.
package panel

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"image"
	_ "image/png" // DecodeConfig of the QR code
	"log"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/nidan-auth/nidan/enroll"
)

//go:embed web
var webFS embed.FS

var pages = template.Must(template.ParseFS(webFS, "web/panel.html"))

var panelCSS = func() []byte {
	b, err := webFS.ReadFile("web/panel.css")
	if err != nil {
		panic(err)
	}
	return b
}()

const (
	cookieName         = "nidan_session"
	defaultSessionTTL  = 30 * time.Minute
	defaultMaxSessions = 10000
)

// Options tunes a Panel. The zero value is fine for a loopback server.
type Options struct {
	// SecureCookies sets the Secure flag on the session cookie even for
	// plain HTTP requests (behind a TLS-terminating proxy). Requests that
	// arrive over TLS always get it.
	SecureCookies bool
	// SessionTTL is how long a session lasts without activity; default 30m.
	SessionTTL time.Duration
	// MaxSessions bounds memory; the oldest sessions go first. Default 10000.
	MaxSessions int
	// ErrorLog receives internal errors (never secrets); nil = log.Default().
	ErrorLog *log.Logger
}

// Panel is the control panel's http.Handler.
type Panel struct {
	svc  *enroll.Service
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	sessions map[string]*session
}

// session is one browser's state. id, csrf, user and withCode never change
// after creation (signing in makes a new session); the rest is guarded by
// Panel.mu.
type session struct {
	id       string
	csrf     string
	user     string // "" = not signed in
	withCode bool   // signed in with a code (two-step login was on)

	flash   string // one-time message for the next page
	flashOK bool
	expires time.Time
}

// New returns a panel over svc.
func New(svc *enroll.Service, opts Options) *Panel {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = defaultSessionTTL
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = defaultMaxSessions
	}
	if opts.ErrorLog == nil {
		opts.ErrorLog = log.Default()
	}
	p := &Panel{svc: svc, opts: opts, mux: http.NewServeMux(), sessions: map[string]*session{}}
	p.mux.HandleFunc("GET /{$}", p.onIndex)
	p.mux.HandleFunc("POST /login", p.post(p.onLogin))
	p.mux.HandleFunc("POST /logout", p.post(p.onLogout))
	p.mux.HandleFunc("GET /settings", p.onSettings)
	p.mux.HandleFunc("POST /settings/begin", p.post(p.signedIn(p.onBegin)))
	p.mux.HandleFunc("POST /settings/abandon", p.post(p.signedIn(p.onAbandon)))
	p.mux.HandleFunc("POST /settings/enable", p.post(p.signedIn(p.onEnable)))
	p.mux.HandleFunc("GET /static/panel.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		_, _ = w.Write(panelCSS)
	})
	return p
}

// ServeHTTP implements http.Handler.
func (p *Panel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	p.mux.ServeHTTP(w, r)
}

// page is what the templates see.
type page struct {
	Title, Issuer        string
	Message, MessageKind string
	CSRF                 string
	User                 string
	WithCode, Enabled    bool
	Enrollment           *enrollmentView
}

type enrollmentView struct {
	QR             template.URL // data:image/png;base64,…
	Size           int
	Label          string
	SetupKey       string
	Digits, Period int
}

func (p *Panel) render(w http.ResponseWriter, status int, name string, s *session, pg page) {
	pg.Issuer = p.svc.Options().Issuer
	if s != nil {
		pg.CSRF = s.csrf
		p.mu.Lock()
		if s.flash != "" && pg.Message == "" {
			pg.Message, pg.MessageKind = s.flash, "error"
			if s.flashOK {
				pg.MessageKind = "ok"
			}
		}
		s.flash = ""
		p.mu.Unlock()
	}
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, pg); err != nil {
		p.opts.ErrorLog.Printf("panel: render %s: %v", name, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (p *Panel) fail(w http.ResponseWriter, status int, msg string) {
	p.render(w, status, "error", nil, page{Title: "Error", Message: msg, MessageKind: "error"})
}

func (p *Panel) internal(w http.ResponseWriter, what string, err error) {
	p.opts.ErrorLog.Printf("panel: %s: %v", what, err)
	p.fail(w, http.StatusInternalServerError, "Something went wrong on the server; nothing was changed.")
}

func (p *Panel) onIndex(w http.ResponseWriter, r *http.Request) {
	s := p.session(w, r, true)
	if s.user != "" {
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
		return
	}
	p.render(w, http.StatusOK, "login", s, page{Title: "Sign in"})
}

func (p *Panel) onLogin(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PostFormValue("id")
	password := []byte(r.PostFormValue("password"))
	defer clear(password)
	err := p.svc.Login(id, password, r.PostFormValue("code"))
	withCode := err == nil
	switch {
	case err == nil, errors.Is(err, enroll.ErrNotEnrolled):
		// Signed in; ErrNotEnrolled means the password matched and the
		// user has no second factor yet, which the settings page offers.
	case errors.Is(err, enroll.ErrLockedOut):
		p.render(w, http.StatusTooManyRequests, "login", s, page{Title: "Sign in", MessageKind: "error",
			Message: "Too many failed sign-ins. Wait a few minutes, then try again."})
		return
	case errors.Is(err, enroll.ErrNoSuchUser), errors.Is(err, enroll.ErrBadPassword),
		errors.Is(err, enroll.ErrBadCode), errors.Is(err, enroll.ErrReplay):
		// One message for all: an attacker must not learn which part was wrong.
		p.render(w, http.StatusUnauthorized, "login", s, page{Title: "Sign in", MessageKind: "error",
			Message: "Sign-in failed: the ID, password or code is wrong. (A code works only once; wait for the next one.)"})
		return
	default:
		p.internal(w, "login", err)
		return
	}
	// A fresh session ID at sign-in, so a planted cookie is worth nothing.
	p.drop(s)
	p.newSession(w, r, id, withCode)
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onLogout(w http.ResponseWriter, r *http.Request, s *session) {
	p.drop(s)
	http.SetCookie(w, p.cookie(r, "", -1))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (p *Panel) onSettings(w http.ResponseWriter, r *http.Request) {
	s := p.session(w, r, false)
	if s == nil || s.user == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u, err := p.svc.User(s.user)
	if errors.Is(err, enroll.ErrNoSuchUser) {
		p.drop(s)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if err != nil {
		p.internal(w, "settings", err)
		return
	}
	pg := page{Title: "Two-step verification", User: s.user, WithCode: s.withCode, Enabled: u.Enabled}
	if u.Pending {
		e, err := p.svc.Pending(s.user)
		if err != nil && !errors.Is(err, enroll.ErrNoPending) {
			p.internal(w, "settings", err)
			return
		}
		if e != nil {
			pg.Enrollment = newEnrollmentView(e)
		}
	}
	p.render(w, http.StatusOK, "settings", s, pg)
}

func newEnrollmentView(e *enroll.Enrollment) *enrollmentView {
	v := &enrollmentView{
		QR:       template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(e.QR)),
		Label:    e.Factor.Issuer + " (" + e.Factor.Account + ")",
		SetupKey: e.SetupKey,
		Digits:   e.Factor.Digits,
		Period:   e.Factor.Period,
	}
	if c, _, err := image.DecodeConfig(bytes.NewReader(e.QR)); err == nil {
		v.Size = c.Width
	}
	return v
}

func (p *Panel) onBegin(w http.ResponseWriter, r *http.Request, s *session) {
	if _, err := p.svc.Begin(s.user); err != nil {
		p.internal(w, "begin enrollment", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onAbandon(w http.ResponseWriter, r *http.Request, s *session) {
	if err := p.svc.Abandon(s.user); err != nil {
		p.internal(w, "abandon enrollment", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onEnable(w http.ResponseWriter, r *http.Request, s *session) {
	err := p.svc.Confirm(s.user, r.PostFormValue("code"))
	switch {
	case err == nil:
		p.setFlash(s, "Two-step verification is on. From now on, sign in with your password and a code.", true)
	case errors.Is(err, enroll.ErrBadCode):
		p.setFlash(s, "That code is not right. Check the time on your device, wait for a fresh code and type it again.", false)
	case errors.Is(err, enroll.ErrNoPending):
		p.setFlash(s, "This setup was cancelled or replaced; start again.", false)
	default:
		p.internal(w, "enable", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) setFlash(s *session, msg string, ok bool) {
	p.mu.Lock()
	s.flash, s.flashOK = msg, ok
	p.mu.Unlock()
}

// post wraps a POST handler with the session, Origin and CSRF checks.
func (p *Panel) post(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if o := r.Header.Get("Origin"); o != "" && o != "null" {
			if u, err := url.Parse(o); err != nil || u.Host != r.Host {
				p.fail(w, http.StatusForbidden, "This request came from another site and was refused.")
				return
			}
		}
		s := p.session(w, r, false)
		if s == nil {
			p.fail(w, http.StatusForbidden, "Your session has expired. Go back to the start and try again.")
			return
		}
		if err := r.ParseForm(); err != nil {
			p.fail(w, http.StatusBadRequest, "The form could not be read.")
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
			p.fail(w, http.StatusForbidden, "The form is out of date. Go back, reload the page and try again.")
			return
		}
		h(w, r, s)
	}
}

func (p *Panel) signedIn(h func(http.ResponseWriter, *http.Request, *session)) func(http.ResponseWriter, *http.Request, *session) {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		if s.user == "" {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return
		}
		h(w, r, s)
	}
}

// session returns the request's live session, extending it; with create
// it starts a new anonymous one when there is none, else it returns nil.
func (p *Panel) session(w http.ResponseWriter, r *http.Request, create bool) *session {
	if c, err := r.Cookie(cookieName); err == nil {
		p.mu.Lock()
		s, ok := p.sessions[c.Value]
		now := time.Now()
		if ok && now.Before(s.expires) {
			s.expires = now.Add(p.opts.SessionTTL)
			p.mu.Unlock()
			return s
		}
		if ok {
			delete(p.sessions, c.Value)
		}
		p.mu.Unlock()
	}
	if !create {
		return nil
	}
	return p.newSession(w, r, "", false)
}

func (p *Panel) newSession(w http.ResponseWriter, r *http.Request, user string, withCode bool) *session {
	s := &session{id: randomToken(), csrf: randomToken(), user: user, withCode: withCode,
		expires: time.Now().Add(p.opts.SessionTTL)}
	p.mu.Lock()
	p.sweepLocked()
	p.sessions[s.id] = s
	p.mu.Unlock()
	http.SetCookie(w, p.cookie(r, s.id, 0))
	return s
}

// sweepLocked drops expired sessions and, if still full, the ones closest
// to expiry.
func (p *Panel) sweepLocked() {
	now := time.Now()
	for id, s := range p.sessions {
		if !now.Before(s.expires) {
			delete(p.sessions, id)
		}
	}
	for len(p.sessions) >= p.opts.MaxSessions {
		var oldest *session
		for _, s := range p.sessions {
			if oldest == nil || s.expires.Before(oldest.expires) {
				oldest = s
			}
		}
		delete(p.sessions, oldest.id)
	}
}

func (p *Panel) drop(s *session) {
	p.mu.Lock()
	delete(p.sessions, s.id)
	p.mu.Unlock()
}

func (p *Panel) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: cookieName, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: p.opts.SecureCookies || r.TLS != nil, SameSite: http.SameSiteStrictMode}
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("panel: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
