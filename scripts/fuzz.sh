#!/bin/sh
# fuzz.sh — run every fuzz target for $FUZZTIME (default 60s) each.
set -eu
cd "$(dirname "$0")/.."
fuzztime=${FUZZTIME:-60s}
for f in $(grep -l '^func Fuzz' $(git ls-files '*_test.go')); do
	dir=./$(dirname "$f")
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$f"); do
		echo "fuzz $dir $target for $fuzztime"
		go test -run='^$' -fuzz="^$target\$" -fuzztime="$fuzztime" "$dir"
	done
done
