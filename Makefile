# Nidan — see README.md. `make run` starts the app, `make test` runs all tests;
# both install missing Debian packages first (as root) or print the apt line.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
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

# Browser end to end: the enrollment web panel in headless Chromium driven
# over WebDriver (chromedriver), its QR code scanned off a screenshot.
test-e2e:
	scripts/deps.sh build e2e
	$(GO) test -tags e2e,$(TAGS) -race -count=1 -run Chromium -v ./enroll/panel/

# soak: the crash-safety test with many more SIGKILL rounds (SOAK_ROUNDS).
soak:
	NIDAN_CRASH_ROUNDS=$${SOAK_ROUNDS:-5000} $(GO) test -count=1 -run '^TestCrashSafeSave$$' -v -timeout 60m ./accounts/

fuzz:
	FUZZTIME=$${FUZZTIME:-60s} scripts/fuzz.sh

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./accounts/... ./scanner/ ./enroll/...

lint:
	gofmt -l . && $(GO) vet ./...

clean:
	rm -rf bin dist

SCAN_CORPUS ?= build/scan-corpus
# QR_PHOTOS: a folder of real phone photos with labelled codes, measured
# beside ZXingReader when given: make bench-scan QR_PHOTOS=/path/to/qr-photos
QR_PHOTOS ?=

.PHONY: bench-scan scan-corpus

# scan-corpus generates the synthetic benchmark images (not committed).
scan-corpus:
	go run ./scanner/internal/corpusgen -out $(SCAN_CORPUS)

# bench-scan measures the scanner beside zbarimg (and ZXingReader on the
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
