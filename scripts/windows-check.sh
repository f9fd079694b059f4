#!/usr/bin/env bash
# The Windows build, checked under Wine (docs/release.md, "Windows"):
#   scripts/windows-check.sh [--no-window | --window-only | --binary] [conclave.exe]
# Installs what is missing (scripts/deps.sh windows), cross-builds conclave.exe
# unless one is given (packaging/build-windows.sh, the release's own build),
# then in a fresh Wine prefix, with a folder mapped as a removable drive R:
#   - `version` prints the SHA-256 of the .exe as sha256sum sees it;
#   - `demo` on R:, with drive-letter paths and backslashes, then `verify`;
#   - a ceremony through the member and board verbs, the keystores on R:
#     (GetDriveType says removable), ballots, a count, `verify`, `member check`;
#   - the non-GUI packages' tests compiled for Windows, run under Wine;
#   - the window under Xvfb, and a screenshot that is not blank (--no-window
#     skips it, --window-only does only that; --binary checks only the
#     program: version, demo, ceremony, no tests and no window).
# Test harness only, never shipped: Wine 8 lacks ProcessPrng, which Go's
# Windows runtime needs, so scripts/wine/processprng.c is built with mingw
# and copied into the prefix's system32; and Wine 8 lacks
# FileDispositionInformationEx, so the test binaries get an overlay file that
# sends os.RemoveAll (t.TempDir's cleanup) down Go's own fallback path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$PATH:/usr/local/go/bin"
window=1 others=1 tests=1
case "${1:-}" in
  --no-window) window=0; shift ;;
  --window-only) others=0; shift ;;
  --binary) window=0 tests=0; shift ;;
esac
exe=${1:-}

scripts/deps.sh windows

