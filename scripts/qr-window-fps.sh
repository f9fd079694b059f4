#!/usr/bin/env bash
# Measures the frame rate the real QR window shows under Xvfb: the binary
# opens its QR window on a 20 KB message (CONCLAVE_QR_MEASURE, app/qrmeasure.go)
# at each frame rate asked of it (the qr.fps preference), and the window is
# sampled as fast as this machine allows (scripts/qrfps: XGetImage in a loop,
# a few hundred times a second; it needs cgo and libX11).
# A change of the window's pixels is a frame presented; each distinct picture
# is kept and read back with zbarimg, so that the UR sequence numbers tell
# frames that were skipped (never presented) from frames presented.
#
#   scripts/qr-window-fps.sh [BINARY] [SECONDS] [FPS...]
#
# Prints one line per frame rate; docs/performance.md quotes them.
set -euo pipefail
bin=$(realpath "${1:-bin/conclave}")
secs=${2:-8}
shift 2 2>/dev/null || shift $#
rates=("$@")
[ ${#rates[@]} -gt 0 ] || rates=(4 8 12 15 20 30)
if [ -z "${QR_FPS_INNER:-}" ]; then
  exec env QR_FPS_INNER=1 xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$bin" "$secs" "${rates[@]}"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sampler="$work/qrfps"
(cd "$(dirname "$0")/.." && go build -o "$sampler" scripts/qrfps/main.go)
head -c 20000 /dev/urandom > "$work/msg"
bytes=${QR_BYTES:-200}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $bytes bytes per frame"
for fps in "${rates[@]}"; do
  export HOME="$work/home-$fps"
  mkdir -p "$HOME/.config/fyne/org.conclave.Conclave" "$work/s-$fps"
  printf '{"qr.fps": %s, "qr.bytes": %s}\n' "$fps" "$bytes" > "$HOME/.config/fyne/org.conclave.Conclave/preferences.json"
  CONCLAVE_QR_MEASURE="$work/msg" "$bin" > "$work/app-$fps.log" 2>&1 &
  pid=$!
  wid=$(xdotool search --sync --onlyvisible --name '^Conclave$' | head -1)
  sleep 1.5 # the window settles
  cpu0=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
  read -r samples kept took < <("$sampler" "$wid" "$secs" "$work/s-$fps")
  cpu=$(( $(awk '{ print $14 + $15 }' /proc/$pid/stat) - cpu0 )) # clock ticks
  kill $pid; wait $pid 2>/dev/null || true
  # Sequence numbers of the distinct pictures, in order.
  seqs=()
  for f in "$work/s-$fps"/*.pgm; do
    s=$(zbarimg -q --raw "$f" 2>/dev/null | sed -n 's#^UR:CONCLAVE/\([0-9]*\)-.*#\1#p' | head -1)
    seqs+=("${s:-?}")
  done
  printf '%s\n' "${seqs[@]}" | awk -v fps="$fps" -v took="$took" -v samples="$samples" -v cpu="$cpu" -v hz="$(getconf CLK_TCK)" '
    $1 == "?" { unread++; next }
    { n++; if (n == 1) first = $1; if (n > 1 && $1 != last + 1) gaps += $1 - last - 1; last = $1 }
    END {
      # The first and last pictures are partial intervals: count the frames between them.
      shown = n; adv = last - first
      printf "asked %5.1f fps: %d distinct frames read in %.2f s = %.1f fps presented; sequence advanced %d (%.1f fps), %d frames never presented, %d pictures unread; %.0f samples/s; the window used %.0f ms of CPU a second, %.0f ms per frame presented\n",
        fps, shown, took, (shown - 1) / took * 1.0, adv, adv / took, gaps, unread, samples / took, 1000 * cpu / hz / took, 1000 * cpu / hz / (shown > 1 ? shown - 1 : 1)
    }'
done
