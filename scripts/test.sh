#!/bin/sh
# test.sh — everything `make test` runs: static checks, all Go tests with the
# race detector inside a private D-Bus session with an unlocked gnome-keyring
# (so keyring tests hit a real Secret Service), then a few seconds of every
# fuzz target.
set -eu
cd "$(dirname "$0")/.."
scripts/deps.sh build test

fuzztime=${FUZZTIME:-4s}

echo "== gofmt, vet, staticcheck, layering"
bad=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$bad" ]; then echo "gofmt needed:"; echo "$bad"; exit 1; fi
go vet ./...
go vet -tags migrated_fynedo ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags migrated_fynedo ./...
for pkg in accounts vault formats replica syncfolder internal scanner enroll cli; do
	[ -d "$pkg" ] || continue
	if go list -deps "./$pkg/..." | grep -q '^fyne.io/'; then
		echo "layering: ./$pkg must not import Fyne"; exit 1
	fi
done
# Dependencies point one way: accounts <- vault <- formats <- app, cli.
layer() { # layer PKG FORBIDDEN...: PKG's own (non-test) imports name none of FORBIDDEN
	pkg=$1; shift
	for dep in "$@"; do
		if go list -deps "./$pkg/" | grep -qx "github.com/nidan-auth/nidan/$dep"; then
			echo "layering: ./$pkg must not import $dep"; exit 1
		fi
	done
}
layer accounts vault formats scanner enroll
layer vault formats scanner enroll
layer formats scanner enroll
layer enroll vault formats
layer replica vault formats syncfolder scanner enroll
layer vault syncfolder

echo "== the packages without Fyne, tests included, build for Windows (make test-windows runs them under Wine)"
GOOS=windows CGO_ENABLED=0 go vet $(GOOS=windows CGO_ENABLED=0 go list -e \
	-f '{{.ImportPath}} {{range .Deps}}{{if eq . "fyne.io/fyne/v2"}}fyne{{end}}{{end}}' ./... | grep -v ' fyne$' | cut -d' ' -f1)

echo "== go test -race (real Secret Service in a private D-Bus session, X11 tests on a private Xvfb display;"
echo "   app/realwin drives the real binary on Xvfb displays of its own with openbox, xdotool and xclip)"
# The keyring daemon keeps its files under HOME; give it a scratch one, but keep
# Go's caches where they are so the test run stays warm.
GOCACHE=$(go env GOCACHE) GOMODCACHE=$(go env GOMODCACHE) GOPATH=$(go env GOPATH)
export GOCACHE GOMODCACHE GOPATH
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
HOME=$scratch XDG_DATA_HOME=$scratch/data XDG_CONFIG_HOME=$scratch/config XDG_CACHE_HOME=$scratch/cache \
	dbus-run-session -- sh -c '
	echo -n throwaway | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
	NIDAN_TEST_REAL_KEYRING=1 NIDAN_TEST_REALWIN=1 LANG=en_US.UTF-8 xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" \
		go test -race -count=1 -timeout 20m ./...'

echo "== fuzz ($fuzztime each)"
for f in $(grep -l '^func Fuzz' $(git ls-files '*_test.go' 2>/dev/null || find . -name '*_test.go')); do
	dir=./$(dirname "$f")
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f"); do
		echo "fuzz $dir $target"
		ok=0
		for attempt in 1 2 3; do
			if go test -run='^$' -fuzz="^$target\$" -fuzztime="$fuzztime" "$dir" >"$scratch/fuzz.log" 2>&1; then
				ok=1; break
			fi
			# On a loaded machine the fuzzing engine can run out of its time
			# budget before its workers start; that is not a finding, and it
			# saves no input. Anything else is.
			grep -q 'context deadline exceeded' "$scratch/fuzz.log" || break
			echo "  (engine timed out under load; again)"
		done
		if [ "$ok" != 1 ]; then
			tail -40 "$scratch/fuzz.log"
			echo "fuzz $target failed; the failing input is saved under $dir/testdata/fuzz/$target/ — add it to the tests"
			exit 1
		fi
	done
done
echo "== all tests passed"
