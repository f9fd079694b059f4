#!/usr/bin/env bash
# make reproduce: builds the release twice from the same commit, in two
# different folders, and checks that every artifact is byte-identical; then
# installs the package into a temporary prefix and runs the installed binary.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse HEAD)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in 1 2; do
  git clone -q . "$work/src$n"
  git -C "$work/src$n" checkout -q "$commit"
  # the fyne tool is built once and shared: it is not part of the artifacts
  mkdir -p "$work/src$n/bin/tools"
  [ -x bin/tools/fyne ] && cp bin/tools/fyne "$work/src$n/bin/tools/"
  (cd "$work/src$n" && packaging/release.sh "$work/dist$n") > "$work/log$n" 2>&1 || { cat "$work/log$n"; exit 1; }
  [ -x bin/tools/fyne ] || { mkdir -p bin/tools; cp "$work/src$n/bin/tools/fyne" bin/tools/; }
done
if diff "$work/dist1/SHA256SUMS" "$work/dist2/SHA256SUMS"; then
  echo "ok   two builds in two folders are byte-identical:"
  sed 's/^/     /' "$work/dist1/SHA256SUMS"
else
  echo "FAIL the two builds differ"; exit 1
fi
mkdir "$work/offline"
tar -xf "$work"/dist1/conclave-*-offline.tar -C "$work/offline"
"$work"/offline/conclave-*/install.sh "$work/prefix" > "$work/install.log"
"$work/prefix/bin/conclave" version | grep -q "^commit $commit" && echo "ok   the offline archive installs into a temporary prefix; the installed binary reports commit $commit" || { cat "$work/install.log"; exit 1; }
want=$(awk '/linux-amd64$/ {print $1}' "$work/dist1/SHA256SUMS")
got=$("$work/prefix/bin/conclave" version | awk '/^binary sha256/ {print $3}')
[ "$want" = "$got" ] && echo "ok   the installed binary's fingerprint equals the published SHA256SUMS" || { echo "FAIL fingerprint $got, published $want"; exit 1; }
# Windows: the archive's conclave.exe is the published .exe; under Wine it
# prints that fingerprint and runs a ceremony and a count (scripts/windows-check.sh).
mkdir "$work/win"
unzip -q "$work"/dist1/conclave-*-windows-amd64.zip -d "$work/win"
exe=$(ls "$work"/win/conclave-*/conclave.exe)
want=$(awk '/windows-amd64.exe$/ {print $1}' "$work/dist1/SHA256SUMS")
got=$(sha256sum "$exe" | cut -d' ' -f1)
(cd "$(dirname "$exe")" && tr -d '\r' < SHA256SUMS.txt | sha256sum -c --quiet) && [ "$want" = "$got" ] &&
  echo "ok   the Windows archive holds the published conclave.exe, and its own SHA256SUMS.txt checks" || { echo "FAIL Windows archive: conclave.exe $got, published $want"; exit 1; }
if scripts/windows-check.sh --binary "$exe" > "$work/wine.log" 2>&1; then
  grep '^ok' "$work/wine.log" | sed 's/^ok  /     wine:/'
  echo "ok   the archive's conclave.exe runs version, a demo, a ceremony and a count under Wine"
else
  cat "$work/wine.log"; echo "FAIL the archive's conclave.exe under Wine"; exit 1
fi
echo "5 passed, 0 failed"
