#!/usr/bin/env bash
# Installs what Conclave needs on Debian/Ubuntu and is missing: the C
# libraries for Fyne's cgo build, Xvfb and friends for the window checks,
# zbar-tools and qrencode for the QR cross-checks, poppler-utils
# (pdftotext, pdftoppm) for the printed minutes, and the JavaScript
# reference implementation of UR (npm, for the interop test).
# Usage: scripts/deps.sh [run|test|windows]   (run needs fewer packages;
# windows: mingw-w64, Wine and Xvfb for scripts/windows-check.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-test}

pkgs=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
      libxinerama-dev libxi-dev libxxf86vm-dev)
if [ "$what" = test ]; then
  pkgs+=(xvfb xauth imagemagick x11-apps xdotool zbar-tools qrencode nodejs npm poppler-utils)
fi
if [ "$what" = windows ]; then
  pkgs=(gcc-mingw-w64-x86-64 wine64 wine xvfb libgl1-mesa-dri imagemagick xdotool unzip)
fi

missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # nodejs/npm may come from elsewhere than Debian: accept any working node and npm.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    filtered=()
    for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || filtered+=("$p"); done
    missing=("${filtered[@]}")
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "deps: not a Debian system; install by hand: ${pkgs[*]}" >&2
fi

if ! command -v go >/dev/null && [ -x /usr/local/go/bin/go ]; then
  echo "deps: add /usr/local/go/bin to PATH" >&2
fi

if [ "$what" = test ] && [ ! -d app/transfer/ur/testdata/js/node_modules ] && [ -f app/transfer/ur/testdata/js/package-lock.json ]; then
  echo "deps: installing the JavaScript UR reference (npm ci)"
  npm ci --silent --no-audit --no-fund --prefix app/transfer/ur/testdata/js
fi
