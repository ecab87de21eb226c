// Package pgtest starts a throwaway PostgreSQL server for tests: initdb in
// a fresh temporary directory, the server listening on a Unix socket in
// that directory only (no TCP port), stopped and removed when the test
// ends. As root it runs the server as the postgres user, since initdb and
// postgres refuse to run as root. Debian's postgresql package provides the
// binaries (scripts/deps.sh test).
package pgtest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver for the readiness check and CreateDB
)

// ErrUnsupported means PostgreSQL tests cannot run on this system: under
// Wine (make test-windows) the server would be Debian's Linux build.
var ErrUnsupported = errors.New("PostgreSQL tests run on Linux (make test), not on " + runtime.GOOS)

// Server is one running PostgreSQL.
type Server struct {
	Dir  string // data directory; the socket is in it too
	User string // the database superuser
	n    atomic.Int64
}

// bindir finds the newest Debian PostgreSQL, or pg_ctl on PATH.
func bindir() (string, error) {
	if dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin"); len(dirs) > 0 {
		sort.Slice(dirs, func(i, j int) bool {
			vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
			vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
			return vi < vj
		})
		return dirs[len(dirs)-1], nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", errors.New("PostgreSQL not found: run scripts/deps.sh test (Debian package postgresql)")
}

// Start runs a server for the test (and its subtests) and stops it at the
// end. Options are extra postgres -c settings ("fsync=off").
func Start(t testing.TB, settings ...string) *Server {
	t.Helper()
	s, stop, err := New(settings...)
	if errors.Is(err, ErrUnsupported) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return s
}

// New starts a server; the caller must call stop (TestMain uses it to
// share one server between a package's tests).
func New(settings ...string) (s *Server, stop func(), err error) {
	if !unixLike {
		return nil, nil, ErrUnsupported
	}
	bin, err := bindir()
	if err != nil {
		return nil, nil, err
	}
	dir, err := os.MkdirTemp("", "nidan-pg-*")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	run := func(name string, args ...string) *exec.Cmd { return exec.Command(filepath.Join(bin, name), args...) }
	superuser := ""
	if os.Geteuid() == 0 {
		pg, err := user.Lookup("postgres")
		if err != nil {
			cleanup()
			return nil, nil, fmt.Errorf("running as root needs the postgres user (Debian package postgresql): %w", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			cleanup()
			return nil, nil, err
		}
		superuser = "postgres"
		run = func(name string, args ...string) *exec.Cmd {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(bin, name)}, args...)...)
		}
	} else {
		u, err := user.Current()
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		superuser = u.Username
	}
	data := filepath.Join(dir, "data")
	var out bytes.Buffer
	initdb := run("initdb", "-D", data, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C", "-U", superuser)
	initdb.Stdout, initdb.Stderr = &out, &out
	if err := initdb.Run(); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("initdb: %v\n%s", err, out.String())
	}
	args := []string{"-D", data, "-k", dir, "-c", "listen_addresses=", "-c", "max_connections=200",
		"-c", "shared_buffers=32MB", "-c", "log_min_messages=warning"}
	for _, s := range settings {
		if s != "" {
			args = append(args, "-c", s)
		}
	}
	srv := run("postgres", args...)
	var logs bytes.Buffer
	srv.Stdout, srv.Stderr = &logs, &logs
	if err := srv.Start(); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = srv.Wait(); close(exited) }()
	s = &Server{Dir: dir, User: superuser}
	stop = func() {
		// Signal the postmaster itself (runuser may not pass signals on):
		// SIGINT is PostgreSQL's fast shutdown.
		if pid, err := postmasterPID(data); err == nil {
			_ = kill(pid, syscall.SIGINT)
		} else {
			_ = srv.Process.Signal(os.Interrupt)
		}
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			if pid, err := postmasterPID(data); err == nil {
				_ = kill(pid, syscall.SIGKILL)
			}
			_ = srv.Process.Kill()
			<-exited
		}
		cleanup()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		db, err := sql.Open("pgx", s.URL("postgres"))
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return s, stop, nil
		}
		select {
		case <-exited:
			cleanup()
			return nil, nil, fmt.Errorf("postgres exited: %s", logs.String())
		default:
		}
		if time.Now().After(deadline) {
			stop()
			return nil, nil, fmt.Errorf("postgres did not start: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func postmasterPID(data string) (int, error) {
	b, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	return strconv.Atoi(strings.TrimSpace(line))
}

// URL is a connection URL for database db over the server's socket.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://%s@/%s?host=%s&sslmode=disable", s.User, db, s.Dir)
}

// CreateDB makes a new empty database and returns its URL.
func (s *Server) CreateDB(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.n.Add(1))
	db, err := sql.Open("pgx", s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return s.URL(name)
}
