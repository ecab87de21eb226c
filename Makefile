# Nidan — see README.md. `make run` starts the app, `make test` runs all tests;
# both install missing Debian packages first (as root) or print the apt line.

# VERSION is the tag on a release commit (v0.1.0 → 0.1.0), otherwise the
# version FyneApp.toml is heading for plus "-dev". COMMIT gets "-dirty" when
# tracked files have changes. `nidan --version` prints both.
APP_VERSION := $(shell sed -n 's/^Version *= *"\(.*\)"$$/\1/p' FyneApp.toml)
VERSION ?= $(shell git describe --tags --exact-match --match 'v[0-9]*' 2>/dev/null | sed 's/^v//' | grep . || echo $(APP_VERSION)-dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)$(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo -dirty)
VERSION := $(VERSION)
COMMIT  := $(COMMIT)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
TAGS    := migrated_fynedo
GO      ?= go

.PHONY: run build test test-e2e soak fuzz bench lint clean deps

deps:
	scripts/deps.sh build run

build: deps
	$(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o bin/nidan .

run: build
	./bin/nidan

test:
	scripts/test.sh

# Windows under Wine (scripts/test-windows.sh): a private Wine prefix and X
# display; the Go tests of every package without Fyne, cross-built and run
# by Wine; then dist/nidan.exe used as a user (scripts/wine-user.sh); logs
# in build/test-windows/.
.PHONY: test-windows
test-windows: package-windows
	scripts/test-windows.sh

# The NSIS installer under Wine (scripts/wine-installer.sh): installed
# silently, used, uninstalled silently; the vault must survive.
.PHONY: test-windows-installer
test-windows-installer: package-windows-installer
	PARTS=installer scripts/test-windows.sh

# Browser end to end: the enrollment web panel in headless Chromium driven
# over WebDriver (chromedriver), its QR code scanned off a screenshot; one
# screenshot per language (NIDAN_E2E_SCREENSHOTS=DIR keeps them).
test-e2e:
	scripts/deps.sh build e2e
	$(GO) test -tags e2e,$(TAGS) -race -count=1 -run Chromium -v ./enroll/panel/

# Enrollment panel under load (docs/enroll-store.md): real `nidan enroll
# serve` processes on loopback, two of them on one throwaway PostgreSQL;
# bounded in count (500, 200, 10 000 requests) and time.
.PHONY: test-enroll-load bench-enroll
test-enroll-load:
	scripts/deps.sh build test
	$(GO) test -tags load -count=1 -v -timeout 15m ./internal/enrollload/

# Code-only verification per store, 1, 16 and 64 workers (checks/s, CPU per check,
# docs/enroll-store.md), PostgreSQL started by the benchmark; about two minutes.
bench-enroll:
	scripts/deps.sh test
	$(GO) test -run '^$$' -bench VerifyCode -benchtime 3s ./enroll/

# soak: the crash-safety test with many more SIGKILL rounds (SOAK_ROUNDS).
soak:
	NIDAN_CRASH_ROUNDS=$${SOAK_ROUNDS:-5000} $(GO) test -count=1 -run '^TestCrashSafeSave$$' -v -timeout 60m ./vault/

fuzz:
	FUZZTIME=$${FUZZTIME:-60s} scripts/fuzz.sh

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./accounts/... ./vault/ ./formats/ ./scanner/ ./enroll/... ./replica/ ./syncfolder/

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	$(GO) vet -tags $(TAGS) ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags $(TAGS) ./...

clean:
	rm -rf bin dist

# The phone app (docs/mobile.md): app/ built with -tags mobile, so fyne
# reports a phone; every screen laid out at phone and tablet sizes, and the
# phone simulation driven in a real window under Xvfb + openbox (about
# 2 minutes).
.PHONY: test-mobile screenshots-mobile
test-mobile:
	scripts/deps.sh build mobile
	$(GO) test -tags mobile,$(TAGS) -count=1 -timeout 15m ./app/

# Every phone screen (en/ja, light/dark) at 360x640 pt, and the real
# simulation window's (sim-*.png), into docs/screenshots/mobile/.
screenshots-mobile:
	scripts/deps.sh build mobile
	mkdir -p docs/screenshots/mobile
	NIDAN_SCREENSHOTS_MOBILE=$(CURDIR)/docs/screenshots/mobile $(GO) test -tags mobile,$(TAGS) -count=1 -run '^(TestPhoneScreenshots|TestSimulatorWindow)$$' ./app/

# GUI: every screen (en/ja, light/dark) rendered headless into docs/screenshots/.
.PHONY: screenshots bench-ui
screenshots:
	mkdir -p docs/screenshots
	NIDAN_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TAGS) -count=1 -run '^TestScreenshots$$' ./app/

# GUI cost under Xvfb: Nidan with 1000 accounts beside a bare fyne window.
bench-ui: deps
	scripts/deps.sh ui
	scripts/bench-ui.sh

# Scanner benchmark.
SCAN_CORPUS ?= build/scan-corpus
# QR_PHOTOS: a folder of real phone photos with labelled codes, measured
# beside ZXingReader when given: make bench-scan QR_PHOTOS=/path/to/qr-photos
QR_PHOTOS ?=

.PHONY: bench-scan scan-corpus

# scan-corpus generates the synthetic benchmark images (not committed).
scan-corpus:
	go run ./scanner/internal/corpusgen -out $(SCAN_CORPUS)

