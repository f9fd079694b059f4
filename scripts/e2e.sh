#!/usr/bin/env bash
# End-to-end checks of the real binary: version, a whole demo election, the
# verifier on its record (and its refusal after one changed byte), and the
# QR path through zbarimg, a decoder nobody here wrote.
set -euo pipefail
bin=$(realpath "${1:-bin/conclave}")
work=$(mktemp -d)
# The board's cache of checks that passed (docs/protocol.md §7.5) stays in this run.
export CONCLAVE_CHECK_CACHE="$work/checked"
trap 'rm -rf "$work"' EXIT
pass=0
ok() { echo "ok   $*"; pass=$((pass+1)); }
fail() { echo "FAIL $*"; echo "$pass passed, 1 failed"; exit 1; }

v=$("$bin" version)
grep -q '^binary sha256 [0-9a-f]\{64\}$' <<<"$v" && ok "version prints the binary's SHA-256" || fail "version"

"$bin" demo --ballots 300 --dir "$work/demo" > "$work/demo.log" || { cat "$work/demo.log"; fail "demo"; }
grep -q "verifies" "$work/demo.log" && ok "demo: a whole election in one process, result equals the votes" || fail "demo output"

"$bin" verify "$work/demo/board" > "$work/verify.log" && ok "verify passes on the demo's record" || { cat "$work/verify.log"; fail "verify"; }

cp -r "$work/demo/board" "$work/tampered"
f=$(ls "$work/tampered"/deal-*.cbor | head -1)
size=$(stat -c %s "$f")
printf '\x42' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
if "$bin" verify "$work/tampered" > "$work/tampered.log"; then fail "verify accepted a changed byte"; fi
grep -q "^FAIL" "$work/tampered.log" && ok "verify refuses the record after one byte changed: $(grep -m1 '^FAIL' "$work/tampered.log" | cut -c1-120)" || fail "no FAIL line"

st=$("$bin" board status "$work/demo/board")
grep -q "\[complete\]" <<<"$st" && ok "board status shows the completed ceremony" || fail "status"

if "$bin" qr encode "$f" --out-dir "$work/qr" > "$work/qr.log" 2>&1; then
  n=0
  for png in "$work"/qr/*.png; do
    text=$(zbarimg --raw -q "$png" 2>/dev/null) || fail "zbarimg could not read $png"
    grep -qxF "$text" "$work/qr/frames.txt" || fail "zbarimg read something else from $png"
    n=$((n+1))
  done
  ok "qr encode: all $n frames decode with zbarimg to the text we put in"
  "$bin" qr decode "$work"/qr/*.png --out "$work/back.cbor" > /dev/null
  cmp -s "$f" "$work/back.cbor" && ok "qr decode reassembles the message from the frames" || fail "qr round trip"
else
  cat "$work/qr.log"; fail "qr encode"
fi
echo "$pass passed, 0 failed"
