# Nidan — only the scanner's targets live here so far; the lead merges the rest.

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