work=$(mktemp -d /tmp/conclave-wine.XXXXXX)
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree=;mshtml=;winemenubuilder.exe=" # no Mono/Gecko download prompt, no menu entries
unset CONCLAVE_REQUIRE_TOOLS DISPLAY                             # Windows has no zbarimg nor node; no host display
xvfb_pid=""
cleanup() {
  wineserver -k 2>/dev/null || true
  [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
pass=0
ok() { echo "ok   $*"; pass=$((pass+1)); }
fail() { echo "FAIL $*"; echo "$pass passed, 1 failed"; exit 1; }
now() { date +%s%N; }
ms() { echo "$(( ($(now) - $1) / 1000000 )) ms"; }

t=$(now)
if [ -z "$exe" ]; then
  exe="$root/bin/conclave.exe"
  packaging/build-windows.sh "$exe"
  echo "     cross-build: $(ms "$t")"
fi
exe=$(realpath "$exe")

# The Wine prefix, the ProcessPrng DLL, and R: as a removable drive.
t=$(now)
wine wineboot -i >"$work/wineboot.log" 2>&1 || { cat "$work/wineboot.log"; fail "wineboot"; }
wineserver -w
x86_64-w64-mingw32-gcc -O2 -shared -s -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  scripts/wine/processprng.c -ladvapi32
mkdir -p "$work/stick"
ln -s "$work/stick" "$WINEPREFIX/dosdevices/r:"
wine reg add 'HKLM\Software\Wine\Drives' /v r: /d floppy /f >/dev/null 2>&1 || fail "registry: R: as a removable drive"
wineserver -k; wineserver -w # the mount manager reads the drive types at start
# One wineserver for the whole run: by default it exits 3 s after its last
# client, and a wine started in that instant dies with "recvmsg: Connection
# reset by peer" (seen once in three runs before this).
wineserver -p
# Start Wine's own services now, away from any pipe: they live as long as the
# server, and one started by `$(wine …)` would hold its output open.
wine wineboot </dev/null >/dev/null 2>&1
echo "     Wine prefix ready: $(ms "$t")"
cp "$exe" "$work/conclave.exe"
W="$work/conclave.exe"
c() { wine "$W" "$@"; }

if [ "$others" = 1 ]; then
  t=$(now)
  v=$(c version 2>&1 | tr -d '\r') || { echo "$v"; fail "version"; }
  want=$(sha256sum "$exe" | cut -d' ' -f1)
  grep -qx "binary sha256 $want" <<<"$v" && ok "version prints the .exe's SHA-256 ($want) ($(ms "$t"))" || { echo "$v"; fail "version: not the SHA-256 of $exe"; }

  t=$(now)
  c demo --members 3 --threshold 2 --ballots 100 --dir 'R:\demo' >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; fail "demo"; }
  grep -q "verifies" "$work/demo.log" && [ -f "$work/stick/demo/stick-1/conclave.key" ] ||
    { cat "$work/demo.log"; ls -R "$work/stick"; fail "demo output"; }
  c verify 'R:\demo\board' >"$work/verify.log" 2>&1 || { cat "$work/verify.log"; fail "verify of the demo"; }
  ok "demo on R:\\demo (drive letter, backslashes): a whole election; verify passes ($(ms "$t"))"

  # The passphrase typed at the console, without echo: Wine gives a program
  # whose input is a terminal a console (its conhost), here a pseudo-terminal
  # from script(1). The keys are typed only once the prompt is on screen.
  t=$(now)
  mkdir -p "$work/tty"
  c board new 'R:\tty\board' --title "Console" --members 1 --threshold 1 --close 2026-01-01T18:00:00Z --i-understand >"$work/tty.log" 2>&1 &&
    c board next 'R:\tty\board' --out 'R:\tty\call.cbor' >>"$work/tty.log" 2>&1 || { cat "$work/tty.log"; fail "board for the console check"; }
  mkfifo "$work/tty/in"
  exec 3<>"$work/tty/in"
  secret="orange tulip quartz lantern $RANDOM"
  script -qfec "wine '$W' member step --yes --i-understand --keystore 'R:\\tty\\k.key' --name Console --in 'R:\\tty\\call.cbor' --out 'R:\\tty\\card.cbor' --kdf-memory 8 --kdf-time 1" \
    "$work/tty/typescript" <&3 >/dev/null 2>&1 &
  spid=$!
  typed=0
  for _ in $(seq 1 600); do
    if [ "$typed" = 0 ] && grep -q "Choose a passphrase" "$work/tty/typescript" 2>/dev/null; then sleep 0.3; printf '%s\r' "$secret" >&3; typed=1; fi
    if [ "$typed" = 1 ] && grep -q "Type it again" "$work/tty/typescript" 2>/dev/null; then sleep 0.3; printf '%s\r' "$secret" >&3; typed=2; fi
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  wait "$spid" || { cat -v "$work/tty/typescript"; fail "member step with the passphrase typed at the console"; }
  exec 3>&-
  ! grep -qF "$secret" "$work/tty/typescript" || fail "the passphrase was echoed on the console"
  printf '%s\n' "$secret" >"$work/stick/tty/pass"
  printf 'wrong %s\n' "$secret" >"$work/stick/tty/wrong"
  printf 'violet harbour cobalt meadow\n' >"$work/stick/tty/new"
  ! c member passphrase --keystore 'R:\tty\k.key' --passphrase-file 'R:\tty\wrong' --new-passphrase-file 'R:\tty\new' --kdf-memory 8 --kdf-time 1 >>"$work/tty.log" 2>&1 ||
    fail "the keystore opened with a wrong passphrase"
  c member passphrase --keystore 'R:\tty\k.key' --passphrase-file 'R:\tty\pass' --new-passphrase-file 'R:\tty\new' --kdf-memory 8 --kdf-time 1 >>"$work/tty.log" 2>&1 ||
    { cat "$work/tty.log"; fail "the keystore does not open with the passphrase typed at the console"; }
  ok "passphrase typed at a console (Wine's conhost on a terminal): not echoed, and it opens the keystore ($(ms "$t"))"

  # A ceremony through the verbs: three members, threshold two, each
  # keystore on the removable drive, the coordinator's board on C:.
  t=$(now)
  B='C:\board' H='C:\handout'
  mkdir -p "$WINEPREFIX/drive_c/handout"
  h() { echo "$H\\$1"; }
  log="$work/ceremony.log"
  c board new "$B" --title "Conseil 2027" --members 3 --threshold 2 --close 2026-01-01T18:00:00Z --i-understand >>"$log" 2>&1 || { cat "$log"; fail "board new"; }
  c board next "$B" --out "$(h call.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board next (call)"; }
  names=(Alice Bruno Chloé)
  for i in 1 2 3; do
    mkdir -p "$work/stick/m$i"
    printf 'amber falcon drizzle teacup %s\n' "$i" >"$work/stick/m$i.pass"
    c member step --yes --i-understand --keystore "R:\\m$i\\conclave.key" --name "${names[$((i-1))]}" --in "$(h call.cbor)" --out "$(h card$i.cbor)" \
      --passphrase-file "R:\\m$i.pass" --kdf-memory 8 --kdf-time 1 >>"$log" 2>&1 || { cat "$log"; fail "member $i enrols"; }
    c board add "$B" "$(h card$i.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board add card $i"; }
  done
  done=0
  for step in 1 2 3 4 5 6 7 8; do
    rm -f "$WINEPREFIX/drive_c/handout/next.cbor"
    c board next "$B" --out "$(h next.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board next (step $step)"; }
    for i in 1 2 3; do
      rm -f "$WINEPREFIX/drive_c/handout/m$i.cbor"
      c member step --yes --i-understand --keystore "R:\\m$i\\conclave.key" --in "$(h next.cbor)" --out "$(h m$i.cbor)" --passphrase-file "R:\\m$i.pass" >>"$log" 2>&1 ||
        { cat "$log"; fail "member $i, step $step"; }
      if [ -f "$WINEPREFIX/drive_c/handout/m$i.cbor" ]; then
        c board add "$B" "$(h m$i.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board add, member $i, step $step"; }
      fi
    done
    if c board status "$B" 2>/dev/null | tr -d '\r' | grep -q '\[complete\]'; then done=1; break; fi
  done
  [ "$done" = 1 ] || { cat "$log"; fail "the ceremony did not complete"; }
  c board key "$B" --out "$(h key.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board key"; }
  for i in 1 2 3; do # the members check the election key file
    c member step --keystore "R:\\m$i\\conclave.key" --in "$(h key.cbor)" --out "$(h x.cbor)" --force --passphrase-file "R:\\m$i.pass" >>"$log" 2>&1 ||
      { cat "$log"; fail "member $i checks the election key"; }
  done
  fp=$(c board status "$B" 2>/dev/null | tr -d '\r' | awk '/^Ceremony fingerprint:/ {print $3; exit}')
  c ballots encrypt --key "$(h key.cbor)" --expect "$fp" --simulate 200 --options 3 --seed 7 --out "$(h ballots.json)" >"$work/enc.log" 2>&1 || { cat "$work/enc.log"; fail "ballots encrypt"; }
  want=$(tr -d '\r' <"$work/enc.log" | sed -n 's/.*Simulated counts (for checking the demo): \(\[[0-9,]*\]\).*/\1/p')
  [ -n "$want" ] || { cat "$work/enc.log"; fail "no simulated counts"; }
  c ballots sum "$(h ballots.json)" --out "$(h tally.json)" >>"$log" 2>&1 || { cat "$log"; fail "ballots sum"; }
  c board request "$B" --ciphertexts "$(h tally.json)" --out "$(h request.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board request"; }
  for i in 1 3; do
    c member decrypt --keystore "R:\\m$i\\conclave.key" --in "$(h request.cbor)" --out "$(h answer$i.cbor)" --yes --passphrase-file "R:\\m$i.pass" >>"$log" 2>&1 ||
      { cat "$log"; fail "member $i decrypts"; }
    c board add "$B" "$(h answer$i.cbor)" >>"$log" 2>&1 || { cat "$log"; fail "board add answer $i"; }
  done
  c board tally "$B" --out "$(h result.json)" >"$work/tally.log" 2>&1 || { cat "$log" "$work/tally.log"; fail "board tally"; }
  c verify "$B" >"$work/verify2.log" 2>&1 || { cat "$work/verify2.log"; fail "verify of the ceremony's record"; }
  c member check --keystore 'R:\m2\conclave.key' --record "$B" --passphrase-file 'R:\m2.pass' >>"$log" 2>&1 || { cat "$log"; fail "member check"; }
  got=$(tr -d ' \r\n' <"$WINEPREFIX/drive_c/handout/result.json" | sed -n 's/.*"counts":\(\[[0-9,]*\]\).*/\1/Ip')
  [ "$got" = "$want" ] || { cat "$work/tally.log"; fail "the count $got is not the votes cast $want"; }
  ok "ceremony through the verbs: 3 members, keystores on removable R:, 200 ballots, the count $got equals the votes cast, verify, member check ($(ms "$t"))"
  tr -d '\r' <"$work/tally.log" | sed -n '1,6s/^/     /p'

