#!/usr/bin/env bash
# make screenshots: starts the real binary under Xvfb, walks every main
# screen with the keyboard (the main menu's shortcuts) and saves PNG
# screenshots in English and French into docs/screenshots/ (or
# $SCREENSHOTS_OUT), twice: with the window filling a 1280×800 screen
# (en-home.png...) and a 1024×600 one, the smallest Conclave fits
# (en-1024x600-home.png...). It prints the start-up time to a mapped window.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-bin/conclave}")
if [ -z "${SCREENSHOTS_INNER:-}" ]; then
  for size in ${SCREENSHOTS_SIZES:-1280x800 1024x600}; do
    env SCREENSHOTS_INNER=1 SCREENSHOTS_SIZE=$size xvfb-run -a -s "-screen 0 ${size}x24" "$0" "$bin"
  done
  exit 0
fi
size=${SCREENSHOTS_SIZE:-1280x800}
tag="" # the 1280×800 set keeps the names the user guide has always used
[ "$size" = 1280x800 ] || tag="-$size"
out=${SCREENSHOTS_OUT:-docs/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --ballots 100 --dir "$work/demo" > /dev/null

shoot() { # lang name [delay]
  sleep "${3:-0.6}"
  local f="$out/$1$tag-$2.png"
  import -window "$wid" "$f"
  # 256 colours without dithering: the same text, a third of the bytes.
  convert "$f" +dither -colors 256 "$f"
  echo "wrote $f"
}
key() { xdotool key --window "$wid" "$@"; }
typ() { xdotool type --window "$wid" --delay 5 "$1"; }

for lang in en fr; do
  export HOME="$work/home-$lang"
  mkdir -p "$HOME"
  case $lang in
    en) export LANG=en_US.UTF-8 LANGUAGE=en ;;
    fr) export LANG=fr_FR.UTF-8 LANGUAGE=fr ;;
  esac
  start=$(date +%s%N)
  "$bin" > "$work/app-$lang.log" 2>&1 &
  pid=$!
  wid=$(xdotool search --sync --onlyvisible --name '^Conclave$' | head -1)
  echo "$lang: window mapped $(( ($(date +%s%N) - start) / 1000000 )) ms after launch"
  xdotool windowfocus "$wid" 2>/dev/null || true
  # The window fills the screen (there is no window manager to maximise
  # it): what a user of a screen of this size sees.
  xdotool windowmove "$wid" 0 0 windowsize "$wid" "${size%x*}" "${size#*x}"
  shoot $lang home 1
  key ctrl+1; shoot $lang start-ceremony
  typ "$work/demo/board"; key Return; shoot $lang board 1.5
  key ctrl+2; shoot $lang join-ceremony
  # A new keystore, then the call brought in: the screen scrolls to what
  # the call binds the member to, opened below the fold at 1024×600.
  typ "$work/stick-$lang/conclave.key"; key Return
  typ "velvet harbor quartz meadow lantern"; key Return; typ "Alice"; key Return
  typ "velvet harbor quartz meadow lantern"; key Return
  typ "$(ls "$work"/demo/board/call-*.cbor)"; key Return; shoot $lang join-terms 1.5
  key ctrl+3; shoot $lang count
  key ctrl+4; shoot $lang decrypt
  key ctrl+5; typ "$work/demo/board"; key Return; shoot $lang verify 2.5
  key ctrl+6; shoot $lang my-key
  key ctrl+7; shoot $lang belenios
  key ctrl+comma; shoot $lang settings
  key ctrl+i; shoot $lang about 2
  kill $pid; wait $pid 2>/dev/null || true
done
