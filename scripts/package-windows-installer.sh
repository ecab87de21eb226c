#!/bin/sh
# package-windows-installer.sh — from dist/nidan.exe (make package-windows),
# build the two ways Windows users get Nidan (`make
# package-windows-installer`):
#
#   dist/Nidan-Setup-VERSION.exe             the per-user NSIS installer
#                                            (packaging/windows/nidan.nsi)
#   dist/nidan-VERSION-windows-amd64.zip     portable: nidan.exe + README.txt
#
# scripts/wine-installer.sh (`make test-windows-installer`) installs,
# uses and uninstalls the installer under Wine.
#
# With NIDAN_SIGN_PKCS12 and NIDAN_SIGN_PASSFILE set, nidan.exe (in the
# installer and the zip), the uninstaller and the installer are
# Authenticode-signed (scripts/sign-windows.sh); without them nothing is
# signed. DIST (default dist) is where the two files go.
set -eu
cd "$(dirname "$0")/.."

version=${VERSION:?VERSION not set (run through make)}
exe=$PWD/dist/nidan.exe
[ -f "$exe" ] || { echo "package-windows-installer: $exe missing (make package-windows)" >&2; exit 1; }
for tool in makensis zip; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "package-windows-installer: no $tool (scripts/deps.sh windows installs it)" >&2; exit 1; }
done

toml() { sed -n "s/^$1 *= *\"\{0,1\}\([^\"]*\)\"\{0,1\}$/\1/p" FyneApp.toml | head -n 1; }
# The version resource wants four numbers: FyneApp.toml's Version and Build.
fileversion=$(toml Version).$(toml Build)
echo "$fileversion" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$' ||
	{ echo "package-windows-installer: FyneApp.toml gives no X.Y.Z version and Build ($fileversion)" >&2; exit 1; }

dist=${DIST:-dist}
mkdir -p "$dist"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$exe" "$tmp/nidan.exe"
exe=$tmp/nidan.exe
sign=
if [ -n "${NIDAN_SIGN_PKCS12:-}" ]; then
	scripts/sign-windows.sh "$exe"
	sign="-DSIGN=$PWD/scripts/sign-windows.sh"
	echo "package-windows-installer: signing with $NIDAN_SIGN_PKCS12"
fi

setup=$dist/Nidan-Setup-$version.exe
makensis -V2 -NOCD -INPUTCHARSET UTF8 \
	"-DVERSION=$version" "-DFILEVERSION=$fileversion" \
	"-DEXE=$exe" "-DICON=$PWD/assets/icon.ico" "-DOUTFILE=$(cd "$dist" && pwd)/${setup##*/}" \
	${sign:+"$sign"} packaging/windows/nidan.nsi
echo "package-windows-installer: $setup ($(du -h "$setup" | cut -f1))"

# The portable zip: the program and a note with CRLF line ends (Notepad).
zipname=$dist/nidan-$version-windows-amd64.zip
sed 's/$/\r/' >"$tmp/README.txt" <<NOTE
Nidan $version for 64-bit Windows 10 and 11 (portable)

nidan.exe is the whole program: put it in a folder of your own (for example
%LOCALAPPDATA%\Programs\Nidan) and start it. Nothing is installed and
nothing is written to the registry. Your accounts are kept in the vault
%APPDATA%\nidan\vault.nidan, not next to nidan.exe, so replacing nidan.exe
with a newer one, or deleting it, keeps them.

Prefer a Start-menu entry and an uninstaller? Use Nidan-Setup-$version.exe.
Back up the vault with "nidan backup" or in Settings. More:
https://github.com/nidan-auth/nidan/blob/main/docs/install.md

Nidan is free software; see https://github.com/nidan-auth/nidan for its
licence and source code. It comes with no warranty.
NOTE
rm -f "$zipname"
zipabs=$(cd "$dist" && pwd)/${zipname##*/}
(cd "$tmp" && zip -q -X "$zipabs" nidan.exe README.txt)
echo "package-windows-installer: $zipname ($(du -h "$zipname" | cut -f1))"
