#!/bin/sh
# sign-windows.sh FILE... — Authenticode-sign Windows programs in place
# with osslsigncode (SHA-256). scripts/package-windows-installer.sh calls it
# for nidan.exe, and NSIS calls it (!finalize, !uninstfinalize in
# packaging/windows/nidan.nsi) for the installer and the uninstaller it
# builds. The certificate comes from the environment, never from the
# repository:
#
#   NIDAN_SIGN_PKCS12     a code-signing certificate with its private key (.pfx)
#   NIDAN_SIGN_PASSFILE   a file holding the .pfx password (not a command-line argument)
#   NIDAN_SIGN_TIMESTAMP  an RFC 3161 time-stamp server URL; a release sets it, so
#                         signatures stay valid after the certificate expires
#
# docs/install.md ("Code signing") says how a release signs.
set -eu
: "${NIDAN_SIGN_PKCS12:?sign-windows: NIDAN_SIGN_PKCS12 (the .pfx) not set}"
: "${NIDAN_SIGN_PASSFILE:?sign-windows: NIDAN_SIGN_PASSFILE (its password file) not set}"
command -v osslsigncode >/dev/null 2>&1 ||
	{ echo "sign-windows: no osslsigncode (scripts/deps.sh windows installs it)" >&2; exit 1; }
for f; do
	# NSIS hands over its temporary file; sign a copy, then replace it.
	rm -f "$f.signed"
	osslsigncode sign -pkcs12 "$NIDAN_SIGN_PKCS12" -readpass "$NIDAN_SIGN_PASSFILE" \
		-h sha256 -n Nidan -i https://github.com/nidan-auth/nidan \
		${NIDAN_SIGN_TIMESTAMP:+-ts "$NIDAN_SIGN_TIMESTAMP"} \
		-in "$f" -out "$f.signed" >/dev/null
	mv "$f.signed" "$f"
done
