#!/bin/sh
# Make the test archives with real archivers (not with Nidan's code):
# Info-ZIP zip for ZipCrypto, 7-Zip for WinZip AES. Salts and headers are
# random, so rerunning changes the archives but not what they hold.
#   sh gen.sh   # needs zip and 7zz (Debian: zip, 7zip)
set -eu
cd "$(dirname "$0")"
pw='correct horse battery staple'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# content: a small JSON file and a larger, compressible text
printf '[{"issuer":"GitHub","secret":"JBSWY3DPEHPK3PXP"}]\n' >"$tmp/small.json"
i=0
while [ $i -lt 300 ]; do echo "line $i otpauth://totp/x?secret=JBSWY3DPEHPK3PXP"; i=$((i + 1)); done >"$tmp/big.txt"
cp "$tmp/small.json" "$tmp/big.txt" .
rm -f zipcrypto.zip zipcrypto_stored.zip zipcrypto_stream.zip aes256.zip aes128.zip aes192_stored.zip plain.zip
(cd "$tmp" && zip -q -P "$pw" zipcrypto.zip small.json big.txt)
(cd "$tmp" && zip -q -0 -P "$pw" zipcrypto_stored.zip small.json)
# streamed from standard input: a data descriptor, so the check byte is the time's
(cd "$tmp" && zip -q -P "$pw" - - <big.txt >zipcrypto_stream.zip)
(cd "$tmp" && 7zz a -bso0 -tzip -p"$pw" -mem=AES256 aes256.zip small.json big.txt)
(cd "$tmp" && 7zz a -bso0 -tzip -p"$pw" -mem=AES128 aes128.zip small.json big.txt)
(cd "$tmp" && 7zz a -bso0 -tzip -p"$pw" -mem=AES192 -mx=0 aes192_stored.zip small.json)
(cd "$tmp" && zip -q plain.zip small.json)
mv "$tmp"/*.zip .
# AE-1 (CRC kept), which 7-Zip does not write: made in Python, checked by 7-Zip
python3 gen_ae1.py
7zz t -bso0 -p"$pw" ae1.zip