# bench-scan measures the scanner beside ZXingReader and zbarimg (and on the
# real photos when $(QR_PHOTOS) exists), prints the tables and writes them
# into docs/scanner-benchmark.md.
bench-scan: scan-corpus
	sh scripts/deps.sh bench
	go build -o build/scanbench ./scanner/internal/scanbench
	if [ -n "$(QR_PHOTOS)" ] && [ -d "$(QR_PHOTOS)" ]; then \
		build/scanbench -corpus $(SCAN_CORPUS) -photos $(QR_PHOTOS) -md docs/scanner-benchmark.md; \
	else \
		build/scanbench -corpus $(SCAN_CORPUS) -md docs/scanner-benchmark.md; \
	fi

# --- packages (see docs/install.md) ------------------------------------------

# fyne.io/tools is installed into .cache, not pinned with a go.mod `tool`
# line: v1.7.4 requires fyne v2.8.1, and a tool line would drag the app's
# fyne up from v2.7.1 with it.
FYNE_TOOLS := fyne.io/tools/cmd/fyne@v1.7.4
FYNE       := .cache/fyne-v1.7.4/fyne
GOARCH     ?= $(shell $(GO) env GOARCH)
LINUX_PKG  := dist/nidan-$(VERSION)-linux-$(GOARCH).tar.xz
export VERSION COMMIT FYNE

.PHONY: deps-package icon package package-linux package-windows check-windows \
	install uninstall package-darwin package-android package-ios check-mobile

deps-package:
	scripts/deps.sh build package

$(FYNE):
	GOBIN=$(CURDIR)/$(dir $(FYNE)) $(GO) install $(FYNE_TOOLS)

# icon re-renders assets/icon.png, the tray's assets/tray.png and the Windows assets/icon.ico (one PNG
# per size, each drawn from the SVG) from the hand-written assets/icon.svg.
ICO_SIZES := 16 20 24 32 40 48 64 96 128 256
icon:
	scripts/deps.sh icon
	rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png
	rsvg-convert -w 64 -h 64 assets/icon.svg -o assets/tray.png
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	for s in $(ICO_SIZES); do rsvg-convert -w $$s -h $$s assets/icon.svg -o $$tmp/$$s.png || exit 1; done && \
	$(GO) run ./internal/tools/mkico assets/icon.ico $(ICO_SIZES:%=$$tmp/%.png)

package: package-linux package-windows

# A tar.xz with the binary, the .desktop file, the icon and a Makefile
# (make user-install / sudo make install).
package-linux: deps-package $(FYNE)
	scripts/package.sh linux

# dist/nidan.exe, cross-built with mingw-w64; check-windows checks it.
package-windows: deps-package $(FYNE)
	scripts/package.sh windows

# dist/Nidan-Setup-VERSION.exe (NSIS, per user) and the portable
# dist/nidan-VERSION-windows-amd64.zip, both from dist/nidan.exe.
.PHONY: package-windows-installer
package-windows-installer: package-windows
	scripts/package-windows-installer.sh

check-windows: package-windows
	$(GO) run ./internal/tools/wincheck dist/nidan.exe

# install puts the Linux package under ~/.local for the current user.
install: package-linux
	scripts/install.sh $(LINUX_PKG)

uninstall:
	scripts/install.sh -u

# These need Xcode or the Android SDK and NDK; without them they say what is
# missing and fail.
package-darwin package-android package-ios: $(FYNE)
	scripts/package.sh $(@:package-%=%)

# check-mobile type-checks accounts, vault, formats, scanner, cli and enroll for Android and
# iOS, and fails if they would pull C code into a mobile build.
check-mobile:
	scripts/check-mobile.sh

# Sync end to end (docs/vault-format.md, "The sync folder"): real Syncthing
# instances on loopback started and stopped by the tests. test-sync: two
# devices with concurrent changes over a paused link, conflict copies, the
# real nidan binary; a 150-operation soak across three; the real window
# (Xvfb, openbox, xdotool) merging another device's change within 2 s.
# soak-sync: 1 000
# random operations (SOAK_OPS=n) with random link pauses, 2 000 seeds of the
# merge simulation and 500 SIGKILLs during syncs.
.PHONY: test-sync soak-sync
test-sync:
	scripts/deps.sh build sync
	$(GO) test -tags syncthing,$(TAGS) -count=1 -timeout 15m -v -run 'Syncthing|TwoInstances|SyncWindow' ./internal/syncthingtest/ ./cli/ ./syncfolder/ ./app/

soak-sync:
	scripts/deps.sh build sync
	NIDAN_SOAK_OPS=$${SOAK_OPS:-1000} $(GO) test -tags syncthing,$(TAGS) -count=1 -timeout 60m -v -run '^TestSoakThroughSyncthing$$' ./syncfolder/
	NIDAN_MERGE_SEEDS=$${MERGE_SEEDS:-2000} $(GO) test -count=1 -run '^TestReplicasConverge$$' -v ./replica/
	NIDAN_CRASH_ROUNDS=$${CRASH_ROUNDS:-500} $(GO) test -count=1 -run '^TestCrashDuringSync$$' -v -timeout 30m ./syncfolder/

# Brand logos (docs/brand-logos.md): the pinned simple-icons npm package,
# fetched with npm into a temporary directory, turned by genlogos into the
# committed internal/brandlogo/simple-icons.json.gz and its provenance
# note. Only this target needs npm; building never does.
SIMPLE_ICONS_VERSION ?= 16.37.0
.PHONY: logos
logos:
	@command -v npm >/dev/null || { echo "make logos needs npm (apt-get install npm)"; exit 1; }
	tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	npm pack --silent --pack-destination "$$tmp" simple-icons@$(SIMPLE_ICONS_VERSION) >/dev/null && \
	tar -xzf "$$tmp"/simple-icons-$(SIMPLE_ICONS_VERSION).tgz -C "$$tmp" && \
	$(GO) run ./internal/tools/genlogos -pkg "$$tmp/package" -out internal/brandlogo
