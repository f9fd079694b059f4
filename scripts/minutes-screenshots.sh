#!/usr/bin/env bash
# Renders a page of the ceremony's minutes and a page of the count's, in
# English and French, from a demo election, into docs/screenshots/ (or
# $SCREENSHOTS_OUT) as PNG: what docs/user-guide.md shows. Needs pdftoppm
# and pdftotext (poppler-utils).
# Usage: scripts/minutes-screenshots.sh [path/to/conclave]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-bin/conclave}")
out=${SCREENSHOTS_OUT:-docs/screenshots}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" demo --ballots 100 --dir "$work/demo" > /dev/null

for lang in en fr; do
  case $lang in
    en) options=(--option "List A" --option "List B" --option "List C" --option "Blank") ;;
    fr) options=(--option "Liste A" --option "Liste B" --option "Liste C" --option "Blanc") ;;
  esac
  "$bin" board minutes "$work/demo/board" --out "$work/$lang.pdf" --lang "$lang" --tz Europe/Paris "${options[@]}" > /dev/null
  pages=$(pdfinfo "$work/$lang.pdf" | awk '/^Pages:/ {print $2}')
  count=""
  for p in $(seq 1 "$pages"); do
    if pdftotext -f "$p" -l "$p" "$work/$lang.pdf" - | grep -q -e "Minutes of the count" -e "Procès-verbal du dépouillement"; then
      count=$p; break
    fi
  done
  pdftoppm -r 80 -png -singlefile -f 1 -l 1 "$work/$lang.pdf" "$out/$lang-minutes-ceremony"
  pdftoppm -r 80 -png -singlefile -f "$count" -l "$count" "$work/$lang.pdf" "$out/$lang-minutes-count"
  echo "wrote $out/$lang-minutes-ceremony.png and $out/$lang-minutes-count.png (page $count of $pages)"
done
