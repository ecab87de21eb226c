#!/bin/sh
# wine-installer.sh WORK — the NSIS installer (make package-windows-installer)
# as a Windows user meets it, in the Wine prefix and on the X display
# scripts/test-windows.sh set up (WINEPREFIX, DISPLAY, WINE, WINESERVER,
# LOGDIR come from it; `make test-windows-installer` runs it with
# PARTS=installer). Install silently, check files, uninstall entry and
# shortcut, make a vault with the installed nidan.exe, uninstall silently,
# check that the program is gone and the vault is not; then install again
# over the kept vault (an update) and uninstall the way Windows' "Apps"
# settings do, through QuietUninstallString; last, a build signed with a
# throwaway certificate.
set -eu
cd "$(dirname "$0")/.."
work=${1:?usage: wine-installer.sh WORK (run by scripts/test-windows.sh)}
version=${VERSION:?VERSION not set (run through make)}
setup=$PWD/dist/Nidan-Setup-$version.exe
[ -f "$setup" ] || { echo "wine-installer: $setup missing (make package-windows-installer)" >&2; exit 1; }
export LANG=C.UTF-8 LC_ALL=C.UTF-8
u="$work/installer"
mkdir -p "$u"
cd "$u"
log=$LOGDIR/installer.log
: >"$log"

bad() { printf 'wine-installer: FAIL: %s\n' "$*" >&2; for f in out err; do [ -s "$f" ] && sed "s/^/  $f: /" "$f" >&2; done; exit 1; }
ok() { printf '  ok: %s\n' "$*"; }
# run EXE ARGS... — a Windows program; stdout in ./out, stderr in ./err,
# status in $st. wineserver -w then waits for every process it started
# (an NSIS uninstaller without _?= copies itself and returns at once).
run() {
	st=0
	"$WINE" "$@" >out 2>err || st=$?
	"$WINESERVER" -w
	{ echo "\$ $*"; cat out err; } >>"$log"
}

key='HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Nidan'
# regval NAME — the uninstall entry's NAME value, empty if it has none.
regval() {
	run reg query "$key" /v "$1"
	tr -d '\r' <out | awk -v n="$1" '$1 == n { sub(/^ *[^ ]+ +[^ ]+ +/, ""); print }'
}