fi

if [ "$others" = 1 ] && [ "$tests" = 1 ]; then
  # The non-GUI packages' tests, for Windows, under Wine. The overlay file
  # is harness only (see the top); -short and the skip list keep the time
  # small: those tests are platform-neutral and run on Linux in full.
  t=$(now)
  for p in ceremony ceremony/group keystore app/office app/transfer app/transfer/ur; do
    n=${p//\//_}
    pkg=$(go list -f '{{.Name}}' "./$p")
    cat >"$work/$n.go" <<EOF
package $pkg

import _ "unsafe"

//go:linkname wineDeleteatFallback internal/syscall/windows.TestDeleteatFallback
var wineDeleteatFallback bool

func init() { wineDeleteatFallback = true }
EOF
    printf '{"Replace":{"%s":"%s"}}' "$root/$p/zz_wine_harness_test.go" "$work/$n.go" >"$work/$n.json"
    CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go test -c -overlay "$work/$n.json" -ldflags=-checklinkname=0 \
      -o "$work/$n.test.exe" "./$p" || fail "go test -c for Windows: $p"
    s=$(now)
    (cd "$p" && CONCLAVE_TEST_REMOVABLE=R: wine "$work/$n.test.exe" -test.short -test.skip '^TestEveryByteFlip$' \
      >"$work/$n.log" 2>&1) || { tr -d '\r' <"$work/$n.log" | tail -40; fail "tests of $p under Wine"; }
    ok "tests of $p pass under Wine ($(ms "$s"))"
  done
  echo "     Windows tests: $(ms "$t") in all"
fi

if [ "$window" = 1 ]; then
  # Xvfb first, and a few seconds before the first window, or GLFW fails
  # with "Failed to create helper window".
  t=$(now)
  for d in $(seq 91 140); do [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ] || break; done
  Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb_pid=$!
  for _ in $(seq 1 100); do [ -e "/tmp/.X11-unix/X$d" ] && break; sleep 0.1; done
  export DISPLAY=":$d"
  sleep 3
  wine "$W" >"$work/app.log" 2>&1 &
  app=$!
  wid=""
  for _ in $(seq 1 240); do
    wid=$(xdotool search --onlyvisible --name '^Conclave$' 2>/dev/null | head -1 || true)
    [ -n "$wid" ] && break
    kill -0 "$app" 2>/dev/null || break
    sleep 0.25
  done
  [ -n "$wid" ] || { tr -d '\r' <"$work/app.log" | tail -20; fail "no window appeared under Wine"; }
  ready=$(ms "$t")
  out="$root/bin/windows-window.png"
  colours=0
  for _ in $(seq 1 20); do # wait until the first frame is drawn
    sleep 1
    import -display ":$d" -window root "$out"
    colours=$(identify -format '%k' "$out")
    [ "$colours" -gt 16 ] && break
  done
  wine "$W" version >/dev/null 2>&1 || true
  kill "$app" 2>/dev/null || true
  [ "$colours" -gt 16 ] || fail "the window under Wine looks blank ($colours colours, $out)"
  ok "the window opens under Wine and Xvfb ($ready); screenshot $out has $colours colours"
fi
echo "$pass passed, 0 failed"
