#!/usr/bin/env bash
# Cross-builds the Windows executable from Linux (docs/release.md):
#   packaging/build-windows.sh OUT.exe
# with Debian's mingw-w64 (cgo, for Fyne's OpenGL driver), the icon and the
# version resource (a .syso made by goversioninfo, pinned in
# packaging/tools/go.mod), -trimpath, no build ID, no VCS stamping, and the
# version and commit from git (or CONCLAVE_VERSION / CONCLAVE_COMMIT). The
# same commit gives the same bytes in any folder. packaging/release.sh and
# scripts/windows-check.sh both call it, so they share the Go build cache.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$(realpath -m "${1:?usage: packaging/build-windows.sh OUT.exe}")
export PATH="$PATH:/usr/local/go/bin"
version=${CONCLAVE_VERSION:-$(git describe --tags --always 2>/dev/null || echo dev)}
commit=${CONCLAVE_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
cc=${CONCLAVE_WINDOWS_CC:-x86_64-w64-mingw32-gcc}
command -v "$cc" >/dev/null || { echo "build-windows: $cc is missing: run scripts/deps.sh windows" >&2; exit 1; }

tools="$root/bin/tools"
mkdir -p "$tools"
for t in github.com/josephspurrier/goversioninfo/cmd/goversioninfo ./winpack; do
  [ -x "$tools/$(basename "$t")" ] || (cd packaging/tools && GOFLAGS= CGO_ENABLED=0 GOOS= GOARCH= go build -trimpath -o "$tools/$(basename "$t")" "$t")
done

work=$(mktemp -d)
syso="$root/zz_conclave_windows_amd64.syso"
trap 'rm -rf "$work" "$syso"' EXIT

# FileVersion a.b.c.d from FyneApp.toml's Version and Build; the string
# versions carry git describe.
appver=$(sed -n 's/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n 's/^Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
IFS=. read -r major minor patch <<<"$appver"
"$tools/winpack" ico assets/icon.png "$work/conclave.ico"
cat > "$work/versioninfo.json" <<JSON
{
  "FixedFileInfo": {
    "FileVersion": {"Major": ${major:-0}, "Minor": ${minor:-0}, "Patch": ${patch:-0}, "Build": ${build:-0}},
    "ProductVersion": {"Major": ${major:-0}, "Minor": ${minor:-0}, "Patch": ${patch:-0}, "Build": ${build:-0}},
    "FileFlagsMask": "3f", "FileFlags ": "00", "FileOS": "040004", "FileType": "01", "FileSubType": "00"
  },
  "StringFileInfo": {
    "CompanyName": "Conclave",
    "FileDescription": "Conclave: the election key ceremony",
    "FileVersion": "$version",
    "InternalName": "conclave",
    "OriginalFilename": "conclave.exe",
    "ProductName": "Conclave",
    "ProductVersion": "$version",
    "Comments": "commit $commit"
  },
  "VarFileInfo": {"Translation": {"LangID": "0409", "CharsetID": "04B0"}}
}
JSON
(cd "$work" && "$tools/goversioninfo" -64 -icon conclave.ico -manifest "$root/packaging/windows/conclave.exe.manifest" -o "$syso" versioninfo.json)

# A console program: `conclave.exe version` and the passphrase prompt work in
# cmd.exe and PowerShell; started from Explorer, the window hides its
# console at once (console_windows.go).
env -u GOFLAGS CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC="$cc" CGO_CFLAGS="-O2 -g0" \
  go build -tags migrated_fynedo -trimpath -buildvcs=false \
  -ldflags "-s -w -buildid= -X conclave/app/cli.Version=$version -X conclave/app/cli.Commit=$commit" \
  -o "$out" .
