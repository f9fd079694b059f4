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

fp=$(sed -n 's/.*Ceremony fingerprint \([0-9A-Z-]\{19\}\).*/\1/p' "$work/demo.log" | head -1)
"$bin" board key "$work/demo/board" --out "$work/key.cbor" > /dev/null
"$bin" key check "$work/key.cbor" --expect "$fp" > "$work/keycheck.log" && ok "key check accepts the demo's key file against its ceremony fingerprint $fp" || { cat "$work/keycheck.log"; fail "key check"; }
"$bin" ballots encrypt --key "$work/key.cbor" --expect "$(tr 'A-Z-' 'a-z ' <<<"$fp")" --simulate 5 --options 2 --out "$work/b.json" > /dev/null && ok "ballots encrypt takes the fingerprint as people type it" || fail "ballots encrypt --expect"
if "$bin" ballots encrypt --key "$work/key.cbor" --simulate 5 --options 2 --out "$work/b.json" 2> "$work/noexpect.log"; then fail "ballots encrypt without --expect"; fi
grep -q "minutes" "$work/noexpect.log" && ok "ballots encrypt refuses a key file without --expect" || fail "no --expect message"
if "$bin" key check "$work/key.cbor" --expect 0000-0000-0000-0000 > "$work/wrongfp.log" 2>&1; then fail "key check accepted another fingerprint"; fi
grep -q "NOT the ceremony of the minutes" "$work/wrongfp.log" && ok "key check refuses a key file of another ceremony" || fail "key check message"
kfp=$(awk '/^  election key:/ {print $3; exit}' "$work/keycheck.log")
"$bin" key check "$work/key.cbor" --expect "$fp" --expect-key "$kfp" > /dev/null && ok "key check --expect-key accepts the demo's election key $kfp" || fail "key check --expect-key"
if "$bin" key check "$work/key.cbor" --expect "$fp" --expect-key 0000-0000-0000-0000 > "$work/wrongkey.log" 2>&1; then fail "key check accepted another election key"; fi
grep -q "NOT the election key of the minutes" "$work/wrongkey.log" && ok "key check --expect-key refuses another election key of the same ceremony fingerprint" || fail "key check --expect-key message"

st=$("$bin" board status "$work/demo/board")
grep -q "\[complete\]" <<<"$st" && ok "board status shows the completed ceremony" || fail "status"

fp=$(awk '/^Ceremony fingerprint:/ {print $3; exit}' <<<"$st")
"$bin" board minutes "$work/demo/board" --out "$work/pv.pdf" --lang fr > /dev/null || fail "board minutes"
head -c 5 "$work/pv.pdf" | grep -q '%PDF-' && ok "board minutes writes the French minutes as a PDF" || fail "minutes are not a PDF"
if command -v pdftotext > /dev/null; then
  pdftotext "$work/pv.pdf" - | grep -qF "$fp" && ok "the minutes carry the ceremony fingerprint $fp" || fail "minutes text"
fi
if "$bin" board minutes "$work/demo/board" --out "$work/pv.pdf" > /dev/null 2>&1; then fail "board minutes replaced printed minutes"; fi
ok "board minutes refuses to replace a file without --force"
"$bin" verify "$work/demo/board" --expect "$(tr 'A-Z-' 'a-z ' <<<"$fp")" > /dev/null && ok "verify --expect takes the fingerprint as typed" || fail "verify --expect"
"$bin" demo --ballots 10 --dir "$work/puppet" > /dev/null || fail "second demo"
if "$bin" verify "$work/puppet/board" --expect "$fp" > "$work/puppet.log" 2>&1; then fail "verify --expect accepted another ceremony"; fi
grep -q "the minutes say $fp" "$work/puppet.log" && ok "verify --expect refuses another ceremony of the same title and names: $(grep -m1 -o 'its ceremony fingerprint is [0-9A-Z-]*' "$work/puppet.log")" || { cat "$work/puppet.log"; fail "no reason"; }
# Hostile hands and files (issue 10): --out never replaces without --force, never a device;
# a named pipe in a board is refused at once, not waited for.
"$bin" board key "$work/demo/board" --out "$work/key2.cbor" > /dev/null || fail "board key"
if "$bin" board key "$work/demo/board" --out "$work/key2.cbor" > /dev/null 2>&1; then fail "board key replaced a file without --force"; fi
"$bin" board key "$work/demo/board" --out "$work/key2.cbor" --force > /dev/null || fail "board key --force"
if "$bin" record export "$work/demo/board" --json /dev/null --force > /dev/null 2>&1; then fail "record export wrote over a device"; fi
ok "--out refuses an existing file without --force, and a device even with it"
cp -r "$work/demo/board" "$work/piped"
mkfifo "$work/piped/zz-pipe.cbor"
set +e
timeout 20 "$bin" board status "$work/piped" > "$work/piped.log" 2>&1
code=$?
set -e
[ "$code" = 1 ] && grep -q "zz-pipe.cbor" "$work/piped.log" && ok "a named pipe in a board is refused by name (board status exits 1, does not hang)" || { cat "$work/piped.log"; fail "named pipe: exit $code"; }

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
# Belenios trustees (docs/belenios.md): three threshold trustees make their
# certificates and polynomials with the real binary; certificates in the
# wrong order are refused. (The vinputs need the administrator's step 4:
# app/cli/belenios_test.go runs the whole election in the test suite.)
printf 'umber kettle 4410 drizzle belenios\n' > "$work/bpass"
for i in 1 2 3; do
  "$bin" belenios keygen --keystore "$work/b$i.key" --context "$i/2/3" --not-removable --out "$work/b$i.cert" \
    --passphrase-file "$work/bpass" --kdf-memory 8 --kdf-time 1 > "$work/bkeygen$i.log" || { cat "$work/bkeygen$i.log"; fail "belenios keygen"; }
done
grep -q "^Trustee id: [0-9a-f]\{64\}$" "$work/bkeygen1.log" && ok "belenios keygen: a sealed seed and belenios-tool's certificate line" || fail "belenios keygen output"
cat "$work"/b1.cert "$work"/b2.cert "$work"/b3.cert > "$work/bcerts"
for i in 1 2 3; do
  "$bin" belenios polynomial --keystore "$work/b$i.key" --certs "$work/bcerts" --out "$work/b$i.poly" \
    --passphrase-file "$work/bpass" > "$work/bpoly.log" || { cat "$work/bpoly.log"; fail "belenios polynomial"; }
done
ok "belenios polynomial: every certificate checked, three polynomials written"
cat "$work"/b2.cert "$work"/b1.cert "$work"/b3.cert > "$work/bswapped"
if "$bin" belenios polynomial --keystore "$work/b1.key" --certs "$work/bswapped" --out "$work/bx" --passphrase-file "$work/bpass" > "$work/bswap.log" 2>&1; then
  fail "belenios polynomial accepted certificates in the wrong order"
fi
ok "belenios polynomial refuses certificates out of order: $(head -c 120 "$work/bswap.log")"
echo "$pass passed, 0 failed"
