#!/usr/bin/env python3
"""Generate the Duo, Battle.net, WinAuth, TOTP Authenticator, Raivo and
Authenticator Plus import fixtures in this directory.

Written from the layouts docs/formats.md describes, independently of the Go
readers. The ZIP archives are made by real archivers (Info-ZIP `zip -e` for
ZipCrypto, 7-Zip `7zz -mem=AES256` for WinZip AES), the SQLCipher database
by Debian's `sqlcipher`; this script only prepares their contents and runs
them. Everything is reproducible except the archivers' random salts, so the
binary fixtures change (and their .golden files do not) when rerun:

    python3 gen_apps.py   # needs 'cryptography'; zip, 7zz, sqlcipher for the archives
"""
import base64
import hashlib
import json
import os
import subprocess
import tempfile

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PASSWORD = "correct horse battery staple"

BNET_MASK = bytes.fromhex(
    "398e27fc50276a656065b0e525f4c06c04c61075286b8e7aeda59da9813b5dd6"
    "c80d2fb38068773fa59ba47c17ca6c6479015c1d5b8b8f6b9a")


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def duo():
    accounts = [
        {"name": "GitHub:alice", "accountType": "OtpAccount", "logoUri": "",
         "otpGenerator": {"otpSecret": "JBSWY3DPEHPK3PXP"}},
        {"name": "Example VPN", "otpGenerator": {"otpSecret": "GEZDGNBVGY3TQOJQ", "counter": 42}},
        # Duo's own push account: nothing to move; listed as not importable.
        {"name": "Duo Push", "accountType": "DuoAccount", "pkey": "DPXXXXXXXXXXXXXXXXXX"},
        {"name": "Broken", "otpGenerator": {"otpSecret": "not base32!"}},
    ]
    write("duo.json", json.dumps(accounts, indent=2) + "\n")


def bnet_mask(text):
    b = text.encode("ascii")
    return bytes(x ^ BNET_MASK[i] for i, x in enumerate(b)).hex()


def battlenet():
    secret = bytes(range(1, 21)).hex()  # 20-byte HMAC key
    write("battlenet.xml", """<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <boolean name="com.blizzard.messenger.AUTHENTICATOR_ENABLED" value="true" />
    <string name="com.blizzard.messenger.AUTHENTICATOR_SERIAL">%s</string>
    <string name="com.blizzard.messenger.AUTHENTICATOR_DEVICE_SECRET">%s</string>
</map>
""" % (bnet_mask("US-1234-5678-9012"), bnet_mask(secret)))


def battlenet_bma():
    # the older Battle.net Mobile Authenticator: key (hex) and serial in one masked string
    key = bytes(range(0x21, 0x35)).hex()
    write("battlenet_bma.xml", """<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
<long name="com.blizzard.bma.AUTH_STORE.CLOCK_OFFSET" value="-1234" />
<string name="com.blizzard.bma.AUTH_STORE.HASH">%s</string>
</map>
""" % bnet_mask(key + "EU-2345-6789-0123"))


def winauth():
    lines = [
        # plain TOTP, issuer in the label and the parameter, a form-encoded space
        "otpauth://totp/Google:alice+smith%40example.com?secret=JBSWY3DPEHPK3PXP&digits=6&issuer=Google&icon=GoogleAuthenticator",
        # Battle.net: WinAuth's name for it, the serial without dashes
        "otpauth://totp/Battle.net?secret=AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYU&digits=8&serial=EU123456789012&icon=BattleNetAuthenticator",
        # Steam: 5-digit TOTP plus the device ID and session data
        "otpauth://totp/Steam:gamer?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=5&issuer=Steam&deviceid=android%3A1234&data=%7B%22steamid%22%3A%221%22%7D",
        # HOTP
        "otpauth://hotp/Counter?secret=MFRGGZDFMZTWQ2LK&digits=6&counter=7",
        # a bad line does not stop the others
        "otpauth://totp/Bad?secret=!!!&digits=6",
    ]
    write("winauth.txt", "\r\n".join(lines) + "\r\n")


TOTPAUTH_ENTRIES = [
    {"issuer": "GitHub", "name": "alice", "key": "JBSWY3DPEHPK3PXP", "base": 32},
    {"issuer": "Example", "name": "hex key", "key": "48656c6c6f21deadbeef", "base": 16},
    {"issuer": "Mail", "name": "bob@example.com", "key": base64.b64encode(b"12345678901234567890").decode(), "base": 64,
     "digits": "8", "period": "60"},
    {"issuer": "Odd", "name": "base 10", "key": "1234", "base": 10},
]


def totpauth_list():
    # the app's quirk: an array of strings, each a JSON object
    return json.dumps([json.dumps(e) for e in TOTPAUTH_ENTRIES])


def totpauth_prefs():
    from xml.sax.saxutils import escape
    write("totpauth.xml", """<?xml version='1.0' encoding='utf-8' standalone='yes' ?>
<map>
    <string name="STATIC_TOTP_CODES_LIST">%s</string>
    <int name="THEME" value="1" />
</map>
""" % escape(totpauth_list(), {'"': "&quot;"}))