users=$WINEPREFIX/drive_c/users
profile=$(find "$users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -n 1)
[ -n "$profile" ] || bad "no user profile under $users"
winuser=${profile##*/}
inst=$profile/AppData/Local/Programs/Nidan
instwin="C:\\users\\$winuser\\AppData\\Local\\Programs\\Nidan"
lnk="$profile/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Nidan.lnk"
vault=$profile/AppData/Roaming/nidan/vault.nidan
export NIDAN_PASSWORD="correct horse battery"

echo "== the installer ($(basename "$setup"))"
run "$setup" /S
[ "$st" = 0 ] || bad "installer /S exited $st"
for f in nidan.exe nidan.ico uninstall.exe; do
	[ -f "$inst/$f" ] || bad "no $f in %LOCALAPPDATA%\\Programs\\Nidan ($inst)"
done
cmp -s "$inst/nidan.exe" "$OLDPWD/dist/nidan.exe" || bad "the installed nidan.exe is not dist/nidan.exe"
ok "installed without admin rights into %LOCALAPPDATA%\\Programs\\Nidan"
[ -f "$lnk" ] || bad "no Start-menu shortcut ($lnk)"
# Its strings are UTF-16: dropping the NULs makes them greppable.
tr -d '\000' <"$lnk" >lnk.txt
grep -aq 'Programs\\Nidan\\nidan\.exe' lnk.txt || bad "the shortcut does not point at the installed nidan.exe"
grep -aq 'nidan\.ico' lnk.txt || bad "the shortcut has not the Nidan icon"
ok "Start-menu shortcut Nidan.lnk to nidan.exe with the icon"

[ "$(regval DisplayName)" = Nidan ] || bad "DisplayName"
[ "$(regval DisplayVersion)" = "$version" ] || bad "DisplayVersion is not $version"
[ "$(regval Publisher)" != "" ] || bad "no Publisher"
[ "$(regval InstallLocation)" = "$instwin" ] || bad "InstallLocation is not $instwin"
[ "$(regval DisplayIcon)" = "$instwin\\nidan.ico" ] || bad "DisplayIcon"
[ "$(regval UninstallString)" = "\"$instwin\\uninstall.exe\"" ] || bad "UninstallString"
quiet_uninstall=$(regval QuietUninstallString)
[ "$quiet_uninstall" = "\"$instwin\\uninstall.exe\" /S" ] || bad "QuietUninstallString"
for v in NoModify NoRepair; do [ "$(regval "$v")" = 0x1 ] || bad "$v is not 1"; done
size=$(regval EstimatedSize)
# nidan.exe alone is over 30 MB: EstimatedSize (in KB) must say so.
[ -n "$size" ] && [ $((size)) -gt 30000 ] || bad "EstimatedSize $size KB"
ok "uninstall entry in HKCU: version $version, $((size)) KB, quiet uninstall, no modify/repair"

# The installed program, used: a vault in %APPDATA%\nidan.
run "$inst/nidan.exe" --version
[ "$st" = 0 ] && grep -q "^nidan $version" out || bad "installed nidan.exe --version"
ok "installed nidan.exe --version: $(cat out)"
run "$inst/nidan.exe" init
[ "$st" = 0 ] && [ -f "$vault" ] || bad "installed nidan.exe init made no vault in %APPDATA%\\nidan"
run "$inst/nidan.exe" add --issuer GitHub --name alice --secret JBSWY3DPEHPK3PXP
[ "$st" = 0 ] || bad "add exited $st"
run "$inst/nidan.exe" list
[ "$st" = 0 ] && grep -q GitHub out || bad "list lacks the added account"
ok "installed nidan.exe: init, add, list in %APPDATA%\\nidan"
before=$(sha256sum "$vault")

# Uninstall silently. _?= makes the uninstaller run in place and wait (it
# cannot then delete itself or the folder: that is left to the caller).
run "$inst/uninstall.exe" /S "_?=$instwin"
[ "$st" = 0 ] || bad "uninstall.exe /S exited $st"
for f in nidan.exe nidan.ico; do [ ! -e "$inst/$f" ] || bad "uninstall left $f"; done
[ ! -e "$lnk" ] || bad "uninstall left the Start-menu shortcut"
run reg query "$key"
[ "$st" != 0 ] || bad "uninstall left the registry key $key"
[ "$(sha256sum "$vault" 2>/dev/null)" = "$before" ] || bad "uninstall changed or removed the vault"
ok "uninstalled (/S, _?=): program, shortcut and registry key gone, vault kept"
rm -f "$inst/uninstall.exe"
rmdir "$inst"

# An update: install again with the vault there; the accounts are all kept.
run "$setup" /S
[ "$st" = 0 ] && [ -f "$inst/nidan.exe" ] || bad "second install"
run "$inst/nidan.exe" list
[ "$st" = 0 ] && grep -q GitHub out || bad "after reinstalling, list lacks the account"
[ "$(sha256sum "$vault")" = "$before" ] || bad "reinstalling changed the vault"
ok "installed again over the kept vault: account still there"

# Uninstall the way Windows' settings do, with QuietUninstallString: the
# uninstaller copies itself to %TEMP% and returns; run waits for the copy.
# It is "PROGRAM" ARGS; Wine's cmd /c mangles the quotes, so split it here.
qexe=$(printf '%s\n' "$quiet_uninstall" | sed -n 's/^"\([^"]*\)" *\(.*\)$/\1/p')
qargs=$(printf '%s\n' "$quiet_uninstall" | sed -n 's/^"\([^"]*\)" *\(.*\)$/\2/p')
[ -n "$qexe" ] || bad "QuietUninstallString is not \"PROGRAM\" ARGS: $quiet_uninstall"
# shellcheck disable=SC2086 # ARGS are words (/S)
run "$qexe" $qargs
[ "$st" = 0 ] || bad "QuietUninstallString exited $st"
[ ! -e "$inst" ] || bad "QuietUninstallString left $inst: $(ls -A "$inst")"
[ ! -e "$lnk" ] || bad "QuietUninstallString left the shortcut"
run reg query "$key"
[ "$st" != 0 ] || bad "QuietUninstallString left the registry key"
[ "$(sha256sum "$vault")" = "$before" ] || bad "uninstall changed or removed the vault"
ok "uninstalled through QuietUninstallString: folder, shortcut, key gone, vault kept"
# Code signing, with a throwaway certificate made here and removed with
# WORK (never in dist/, never shipped): a signed build's installer,
# uninstaller and nidan.exe (installed and in the zip) carry a signature
# osslsigncode verifies against that certificate, and still run; a changed
# byte breaks the signature. How a release signs: docs/install.md.
sdir="$u/signing"
mkdir -p "$sdir"
openssl req -x509 -newkey rsa:3072 -nodes -days 1 -subj "/CN=Nidan test signing (throwaway)" \
	-addext extendedKeyUsage=codeSigning -addext keyUsage=digitalSignature \
	-addext basicConstraints=critical,CA:FALSE -keyout "$sdir/key.pem" -out "$sdir/cert.pem" 2>>"$log" ||
	bad "openssl: no test certificate"
head -c 24 /dev/urandom | base64 >"$sdir/pass"
openssl pkcs12 -export -inkey "$sdir/key.pem" -in "$sdir/cert.pem" -passout "file:$sdir/pass" -out "$sdir/test.pfx" ||
	bad "openssl: no .pfx"
(cd "$OLDPWD" && DIST="$sdir/dist" NIDAN_SIGN_PKCS12="$sdir/test.pfx" NIDAN_SIGN_PASSFILE="$sdir/pass" \
	scripts/package-windows-installer.sh) >>"$log" 2>&1 || bad "signed packaging failed (see $log)"
verify() { osslsigncode verify -CAfile "$sdir/cert.pem" -in "$1" >verify.out 2>&1; }
ssetup="$sdir/dist/${setup##*/}"
verify "$ssetup" || { cat verify.out >&2; bad "the signed installer does not verify"; }
unzip -q -o "$sdir/dist/nidan-$version-windows-amd64.zip" nidan.exe -d "$sdir/zip"
verify "$sdir/zip/nidan.exe" || { cat verify.out >&2; bad "nidan.exe in the signed zip does not verify"; }
cp "$ssetup" tampered.exe
printf 'X' | dd of=tampered.exe bs=1 seek=100000 conv=notrunc 2>/dev/null
! verify tampered.exe || bad "an installer with a changed byte still verifies"
run "$ssetup" /S
[ "$st" = 0 ] && [ -f "$inst/nidan.exe" ] || bad "the signed installer /S"
for f in nidan.exe uninstall.exe; do
	verify "$inst/$f" || { cat verify.out >&2; bad "the installed $f is not signed"; }
done
run "$inst/nidan.exe" list
[ "$st" = 0 ] && grep -q GitHub out || bad "the signed nidan.exe does not run"
run "$inst/uninstall.exe" /S "_?=$instwin"
[ "$st" = 0 ] && [ ! -e "$inst/nidan.exe" ] || bad "the signed uninstaller"
rm -f "$inst/uninstall.exe"
rmdir "$inst"
rm -rf "$sdir"
ok "signed with a throwaway certificate: installer, uninstaller, nidan.exe verify and run; a changed byte fails"
echo "== the installer: all passed"
