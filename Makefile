# Nidan — see README.md. `make run` starts the app, `make test` runs all tests;
# both install missing Debian packages first (as root) or print the apt line.

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)
TAGS    := migrated_fynedo
GO      ?= go

.PHONY: run build test fuzz bench lint clean deps

deps:
	scripts/deps.sh build run

build: deps
	$(GO) build -tags $(TAGS) -trimpath -ldflags "$(LDFLAGS)" -o bin/nidan .

run: build
	./bin/nidan

test:
	scripts/test.sh

fuzz:
	FUZZTIME=$${FUZZTIME:-60s} scripts/fuzz.sh

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./accounts/...

lint:
	gofmt -l . && $(GO) vet ./...

clean:
	rm -rf bin dist

# GUI: every screen (en/ja, light/dark) rendered headless into docs/screenshots/.
.PHONY: screenshots bench-ui
screenshots:
	mkdir -p docs/screenshots
	NIDAN_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -tags $(TAGS) -count=1 -run '^TestScreenshots$$' ./app/

# GUI cost under Xvfb: Nidan with 1000 accounts beside a bare fyne window.
bench-ui: deps
	scripts/deps.sh ui
	scripts/bench-ui.sh

# Scanner benchmark (from the scanner branch).
SCAN_CORPUS ?= build/scan-corpus
QR_PHOTOS ?= ../shared/qr-photos

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
	if [ -d "$(QR_PHOTOS)" ]; then \
		build/scanbench -corpus $(SCAN_CORPUS) -photos $(QR_PHOTOS) -md docs/scanner-benchmark.md; \
	else \
		build/scanbench -corpus $(SCAN_CORPUS) -md docs/scanner-benchmark.md; \
	fi