def totpauth_backup(path, password):
    # the plaintext is an object whose first member *name* is the list
    plain = json.dumps({totpauth_list(): "2026-12-01 10:00:00"}).encode()
    key = hashlib.sha256(password.encode()).digest()
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    ct = enc.update(padded) + enc.finalize()
    write(path, base64.b64encode(ct).decode() + "\n")


def run_in(tmp, *cmd, stdin=None):
    subprocess.run(cmd, cwd=tmp, check=True, stdin=stdin, stdout=subprocess.DEVNULL)


def raivo():
    items = [
        {"issuer": "GitHub", "account": "alice", "secret": "JBSWY3DPEHPK3PXP", "algorithm": "SHA1",
         "digits": "6", "kind": "TOTP", "timer": "30", "counter": "0", "pinned": "false",
         "iconType": "", "iconValue": ""},
        {"issuer": "Bank", "account": "bob", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "algorithm": "SHA256",
         "digits": "8", "kind": "TOTP", "timer": "60", "counter": "0", "pinned": "true",
         "iconType": "raivo_repository", "iconValue": "bank/bank.png"},
        {"issuer": "Counter", "account": "carol", "secret": "MFRGGZDFMZTWQ2LK", "algorithm": "SHA512",
         "digits": "6", "kind": "HOTP", "timer": "30", "counter": "12", "pinned": "false",
         "iconType": "", "iconValue": ""},
        {"issuer": "Broken", "account": "dave", "secret": "JBSWY3DPEHPK3PXP", "algorithm": "MD5",
         "digits": "6", "kind": "TOTP", "timer": "30", "counter": "0", "pinned": "false",
         "iconType": "", "iconValue": ""},
    ]
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "raivo-otp-export.json"), "w") as f:
            json.dump(items, f)
        with open(os.path.join(tmp, "raivo-otp-export.html"), "w") as f:
            f.write("<html><body>Raivo OTP export</body></html>\n")
        # SSZipArchive writes WinZip AES-256; older Raivo versions ZipCrypto
        run_in(tmp, "7zz", "a", "-bso0", "-tzip", "-p" + PASSWORD, "-mem=AES256", "raivo.zip",
               "raivo-otp-export.json", "raivo-otp-export.html")
        run_in(tmp, "zip", "-q", "-P", PASSWORD, "raivo_zipcrypto.zip", "raivo-otp-export.json", "raivo-otp-export.html")
        for name in ("raivo.zip", "raivo_zipcrypto.zip"):
            os.replace(os.path.join(tmp, name), name)


def authplus_zip():
    lines = [
        "otpauth://totp/Google:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Google",
        "otpauth://hotp/Example:bob?secret=MFRGGZDFMZTWQ2LK&counter=3",
        "otpauth://totp/Bad?secret=1",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        write(os.path.join(tmp, "Accounts.txt"), "\n".join(lines) + "\n")
        write(os.path.join(tmp, "Accounts.html"), "<html><body>Authenticator Plus</body></html>\n")
        run_in(tmp, "zip", "-q", "-P", PASSWORD, "authplus.zip", "Accounts.txt", "Accounts.html")
        os.replace(os.path.join(tmp, "authplus.zip"), "authplus.zip")


def authplus_db():
    # Authenticator Plus's backup: SQLCipher 3 defaults, made by Debian's sqlcipher
    sql = """
CREATE TABLE android_metadata (locale TEXT);
INSERT INTO android_metadata VALUES ('en_US');
CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL,
  counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER, issuer TEXT DEFAULT NULL,
  original_name TEXT, position INTEGER, category TEXT);
CREATE TABLE category (_id INTEGER PRIMARY KEY, name TEXT, position INTEGER);
INSERT INTO category (name, position) VALUES ('All Accounts', 0), ('Work', 1);
INSERT INTO accounts (email, secret, counter, type, provider, issuer, original_name, position, category) VALUES
  ('alice@example.com', 'JBSWY3DPEHPK3PXP', 0, 0, 0, 'Google', 'Google:alice@example.com', 2, 'Work'),
  ('bob', 'MFRGGZDFMZTWQ2LK', 5, 1, 0, NULL, 'Example:bob', 1, 'All Accounts'),
  ('carol@example.org', 'GEZDGNBVGY3TQOJQ', 0, 0, 0, '', 'carol@example.org', 3, 'All Accounts'),
  ('broken', 'JBSWY3DPEHPK3PXP', 0, 7, 0, 'Odd', '', 4, 'All Accounts');
"""
    if os.path.exists("authplus_backup.db"):
        os.remove("authplus_backup.db")
    subprocess.run(["sqlcipher", "authplus_backup.db"], input=("PRAGMA key = '%s';" % PASSWORD + sql).encode(),
                   check=True, stdout=subprocess.DEVNULL)


if __name__ == "__main__":
    duo()
    battlenet()
    battlenet_bma()
    winauth()
    totpauth_prefs()
    totpauth_backup("totpauth_backup.encrypt", PASSWORD)
    totpauth_backup("totpauth_backup_default.encrypt", "TotpAuthenticator")  # no password set in the app
    raivo()
    authplus_zip()
    authplus_db()
