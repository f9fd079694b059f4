#!/usr/bin/env bash
# Installs Conclave from the offline archive, without network.
#   ./install.sh [PREFIX]      (default /usr/local; use a folder you own to try it)
# It first checks every file against SHA256SUMS: compare that file's hash with
# the one published for the audited release before you run this.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
prefix=${1:-/usr/local}
cd "$here"
sha256sum --check --strict SHA256SUMS || { echo "install: the archive does not match SHA256SUMS: do not install it" >&2; exit 1; }
pkg=$(ls conclave-*-linux-amd64.tar.xz | head -1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$pkg" -C "$work"
src=$(dirname "$(find "$work" -type f -path '*/bin/*' | head -1)")/..
mkdir -p "$prefix/bin" "$prefix/share/applications" "$prefix/share/pixmaps"
install -m 0755 "$src"/bin/* "$prefix/bin/"
cp "$src"/share/applications/*.desktop "$prefix/share/applications/"
cp "$src"/share/pixmaps/* "$prefix/share/pixmaps/"
sed -i "s#^Exec=.*#Exec=$prefix/bin/conclave#" "$prefix"/share/applications/*.desktop
missing=$(ldd "$prefix/bin/conclave" 2>/dev/null | awk '/not found/ {print $1}')
if [ -n "$missing" ]; then
  echo "install: these system libraries are missing (on Debian: libgl1 libx11-6 libxcursor1 libxrandr2 libxinerama1 libxi6 libxxf86vm1): $missing" >&2
fi
echo "Installed $("$prefix/bin/conclave" version | head -1) into $prefix"
