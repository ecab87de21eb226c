// Package panel is a small web control panel over an enroll.Service: a user
// signs in with ID and password (and a code once two-step login is on),
// opens the two-step verification settings, scans the QR code or types the
// setup key, enables it with a first code and keeps the recovery codes. It
// speaks English and Japanese. `nidan enroll serve` runs it; an existing
// net/http application can mount it, or use the enroll package directly
// (see the package example).
//
// Security, in short (docs/enroll-store.md has more): anonymous visitors
// cost no server state (the sign-in form's CSRF token is a MAC of a cookie
// the browser holds), so no amount of anonymous traffic can push out a
// signed-in session; signed-in sessions live in the service's store (only a
// hash of their random 256-bit cookie, so every panel instance on the store
// shares them and a sign-out on one holds on all) behind a cookie
// (HttpOnly, SameSite=Strict, Secure over TLS or when Options.SecureCookies
// is set), made at sign-in. Requests for a host not in
// Options.Hosts are refused (DNS rebinding); every POST carries a CSRF token
// and, when the browser sends one, an Origin matching the host; bodies are
// capped. Failed sign-ins count per user and per address in the store
// (escalating lockouts) and password checks are bounded (503 with
// Retry-After when busy); a failed sign-in never says whether the ID, the
// password or the code was wrong. Pages are no-store and framed by nobody,
// with a strict Content-Security-Policy.
//
// This package must not import Fyne.
package panel

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"image"
	_ "image/png" // DecodeConfig of the QR code
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
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
	preCookieName      = "nidan_pre" // the anonymous sign-in form's cookie
	defaultSessionTTL  = 30 * time.Minute
	defaultMaxSessions = 10 // per user
	maxBody            = 16 << 10
)

// Options tunes a Panel. The zero value is fine for a loopback server.
type Options struct {
	// Name is the panel's title; default the service's issuer.
	Name string
	// Hosts are the host names (HOST or HOST:PORT, as browsers send them in
	// Host) the panel answers to; other requests get 421. Empty allows any
	// host, which is only safe behind a proxy that checks it: a DNS
	// rebinding page could otherwise talk to a loopback panel.
	Hosts []string
	// SecureCookies sets the Secure flag on cookies even for plain HTTP
	// requests (behind a TLS-terminating proxy). Requests that arrive over
	// TLS always get it.
	SecureCookies bool
	// SessionTTL is how long a session lasts without activity; default 30m.
	SessionTTL time.Duration
	// MaxSessions bounds each user's signed-in sessions; past it, that
	// user's session closest to expiry ends. Default 10. Anonymous visitors
	// hold none, so they cannot push anyone's out.
	MaxSessions int
	// Secret, if set, keys the sign-in form's CSRF tokens (then every panel
	// behind one load balancer needs the same). By default the token is
	// keyed with the form's own random cookie, which works on every
	// instance alike and is as strong: what protects the form is that
	// another site can neither read that cookie nor send it (SameSite);
	// someone who can plant cookies could plant a pair made by any key.
	Secret []byte
	// ClientAddr returns the client's IP address for the per-address
	// limit; default the connection's remote address. Behind a proxy, take
	// it from the header that proxy sets (and only then).
	ClientAddr func(*http.Request) string
	// ErrorLog receives internal errors (never secrets); nil = log.Default().
	ErrorLog *log.Logger
}

// Panel is the control panel's http.Handler.
type Panel struct {
	svc    *enroll.Service
	opts   Options
	mux    *http.ServeMux
	hosts  map[string]bool
	secret []byte
}

// session is one signed-in browser's request: the stored session and the
// CSRF token derived from its cookie.
type session struct {
	enroll.Session
	csrf string
}

