#!/usr/bin/env bash
# Starts the real binary in a real window under Xvfb, waits for the window,
# takes a screenshot, checks that it is not blank, and reports how long the
# window took to appear.
set -euo pipefail
bin=$(realpath "${1:-bin/conclave}")
out=${2:-$(mktemp -d)/window.png}
if [ -z "${WINDOW_CHECK_INNER:-}" ]; then
  exec env WINDOW_CHECK_INNER=1 xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$bin" "$out"
fi
export HOME=$(mktemp -d) # a clean preferences folder
start=$(date +%s%N)
"$bin" > "$HOME/app.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wid=""
for _ in $(seq 1 200); do
  wid=$(xdotool search --onlyvisible --name '^Conclave$' 2>/dev/null | head -1 || true)
  [ -n "$wid" ] && break
  sleep 0.05
done
[ -n "$wid" ] || { echo "FAIL no window appeared"; cat "$HOME/app.log"; echo "0 passed, 1 failed"; exit 1; }
ready=$(date +%s%N)
sleep 1
import -window "$wid" "$out"
sd=$(convert "$out" -colorspace Gray -format '%[fx:standard_deviation]' info:)
kill $pid
wait $pid 2>/dev/null || true
echo "ok   window appeared after $(( (ready - start) / 1000000 )) ms; screenshot $out (grey-level standard deviation $sd)"
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.05) }' || { echo "FAIL the window looks blank"; echo "1 passed, 1 failed"; exit 1; }
echo "ok   the window is not blank"
echo "2 passed, 0 failed"
