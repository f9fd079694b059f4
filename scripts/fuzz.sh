#!/usr/bin/env bash
# Runs every fuzz target of the project for the given time each (default 15s).
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-15s}
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $f"
    go test "$pkg" -run '^$' -fuzz "^$f\$" -fuzztime "$t"
  done
done
