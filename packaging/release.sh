#!/usr/bin/env bash
# make release: builds, from a clean checkout, the reproducible release
# artifacts into DIST (default dist/):
#   conclave-VERSION-linux-amd64            the bare binary
#   conclave-VERSION-linux-amd64.tar.xz     the Linux package (fyne package, repacked
#                                           deterministically): binary, desktop entry, icon,
#                                           and Fyne's Makefile with install targets
#   conclave-VERSION-offline.tar            the offline install archive for an air-gapped
#                                           machine: the package, install.sh, SHA256SUMS
#   conclave-VERSION-windows-amd64.exe      the Windows program (cross-built with mingw-w64,
#                                           icon and version resource: packaging/build-windows.sh)
#   conclave-VERSION-windows-amd64.zip      the Windows offline archive: conclave.exe,
#                                           INSTALL.txt, SHA256SUMS.txt (sorted, fixed times)
#   SHA256SUMS
# Reproducibility: -trimpath, no build ID, no VCS stamping, the version and
# commit from git, every file time set to the commit time, sorted archives
# with fixed owners (docs/release.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
dist=$(realpath -m "${1:-dist}")
export PATH="$PATH:/usr/local/go/bin"

if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && [ -z "${CONCLAVE_ALLOW_DIRTY:-}" ]; then
  echo "release: the checkout has uncommitted changes; commit them (a release is built from a commit)" >&2
  exit 1
fi
version=$(git describe --tags --always 2>/dev/null || echo dev)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
epoch=$(git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH=$epoch
export CGO_ENABLED=1
export GOFLAGS="-buildvcs=false -ldflags=-buildid= -ldflags=-X=conclave/app/cli.Version=$version -ldflags=-X=conclave/app/cli.Commit=$commit"

# The fyne command, pinned by packaging/tools/go.mod's tool directive.
tools="$root/bin/tools"
mkdir -p "$tools"
if [ ! -x "$tools/fyne" ]; then
  (cd packaging/tools && GOFLAGS= go build -o "$tools/fyne" fyne.io/tools/cmd/fyne)
fi

rm -rf "$dist"
mkdir -p "$dist"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Windows first: fyne package below bumps the build number in FyneApp.toml,
# which the Windows version resource reads.
win="conclave-$version-windows-amd64"
CONCLAVE_VERSION=$version CONCLAVE_COMMIT=$commit packaging/build-windows.sh "$dist/$win.exe"
mkdir -p "$work/win/conclave-$version"
cp "$dist/$win.exe" "$work/win/conclave-$version/conclave.exe"
sed 's/$/\r/' packaging/windows/INSTALL.txt | sed "s/VERSION/$version/g" > "$work/win/conclave-$version/INSTALL.txt"
(cd "$work/win/conclave-$version" && sha256sum conclave.exe INSTALL.txt | sed 's/$/\r/' > SHA256SUMS.txt)
"$tools/winpack" zip "$dist/$win.zip" "$epoch" "$work/win/conclave-$version"

# fyne package builds with -trimpath -ldflags "-s -w" plus ours (from GOFLAGS).
# It also bumps the build number in FyneApp.toml: put the file back after.
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" "$root/FyneApp.toml"; rm -rf "$work"' EXIT
# The package's own version number comes from FyneApp.toml; the git version
# and commit are in the binary (conclave version, About).
"$tools/fyne" package --target linux --release --src "$root" --icon "$root/assets/icon.png" \
  --name Conclave >"$work/package.log" 2>&1 || {
  cat "$work/package.log" >&2; exit 1; }
pkg=$(ls "$root"/Conclave.tar.xz)

# Repack deterministically: sorted names, fixed times, owners and modes.
mkdir "$work/pkg"
tar -xJf "$pkg" -C "$work/pkg"
rm -f "$pkg"
name="conclave-$version-linux-amd64"
find "$work/pkg" -exec touch -h -d "@$epoch" {} +
(cd "$work/pkg" && tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf - .) | xz -T1 -9 > "$dist/$name.tar.xz"
bin=$(find "$work/pkg" -type f -path '*/bin/*' | head -1)
cp "$bin" "$dist/$name"
chmod 0755 "$dist/$name"

# The offline install archive.
mkdir -p "$work/offline/conclave-$version"
cp "$dist/$name.tar.xz" packaging/install.sh "$work/offline/conclave-$version/"
(cd "$work/offline/conclave-$version" && sha256sum "$name.tar.xz" install.sh > SHA256SUMS)
find "$work/offline" -exec touch -h -d "@$epoch" {} +
(cd "$work/offline" && tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime -cf - "conclave-$version") > "$dist/conclave-$version-offline.tar"

(cd "$dist" && sha256sum "$name" "$name.tar.xz" "conclave-$version-offline.tar" "$win.exe" "$win.zip" > SHA256SUMS)
cat "$dist/SHA256SUMS"