// sessionData is what a session carries from one request to the next (in
// Session.Data, sealed by the store): a one-time message and recovery codes
// waiting to be shown once.
type sessionData struct {
	Flash *message `json:"flash,omitempty"`
	Codes []string `json:"codes,omitempty"`
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
	if opts.Name == "" {
		opts.Name = svc.Options().Issuer
	}
	if opts.ClientAddr == nil {
		opts.ClientAddr = func(r *http.Request) string {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				return r.RemoteAddr
			}
			return host
		}
	}
	p := &Panel{svc: svc, opts: opts, mux: http.NewServeMux(), secret: opts.Secret}
	if len(opts.Hosts) > 0 {
		p.hosts = map[string]bool{}
		for _, h := range opts.Hosts {
			p.hosts[strings.ToLower(h)] = true
		}
	}
	p.mux.HandleFunc("GET /{$}", p.onIndex)
	p.mux.HandleFunc("POST /login", p.onLogin)
	p.mux.HandleFunc("POST /logout", p.post(p.onLogout))
	p.mux.HandleFunc("GET /settings", p.onSettings)
	p.mux.HandleFunc("POST /settings/begin", p.post(p.onBegin))
	p.mux.HandleFunc("POST /settings/abandon", p.post(p.onAbandon))
	p.mux.HandleFunc("POST /settings/enable", p.post(p.onEnable))
	p.mux.HandleFunc("POST /settings/recovery", p.post(p.onRecovery))
	p.mux.HandleFunc("POST /settings/disable", p.post(p.onDisable))
	p.mux.HandleFunc("GET /static/panel.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=3600")
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
	if p.hosts != nil && !p.hosts[strings.ToLower(r.Host)] {
		// Plain text and no session: a rebinding page learns nothing.
		http.Error(w, "unknown host name", http.StatusMisdirectedRequest)
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || !strings.EqualFold(u.Host, r.Host) {
			p.fail(w, r, http.StatusForbidden, "err.foreign")
			return
		}
	}
	if r.Method == http.MethodPost && r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		p.fail(w, r, http.StatusForbidden, "err.foreign")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	p.mux.ServeHTTP(w, r)
}

// page is what the templates see.
type page struct {
	Lang, LangSwitch     string
	Title, Name          string
	Message, MessageKind string
	CSRF                 string
	ID                   string // the sign-in form's ID, kept after a refusal
	User                 string
	WithCode, Enabled    bool
	RecoveryLeft         int
	Codes                []string
	Enrollment           *enrollmentView
}

// T translates a catalog key; Tf formats one.
func (pg page) T(key string) string               { return tr(pg.Lang, key) }
func (pg page) Tf(key string, args ...any) string { return tr(pg.Lang, key, args...) }

type enrollmentView struct {
	QR             template.URL // data:image/png;base64,…
	Size           int
	Label          string
	SetupKey       string
	Digits, Period int
}

func (p *Panel) secure(r *http.Request) bool { return p.opts.SecureCookies || r.TLS != nil }

