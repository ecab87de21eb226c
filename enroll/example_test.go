package enroll_test

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/nidan-auth/nidan/accounts"
	"github.com/nidan-auth/nidan/enroll"
)

// shop is an existing net/http application with its own sign-in page and
// sessions. It adds two-step verification with four things from enroll:
// SignIn in its login handler, Begin and Enable in two settings handlers,
// and the lockout/busy errors mapped to HTTP answers.
type shop struct {
	svc      *enroll.Service
	mu       sync.Mutex
	sessions map[string]string // session cookie → user ID
}

func (s *shop) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", s.login)
	mux.Handle("POST /2fa/setup", s.signedIn(s.setup))
	mux.Handle("POST /2fa/enable", s.signedIn(s.enable))
	mux.Handle("GET /orders", s.signedIn(func(w http.ResponseWriter, r *http.Request, user string) {
		fmt.Fprintf(w, "orders of %s", user)
	}))
	return mux
}

// login checks ID, password and, once enabled, the code (or a recovery
// code). It answers every refusal the same way, so that an attacker learns
// nothing about which part was wrong or whether the user exists.
func (s *shop) login(w http.ResponseWriter, r *http.Request) {
	addr, _, _ := net.SplitHostPort(r.RemoteAddr)
	_, err := s.svc.SignIn(r.Context(), enroll.SignIn{ID: r.FormValue("id"),
		Password: []byte(r.FormValue("password")), Code: r.FormValue("code"), Addr: addr})
	switch {
	case err == nil, errors.Is(err, enroll.ErrNotEnrolled): // ErrNotEnrolled: right password, no 2FA yet
	case errors.Is(err, enroll.ErrBusy):
		w.Header().Set("Retry-After", "2")
		http.Error(w, "busy, try again", http.StatusServiceUnavailable)
		return
	case errors.Is(err, enroll.ErrLockedOut):
		http.Error(w, "too many failed sign-ins", http.StatusTooManyRequests)
		return
	default:
		http.Error(w, "wrong ID, password or code", http.StatusUnauthorized)
		return
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	sid := hex.EncodeToString(b)
	s.mu.Lock()
	s.sessions[sid] = r.FormValue("id")
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "sid", Value: sid, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	fmt.Fprint(w, "welcome")
}

// signedIn is the application's own middleware; enroll needs nothing more.
func (s *shop) signedIn(h func(http.ResponseWriter, *http.Request, string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		s.mu.Lock()
		user := ""
		if err == nil {
			user = s.sessions[c.Value]
		}
		s.mu.Unlock()
		if user == "" {
			http.Error(w, "sign in first", http.StatusUnauthorized)
			return
		}
		h(w, r, user)
	})
}

// setup starts enrollment. A real page shows e.QR (a PNG) and e.SetupKey;
// this one returns the Key URI the QR code carries.
func (s *shop) setup(w http.ResponseWriter, r *http.Request, user string) {
	e, err := s.svc.Begin(user)
	if err != nil {
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	fmt.Fprint(w, e.URI)
}

// enable turns 2FA on with the first code and shows the recovery codes once.
func (s *shop) enable(w http.ResponseWriter, r *http.Request, user string) {
	codes, err := s.svc.Enable(user, r.FormValue("code"))
	if err != nil {
		http.Error(w, "that code is not right", http.StatusBadRequest)
		return
	}
	fmt.Fprintf(w, "%d recovery codes", len(codes))
}

// Example_netHTTP adds two-step verification to an existing net/http
// application: the store is SQLite (PostgreSQL for several instances: the
// same code with enroll.OpenPostgres), and a client walks through it as a
// browser and an authenticator app would.
func Example_netHTTP() {
	dir, _ := os.MkdirTemp("", "shop")
	defer os.RemoveAll(dir)
	st, err := enroll.OpenStore("sqlite:"+filepath.Join(dir, "shop.db"), enroll.KeySource{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	svc := enroll.NewService(st, enroll.Options{Issuer: "Example Shop",
		// Cheap hashes keep the example fast; leave Password zero in production.
		Password: enroll.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	if err := svc.AddUser("alice", []byte("correct horse")); err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer((&shop{svc: svc, sessions: map[string]string{}}).routes())
	defer srv.Close()

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	post := func(path string, form url.Values) string {
		resp, err := browser.PostForm(srv.URL+path, form)
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Println("sign in:", post("/login", url.Values{"id": {"alice"}, "password": {"correct horse"}}))

	uri := strings.TrimPrefix(post("/2fa/setup", nil), "200 ")
	phone, _ := accounts.ParseURI(uri) // what the authenticator scans
	fmt.Println("authenticator:", phone.Issuer, "/", phone.Name)
	code := func() string { c, _ := phone.CodeAt(time.Now()); return c.Current }
	fmt.Println("enable:", post("/2fa/enable", url.Values{"code": {code()}}))

	jar, _ = cookiejar.New(nil)
	browser.Jar = jar // a new visit
	fmt.Println("password only:", post("/login", url.Values{"id": {"alice"}, "password": {"correct horse"}}))
	// The code that enabled 2FA is spent; the authenticator's next one signs in.
	next, _ := phone.CodeAt(time.Now().Add(30 * time.Second))
	fmt.Println("with the next code:", post("/login", url.Values{"id": {"alice"}, "password": {"correct horse"}, "code": {next.Current}}))
	fmt.Println("the same code again:", post("/login", url.Values{"id": {"alice"}, "password": {"correct horse"}, "code": {next.Current}}))
	fmt.Println("unknown user:", post("/login", url.Values{"id": {"mallory"}, "password": {"correct horse"}, "code": {next.Current}}))
	resp, _ := browser.Get(srv.URL + "/orders")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println("orders:", resp.StatusCode, string(body))

	// Output:
	// sign in: 200 welcome
	// authenticator: Example Shop / alice
	// enable: 200 10 recovery codes
	// password only: 401 wrong ID, password or code
	// with the next code: 200 welcome
	// the same code again: 401 wrong ID, password or code
	// unknown user: 401 wrong ID, password or code
	// orders: 200 orders of alice
}