func (p *Panel) render(w http.ResponseWriter, r *http.Request, status int, name, title string, s *session, pg page, msg *message) {
	pg.Lang = language(w, r, p.secure(r))
	pg.LangSwitch = r.URL.Path + "?lang=" + tr(pg.Lang, "lang.otherCode")
	if r.Method != http.MethodGet {
		pg.LangSwitch = "/?lang=" + tr(pg.Lang, "lang.otherCode")
	}
	pg.Name, pg.Title = p.opts.Name, tr(pg.Lang, title)
	if s != nil {
		pg.CSRF = s.csrf
		if d := p.takeData(s); d != nil {
			if msg == nil {
				msg = d.Flash
			}
			pg.Codes = d.Codes
		}
	}
	if msg != nil {
		pg.Message, pg.MessageKind = tr(pg.Lang, msg.Key, msg.Args...), "error"
		if msg.OK {
			pg.MessageKind = "ok"
		}
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

func (p *Panel) fail(w http.ResponseWriter, r *http.Request, status int, key string) {
	p.render(w, r, status, "error", "err.title", nil, page{}, &message{Key: key})
}

func (p *Panel) internal(w http.ResponseWriter, r *http.Request, what string, err error) {
	p.opts.ErrorLog.Printf("panel: %s: %v", what, err)
	p.fail(w, r, http.StatusInternalServerError, "err.internal")
}

// loginForm renders the sign-in page with a fresh anonymous CSRF pair:
// a random cookie and its MAC in the form. Nothing is kept on the server.
func (p *Panel) loginForm(w http.ResponseWriter, r *http.Request, status int, id string, msg *message) {
	var pre string
	if c, err := r.Cookie(preCookieName); err == nil && len(c.Value) == 43 {
		pre = c.Value
	} else {
		pre = randomToken()
		http.SetCookie(w, &http.Cookie{Name: preCookieName, Value: pre, Path: "/", HttpOnly: true,
			Secure: p.secure(r), SameSite: http.SameSiteStrictMode})
	}
	p.render(w, r, status, "login", "signin.title", nil, page{CSRF: p.preToken(pre), ID: id}, msg)
}

func (p *Panel) preToken(pre string) string {
	key := p.secret
	if len(key) == 0 {
		key = []byte(pre)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte("nidan-panel-login\x00" + pre))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (p *Panel) onIndex(w http.ResponseWriter, r *http.Request) {
	if s := p.session(r); s != nil {
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
		return
	}
	p.loginForm(w, r, http.StatusOK, "", nil)
}

func (p *Panel) onLogin(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		p.fail(w, r, http.StatusBadRequest, "err.form")
		return
	}
	c, err := r.Cookie(preCookieName)
	if err != nil {
		p.fail(w, r, http.StatusForbidden, "err.expired")
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(p.preToken(c.Value))) != 1 {
		p.fail(w, r, http.StatusForbidden, "err.stale")
		return
	}
	id := r.PostFormValue("id")
	password := []byte(r.PostFormValue("password"))
	defer clear(password)
	res, err := p.svc.SignIn(r.Context(), enroll.SignIn{ID: id, Password: password,
		Code: r.PostFormValue("code"), Addr: p.opts.ClientAddr(r)})
	withCode := err == nil
	if !enroll.ValidUserID(id) {
		id = "" // not worth showing back
	}
	switch {
	case err == nil, errors.Is(err, enroll.ErrNotEnrolled):
		// Signed in; ErrNotEnrolled means the password matched and the
		// user has no second factor yet, which the settings page offers.
	case errors.Is(err, enroll.ErrBusy):
		w.Header().Set("Retry-After", "2")
		p.loginForm(w, r, http.StatusServiceUnavailable, id, &message{Key: "busy"})
		return
	case errors.Is(err, enroll.ErrLockedOut):
		p.loginForm(w, r, http.StatusTooManyRequests, id, &message{Key: "signin.locked"})
		return
	case errors.Is(err, enroll.ErrNoSuchUser), errors.Is(err, enroll.ErrBadPassword),
		errors.Is(err, enroll.ErrBadCode), errors.Is(err, enroll.ErrReplay), errors.Is(err, enroll.ErrBadRecoveryCode):
		// One message for all: an attacker must not learn which part was wrong.
		p.loginForm(w, r, http.StatusUnauthorized, id, &message{Key: "signin.failed"})
		return
	default:
		p.internal(w, r, "login", err)
		return
	}
	// A fresh session ID at sign-in, so a planted cookie is worth nothing.
	var d *sessionData
	if res.Recovery {
		d = &sessionData{Flash: &message{Key: "recovery.used", Args: []any{res.RecoveryLeft}}}
	}
	if err := p.newSession(w, r, id, withCode, d); err != nil {
		p.internal(w, r, "login", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: preCookieName, Path: "/", MaxAge: -1})
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onLogout(w http.ResponseWriter, r *http.Request, s *session) {
	p.drop(s)
	http.SetCookie(w, p.cookie(r, "", -1))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (p *Panel) onSettings(w http.ResponseWriter, r *http.Request) {
	s := p.session(r)
	if s == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	u, err := p.svc.User(s.User)
	if errors.Is(err, enroll.ErrNoSuchUser) {
		p.drop(s)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if err != nil {
		p.internal(w, r, "settings", err)
		return
	}
	pg := page{User: s.User, WithCode: s.WithCode, Enabled: u.Enabled, RecoveryLeft: u.Recovery}
	if u.Pending {
		e, err := p.svc.Pending(s.User)
		if err != nil && !errors.Is(err, enroll.ErrNoPending) {
			p.internal(w, r, "settings", err)
			return
		}
		if e != nil {
			pg.Enrollment = newEnrollmentView(e)
		}
	}
	p.render(w, r, http.StatusOK, "settings", "settings.title", s, pg, nil)
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
	if _, err := p.svc.Begin(s.User); err != nil {
		p.internal(w, r, "begin enrollment", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onAbandon(w http.ResponseWriter, r *http.Request, s *session) {
	if err := p.svc.Abandon(s.User); err != nil {
		p.internal(w, r, "abandon enrollment", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onEnable(w http.ResponseWriter, r *http.Request, s *session) {
	codes, err := p.svc.Enable(s.User, r.PostFormValue("code"))
	switch {
	case err == nil:
		p.setData(s, &sessionData{Flash: &message{Key: "enable.ok", OK: true}, Codes: codes})
	case errors.Is(err, enroll.ErrBadCode):
		p.setFlash(s, &message{Key: "enable.bad"})
	case errors.Is(err, enroll.ErrNoPending):
		p.setFlash(s, &message{Key: "enable.gone"})
	default:
		p.internal(w, r, "enable", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onRecovery(w http.ResponseWriter, r *http.Request, s *session) {
	codes, err := p.svc.RegenerateRecovery(s.User)
	if err != nil && !errors.Is(err, enroll.ErrNotEnrolled) {
		p.internal(w, r, "recovery codes", err)
		return
	}
	p.setData(s, &sessionData{Codes: codes})
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) onDisable(w http.ResponseWriter, r *http.Request, s *session) {
	err := p.svc.Disable(s.User, r.PostFormValue("code"))
	switch {
	case err == nil:
		// Disable ended every session of the user, on every instance; the
		// browser that proved it with a code gets a new one.
		if err := p.newSession(w, r, s.User, false, &sessionData{Flash: &message{Key: "disable.ok", OK: true}}); err != nil {
			p.internal(w, r, "disable", err)
			return
		}
	case errors.Is(err, enroll.ErrLockedOut):
		p.setFlash(s, &message{Key: "signin.locked"})
	case errors.Is(err, enroll.ErrBadCode), errors.Is(err, enroll.ErrReplay), errors.Is(err, enroll.ErrBadRecoveryCode),
		errors.Is(err, enroll.ErrNotEnrolled):
		p.setFlash(s, &message{Key: "disable.bad"})
	default:
		p.internal(w, r, "disable", err)
		return
	}
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
}

func (p *Panel) setFlash(s *session, m *message) { p.setData(s, &sessionData{Flash: m}) }

// setData stores what the next page shows; a failure (the session ended
// meanwhile) only loses the message.
func (p *Panel) setData(s *session, d *sessionData) {
	b, err := json.Marshal(d)
	if err != nil {
		p.opts.ErrorLog.Printf("panel: session data: %v", err)
		return
	}
	s.Data = b
	if err := p.svc.Store().SaveSession(s.Session, time.Now()); err != nil && !errors.Is(err, enroll.ErrNoSession) {
		p.opts.ErrorLog.Printf("panel: save session: %v", err)
	}
}

// takeData returns the session's waiting data and clears it in the store,
// so that it shows once.
func (p *Panel) takeData(s *session) *sessionData {
	if len(s.Data) == 0 {
		return nil
	}
	var d sessionData
	if err := json.Unmarshal(s.Data, &d); err != nil {
		p.opts.ErrorLog.Printf("panel: session data: %v", err)
	}
	s.Data = nil
	if err := p.svc.Store().SaveSession(s.Session, time.Now()); err != nil && !errors.Is(err, enroll.ErrNoSession) {
		p.opts.ErrorLog.Printf("panel: save session: %v", err)
	}
	if d.Flash != nil {
		// JSON numbers come back as float64; the catalog formats counts.
		for i, a := range d.Flash.Args {
			if f, ok := a.(float64); ok && f == float64(int(f)) {
				d.Flash.Args[i] = int(f)
			}
		}
	}
	return &d
}

// post wraps a signed-in POST handler with the session and CSRF checks.
func (p *Panel) post(h func(http.ResponseWriter, *http.Request, *session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := p.session(r)
		if s == nil {
			if _, err := r.Cookie(cookieName); err != nil {
				http.Redirect(w, r, "/", http.StatusSeeOther) // never signed in
				return
			}
			p.fail(w, r, http.StatusForbidden, "err.expired")
			return
		}
		if err := r.ParseForm(); err != nil {
			p.fail(w, r, http.StatusBadRequest, "err.form")
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(s.csrf)) != 1 {
			p.fail(w, r, http.StatusForbidden, "err.stale")
			return
		}
		h(w, r, s)
	}
}

// session returns the request's live signed-in session, or nil. It is read
// from the store, so any instance's sign-in counts and any instance's
// sign-out or revocation holds. Each use extends it to SessionTTL from now,
// written at most once a minute.
func (p *Panel) session(r *http.Request) *session {
	c, err := r.Cookie(cookieName)
	if err != nil || len(c.Value) != 43 {
		return nil
	}
	now := time.Now()
	ss, err := p.svc.Store().Session(enroll.SessionKey(c.Value), now)
	if err != nil {
		if !errors.Is(err, enroll.ErrNoSession) {
			p.opts.ErrorLog.Printf("panel: read session: %v", err)
		}
		return nil
	}
	if ttl := p.opts.SessionTTL; ss.Expires.Sub(now) < ttl-min(time.Minute, ttl/2) {
		ss.Expires = now.Add(ttl)
		if err := p.svc.Store().SaveSession(ss, now); err != nil {
			if !errors.Is(err, enroll.ErrNoSession) {
				p.opts.ErrorLog.Printf("panel: extend session: %v", err)
			}
			return nil
		}
	}
	return &session{Session: ss, csrf: csrfToken(c.Value)}
}

// csrfToken is a session's CSRF token, derived from its cookie so that
// every instance knows it and the store holds nothing it could leak.
func csrfToken(cookie string) string {
	m := hmac.New(sha256.New, []byte(cookie))
	m.Write([]byte("nidan-panel-csrf"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// newSession signs the browser in: the old session (if any) ends, a new
// one is stored with d waiting for the next page, and its cookie is set.
func (p *Panel) newSession(w http.ResponseWriter, r *http.Request, user string, withCode bool, d *sessionData) error {
	if old := p.session(r); old != nil {
		p.drop(old)
	}
	token := randomToken()
	now := time.Now()
	ss := enroll.Session{Key: enroll.SessionKey(token), User: user, WithCode: withCode, Created: now, Expires: now.Add(p.opts.SessionTTL)}
	if d != nil {
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		ss.Data = b
	}
	if err := p.svc.Store().CreateSession(ss, p.opts.MaxSessions); err != nil {
		return err
	}
	http.SetCookie(w, p.cookie(r, token, 0))
	return nil
}

func (p *Panel) drop(s *session) {
	if err := p.svc.Store().DeleteSession(s.Key); err != nil {
		p.opts.ErrorLog.Printf("panel: end session: %v", err)
	}
}

func (p *Panel) cookie(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: cookieName, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: p.secure(r), SameSite: http.SameSiteStrictMode}
}

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("panel: crypto/rand failed: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
