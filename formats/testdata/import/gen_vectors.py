#!/usr/bin/env python3
"""Generate the encrypted import vectors in this directory.

An implementation independent of Nidan's Go code, written from the published
formats: Aegis docs/vault.md (scrypt password slot wrapping a master key,
AES-256-GCM with nonce and tag stored apart), 2FAS's .2fas backups
("ciphertext+tag:salt:iv", PBKDF2-HMAC-SHA256 10 000 iterations, AES-256-GCM),
and those docs/formats.md describes: Authenticator Pro (current and legacy),
FreeOTP 2's backup (with its Java serialisation written out here),
Proton Authenticator, Ente Auth (its
libsodium secretstream written out here from HChaCha20, ChaCha20 and
Poly1305) and andOTP (current and old layouts).
Salts, nonces and keys are fixed so the output is reproducible:

    python3 gen_vectors.py   # needs the 'cryptography' package

The expected accounts are in the matching .golden files.
"""
import base64
import hashlib
import json

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.poly1305 import Poly1305

PASSWORD = b"correct horse battery staple"


def fixed(label, n):
    """Deterministic 'random' bytes, distinct per label."""
    return hashlib.sha256(label.encode()).digest()[:n]


def aegis(path, content, n):
    master = fixed("aegis master " + path, 32)
    salt = fixed("aegis salt " + path, 32)
    slot_nonce = fixed("aegis slot nonce " + path, 12)
    db_nonce = fixed("aegis db nonce " + path, 12)
    key = hashlib.scrypt(PASSWORD, salt=salt, n=n, r=8, p=1, dklen=32, maxmem=128 << 20)
    wrapped = AESGCM(key).encrypt(slot_nonce, master, None)
    sealed = AESGCM(master).encrypt(db_nonce, json.dumps(content).encode(), None)
    vault = {
        "version": 1,
        "header": {
            "slots": [
                {   # a biometric slot first: importers must skip it
                    "type": 2,
                    "uuid": "7c5bd9f5-4a7c-4a39-9a45-3ea1f0a0a8a1",
                    "key": fixed("bio key", 32).hex(),
                    "key_params": {"nonce": fixed("bio nonce", 12).hex(), "tag": fixed("bio tag", 16).hex()},
                },
                {
                    "type": 1,
                    "uuid": "a1b2c3d4-0000-4000-8000-000000000001",
                    "key": wrapped[:-16].hex(),
                    "key_params": {"nonce": slot_nonce.hex(), "tag": wrapped[-16:].hex()},
                    "n": n, "r": 8, "p": 1,
                    "salt": salt.hex(),
                    "repaired": True,
                    "is_backup": False,
                },
            ],
            "params": {"nonce": db_nonce.hex(), "tag": sealed[-16:].hex()},
        },
        "db": base64.b64encode(sealed[:-16]).decode(),
    }
    with open(path, "w") as f:
        json.dump(vault, f, indent=4)
        f.write("\n")


def twofas(path, services, schema=4, reference=b"nidan test reference text, any known plaintext works"):
    salt = fixed("2fas salt", 256)
    key = hashlib.pbkdf2_hmac("sha256", PASSWORD, salt, 10000, 32)

    def seal(label, plain):
        iv = fixed("2fas iv " + label, 12)
        ct = AESGCM(key).encrypt(iv, plain, None)
        return ":".join(base64.b64encode(x).decode() for x in (ct, salt, iv))

    backup = {
        "services": [],
        "groups": [{"id": "g-work", "name": "Work"}],
        "updatedAt": 1735689600000,
        "schemaVersion": schema,
        "appVersionCode": 5000009 if schema == 4 else 3080200,
        "appVersionName": "5.1.0" if schema == 4 else "3.8.2",
        "appOrigin": "android",
        "servicesEncrypted": seal("services", json.dumps(services).encode()),
        "reference": seal("reference", reference),
    }
    with open(path, "w") as f:
        json.dump(backup, f)
        f.write("\n")


def twofas_decrypt(path, password):
    """Decrypt a .2fas backup (ours or anyone's): the reference first, which
    must open, then the services; prints the backup with "services" filled
    in and "reference" replaced by its plaintext."""
    with open(path) as f:
        backup = json.load(f)

    def open_field(field):
        ct, salt, iv = (base64.b64decode(x) for x in field.split(":"))
        key = hashlib.pbkdf2_hmac("sha256", password, salt, 10000, 32)
        return AESGCM(key).decrypt(iv, ct, None)

    backup["reference"] = open_field(backup["reference"]).decode()
    backup["services"] = json.loads(open_field(backup.pop("servicesEncrypted")))
    return backup


# 2FAS's own reference text (BackupContent.Reference in its source).
TWOFAS_REFERENCE = (b"tRViSsLKzd86Hprh4ceC2OP7xazn4rrt4xhfEUbOjxLX8Rc3mkISXE0lWbmnWfggogbBJhtYgpK6fMl1D6m"
                    b"tsy92R3HkdGfwuXbzLebqVFJsR7IZ2w58t938iymwG4824igYy1wi6n2WDpO1Q1P69zwJGs2F5a1qP4MyIiDSD7NCV2OvidX"
                    b"QCBnDlGfmz0f1BQySRkkt4ryiJeCjD2o4QsveJ9uDBUn8ELyOrESv5R5DMDkD4iAF8TXU7KyoJujd")

# Schema 2: no tokenType (TOTP only), period may be absent.
TWOFAS_SERVICES_V2 = [
    {"name": "Forum", "secret": "MFRGGZDFMZTWQ2LK", "updatedAt": 1644513743278, "type": "Unknown",
     "otp": {"label": "Forum:judy", "account": "judy", "issuer": "Forum", "digits": 6, "period": 30, "algorithm": "SHA1"},
     "order": {"position": 0}},
    {"name": "Shop", "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "updatedAt": 1644513778354, "type": "Unknown",
     "otp": {"label": "Shop:kim", "account": "kim", "issuer": "Shop", "digits": 8, "algorithm": "SHA256"},
     "order": {"position": 1}, "groupId": "g-work"},
]

def authpro_encrypted(path, backup):
    """Authenticator Pro / Stratum: "AUTHENTICATORPRO" || salt(16) || iv(12)
    || AES-256-GCM ct+tag, key = Argon2id(t=3, m=64 MiB, p=4, 32 bytes)."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    salt = fixed("authpro salt", 16)
    iv = fixed("authpro iv", 12)
    key = Argon2id(salt=salt, length=32, iterations=3, lanes=4, memory_cost=65536).derive(PASSWORD)
    with open(path, "wb") as f:
        f.write(b"AUTHENTICATORPRO" + salt + iv + AESGCM(key).encrypt(iv, json.dumps(backup).encode(), None))


def authpro_legacy(path, backup):
    """The legacy layout: "AuthenticatorPro" || salt(20) || iv(16) || AES-256-CBC
    with PKCS#7, key = PBKDF2-HMAC-SHA1(password, salt, 64 000, 32)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import modes
    salt = fixed("authpro legacy salt", 20)
    iv = fixed("authpro legacy iv", 16)
    key = hashlib.pbkdf2_hmac("sha1", PASSWORD, salt, 64000, 32)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(json.dumps(backup).encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    with open(path, "wb") as f:
        f.write(b"AuthenticatorPro" + salt + iv + enc.update(plain) + enc.finalize())


AUTHPRO_BACKUP = {
    "Authenticators": [
        {"Type": 2, "Icon": "mastodon", "Issuer": "Mastodon", "Username": "dora@example.social", "Secret": "JBSWY3DPEHPK3PXP",
         "Pin": None, "Algorithm": 0, "Digits": 6, "Period": 30, "Counter": 0, "Ranking": 0, "CopyCount": 3},
        {"Type": 1, "Icon": None, "Issuer": "Bank", "Username": None, "Secret": "GEZDGNBVGY3TQOJQ",
         "Pin": None, "Algorithm": 2, "Digits": 8, "Period": 30, "Counter": 12, "Ranking": 1, "CopyCount": 0},
        {"Type": 4, "Icon": "steam", "Issuer": "Steam", "Username": "gaben", "Secret": "MFRGGZDFMZTWQ2LK",
         "Pin": None, "Algorithm": 0, "Digits": 5, "Period": 30, "Counter": 0, "Ranking": 2, "CopyCount": 0},
    ],
    "Categories": [{"Id": "5a3c1f0e", "Name": "Social", "Ranking": 0}, {"Id": "9b2d4e6f", "Name": "Money", "Ranking": 1}],
    "AuthenticatorCategories": [
        {"CategoryId": "9b2d4e6f", "AuthenticatorSecret": "GEZDGNBVGY3TQOJQ", "Ranking": 0},
        {"CategoryId": "5a3c1f0e", "AuthenticatorSecret": "JBSWY3DPEHPK3PXP", "Ranking": 0},
        {"CategoryId": "9b2d4e6f", "AuthenticatorSecret": "JBSWY3DPEHPK3PXP", "Ranking": 1},
    ],
    "CustomIcons": [],
}

def java_modified_utf8(text):
    """Java's modified UTF-8 (DataOutput.writeUTF): NUL as C0 80, and
    characters beyond the BMP as two 3-byte UTF-16 surrogates."""
    out = bytearray()
    units = text.encode("utf-16-be")
    for i in range(0, len(units), 2):
        u = int.from_bytes(units[i:i + 2], "big")
        if 0 < u < 0x80:
            out.append(u)
        elif u < 0x800:
            out += bytes((0xC0 | u >> 6, 0x80 | u & 0x3F))
        else:
            out += bytes((0xE0 | u >> 12, 0x80 | (u >> 6) & 0x3F, 0x80 | u & 0x3F))
    return bytes(out)


def java_serialized_string_map(pairs):
    """ObjectOutputStream.writeObject(HashMap<String, String>), written out
    from the Java Object Serialization Specification (chapter 6)."""
    import math
    import struct
    capacity = 16
    while len(pairs) > capacity * 0.75:
        capacity *= 2
    out = bytearray(b"\xac\xed\x00\x05")              # STREAM_MAGIC, STREAM_VERSION
    out += b"\x73\x72"                                  # TC_OBJECT, TC_CLASSDESC
    name = b"java.util.HashMap"
    out += struct.pack(">H", len(name)) + name
    out += struct.pack(">q", 362498820763181265)         # serialVersionUID
    out += b"\x03"                                       # SC_WRITE_METHOD | SC_SERIALIZABLE
    out += struct.pack(">H", 2)
    for code, field in ((b"F", b"loadFactor"), (b"I", b"threshold")):
        out += code + struct.pack(">H", len(field)) + field
    out += b"\x78\x70"                                  # TC_ENDBLOCKDATA, superclass TC_NULL
    out += struct.pack(">fi", 0.75, int(capacity * 0.75))
    out += b"\x77\x08" + struct.pack(">ii", capacity, len(pairs))  # TC_BLOCKDATA
    for k, v in pairs:
        for text in (k, v):
            b = java_modified_utf8(text)
            if len(b) < 0x10000:
                out += b"\x74" + struct.pack(">H", len(b)) + b    # TC_STRING
            else:
                out += b"\x7c" + struct.pack(">Q", len(b)) + b    # TC_LONGSTRING
    out += b"\x78"                                       # TC_ENDBLOCKDATA
    return bytes(out)


def signed(b):
    return [x - 256 if x > 127 else x for x in b]


def freeotp_encrypted_key(key, plain, token, label):
    """FreeOTP's EncryptedKey: AES-GCM, mToken as associated data, Java's
    DER GCM parameters SEQUENCE { OCTET STRING nonce, INTEGER 16 }."""
    nonce = fixed("freeotp nonce " + label, 12)
    ct = AESGCM(key).encrypt(nonce, plain, token.encode())
    params = b"\x30\x11\x04\x0c" + nonce + b"\x02\x01\x10"
    return {"mCipher": "AES/GCM/NoPadding", "mCipherText": signed(ct), "mParameters": signed(params), "mToken": token}


def freeotp_backup_pairs(tokens, iterations):
    """FreeOTP 2's backup map: masterKey (PBKDF2-HMAC-SHA512 of the password
    wrapping a random AES key), then per token "id" -> {"key": EncryptedKey
    JSON} and "id-token" -> the token's settings, and tokenOrder."""
    salt = fixed("freeotp salt", 32)
    master = fixed("freeotp master", 32)
    pw_key = hashlib.pbkdf2_hmac("sha512", PASSWORD, salt, iterations, 32)
    pairs = [("masterKey", json.dumps({
        "mAlgorithm": "PBKDF2withHmacSHA512",
        "mEncryptedKey": freeotp_encrypted_key(pw_key, master, "AES", "master"),
        "mIterations": iterations, "mSalt": signed(salt)}))]
    for tid, secret, settings in tokens:
        algo = "Hmac" + settings.get("algo", "SHA1")
        pairs.append((tid, json.dumps({"key": json.dumps(freeotp_encrypted_key(master, secret, algo, tid))})))
        pairs.append((tid + "-token", json.dumps(settings, ensure_ascii=False)))
    pairs.append(("tokenOrder", json.dumps([t[0] for t in reversed(tokens)], ensure_ascii=False)))
    return pairs


def freeotp_prefs_xml(path, pairs):
    from xml.sax.saxutils import escape
    with open(path, "w") as f:
        f.write("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n")
        for k, v in pairs:
            f.write('    <string name="%s">%s</string>\n' % (escape(k, {'"': "&quot;"}), escape(v, {'"': "&quot;"})))
        f.write('    <boolean name="nightMode" value="false" />\n</map>\n')


FREEOTP_TOKENS = [
    ("GitHub:alice@example.com", b"Hello!\xde\xad\xbe\xef",
     {"algo": "SHA1", "digits": 6, "issuerExt": "GitHub", "issuerInt": "GitHub", "label": "alice@example.com",
      "period": 30, "type": "TOTP"}),
    ("3f2b9c1e-7d4a-4c8e-9b1f-0a6d5e4c3b2a", b"12345678901234567890",
     {"algo": "SHA256", "counter": 7, "digits": 8, "issuerExt": "Bank", "label": "bob", "type": "HOTP"}),
    ("Steam:gaben", b"abcdefghij",
     {"algo": "SHA1", "digits": 5, "issuerExt": "Steam", "label": "gaben", "period": 30, "type": "TOTP"}),
    ("Wiki:\U0001F511 grace", b"0123456789",
     {"digits": 7, "issuerExt": "Wiki", "label": "\U0001F511 grace", "labelAlt": "\U0001F511 grace (home)", "period": 60,
      "type": "TOTP"}),
]

AEGIS_CONTENT = {
    "version": 3,
    "entries": [
        {"type": "totp", "uuid": "11111111-1111-4111-8111-111111111111", "name": "alice@example.com",
         "issuer": "GitHub", "note": "kept out of Nidan", "favorite": True, "icon": None,
         "info": {"secret": "JBSWY3DPEHPK3PXP", "algo": "SHA1", "digits": 6, "period": 30},
         "groups": ["22222222-2222-4222-8222-222222222222"]},
        {"type": "hotp", "uuid": "33333333-3333-4333-8333-333333333333", "name": "bob",
         "issuer": "Bank", "note": "", "favorite": False, "icon": None,
         "info": {"secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "algo": "SHA256", "digits": 8, "counter": 42},
         "groups": []},
        {"type": "steam", "uuid": "44444444-4444-4444-8444-444444444444", "name": "gaben",
         "issuer": "Steam", "note": "", "favorite": False, "icon": None,
         "info": {"secret": "MFRGGZDFMZTWQ2LK", "algo": "SHA1", "digits": 5, "period": 30},
         "groups": ["22222222-2222-4222-8222-222222222222", "55555555-5555-4555-8555-555555555555"]},
    ],
    "groups": [
        {"uuid": "22222222-2222-4222-8222-222222222222", "name": "Personal"},
        {"uuid": "55555555-5555-4555-8555-555555555555", "name": "Games"},
    ],
    "icons_optimized": True,
}

TWOFAS_SERVICES = [
    {"name": "Dropbox", "secret": "KRSXG5CTMVRXEZLU", "updatedAt": 1735689600000,
     "otp": {"label": "Dropbox:carol", "account": "carol", "issuer": "Dropbox", "digits": 6, "period": 30,
             "algorithm": "SHA1", "tokenType": "TOTP", "source": "Link"},
     "order": {"position": 1}, "groupId": "g-work"},
    {"name": "Example", "secret": "ORSXG5BRGIZTINJWG44DSMBR", "updatedAt": 1735689600000,
     "otp": {"label": "", "account": "", "digits": 7, "algorithm": "SHA512", "counter": 7,
             "tokenType": "HOTP", "source": "Manual"},
     "order": {"position": 0}},
]

def proton(path, entries):
    """Proton Authenticator: Argon2id (t=2, m=19 MiB, p=1) + AES-256-GCM,
    content = nonce || ciphertext || tag, AAD proton.authenticator.export.v1."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id  # cryptography >= 44
    salt = fixed("proton salt", 16)
    nonce = fixed("proton nonce", 12)
    key = Argon2id(salt=salt, length=32, iterations=2, lanes=1, memory_cost=19 * 1024).derive(PASSWORD)
    plain = json.dumps({"version": 1, "entries": entries}).encode()
    sealed = AESGCM(key).encrypt(nonce, plain, b"proton.authenticator.export.v1")
    with open(path, "w") as f:
        json.dump({"version": 1, "salt": base64.b64encode(salt).decode(),
                   "content": base64.b64encode(nonce + sealed).decode()}, f)
        f.write("\n")


def _rotl(v, n):
    return ((v << n) | (v >> (32 - n))) & 0xFFFFFFFF


def hchacha20(key, nonce16):
    """HChaCha20 (draft-irtf-cfrg-xchacha, section 2.2), written out."""
    import struct
    st = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574]
    st += list(struct.unpack("<8I", key)) + list(struct.unpack("<4I", nonce16))

    def qr(a, b, c, d):
        st[a] = (st[a] + st[b]) & 0xFFFFFFFF; st[d] = _rotl(st[d] ^ st[a], 16)
        st[c] = (st[c] + st[d]) & 0xFFFFFFFF; st[b] = _rotl(st[b] ^ st[c], 12)
        st[a] = (st[a] + st[b]) & 0xFFFFFFFF; st[d] = _rotl(st[d] ^ st[a], 8)
        st[c] = (st[c] + st[d]) & 0xFFFFFFFF; st[b] = _rotl(st[b] ^ st[c], 7)
    for _ in range(10):
        qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15)
        qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14)
    return struct.pack("<8I", *(st[0:4] + st[12:16]))


def chacha20_xor(key, counter, nonce12, data):
    c = Cipher(algorithms.ChaCha20(key, counter.to_bytes(4, "little") + nonce12), mode=None).encryptor()
    return c.update(data)


def secretstream_push_final(key, header, message):
    """One FINAL message of libsodium crypto_secretstream_xchacha20poly1305."""
    k = hchacha20(key, header[:16])
    nonce = (1).to_bytes(4, "little") + header[16:24]
    poly_key = chacha20_xor(k, 0, nonce, bytes(32))
    block = bytearray(64)
    block[0] = 3  # TAG_FINAL
    block = chacha20_xor(k, 1, nonce, bytes(block))
    c = chacha20_xor(k, 2, nonce, message)
    mac = Poly1305(poly_key)
    mac.update(block)
    mac.update(c)
    mac.update(bytes((16 - (64 + len(c)) % 16) % 16))
    mac.update((0).to_bytes(8, "little") + (64 + len(c)).to_bytes(8, "little"))
    return block[:1] + c + mac.finalize()


def ente(path, text):
    """Ente Auth encrypted export: crypto_pwhash Argon2id + secretstream."""
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    salt = fixed("ente salt", 16)
    header = fixed("ente header", 24)
    mem, ops = 8 << 20, 2  # small for tests; the reader takes them from the file
    key = Argon2id(salt=salt, length=32, iterations=ops, lanes=1, memory_cost=mem // 1024).derive(PASSWORD)
    sealed = secretstream_push_final(key, header, text.encode())
    with open(path, "w") as f:
        json.dump({"version": 1, "kdfParams": {"memLimit": mem, "opsLimit": ops,
                                               "salt": base64.b64encode(salt).decode()},
                   "encryptedData": base64.b64encode(sealed).decode(),
                   "encryptionNonce": base64.b64encode(header).decode()}, f)
        f.write("\n")


def andotp_new(path, entries, iterations=10000):
    """andOTP >= 0.6.3: iterations(BE32) || salt(12) || nonce(12) || GCM ct+tag,
    key = PBKDF2-HMAC-SHA1(password, salt, iterations, 32)."""
    salt = fixed("andotp salt", 12)
    nonce = fixed("andotp nonce", 12)
    key = hashlib.pbkdf2_hmac("sha1", PASSWORD, salt, iterations, 32)
    ct = AESGCM(key).encrypt(nonce, json.dumps(entries).encode(), None)
    with open(path, "wb") as f:
        f.write(iterations.to_bytes(4, "big") + salt + nonce + ct)


def andotp_old(path, entries):
    """andOTP before 0.6.3: nonce(12) || GCM ct+tag, key = SHA-256(password)."""
    nonce = fixed("andotp old nonce", 12)
    key = hashlib.sha256(PASSWORD).digest()
    ct = AESGCM(key).encrypt(nonce, json.dumps(entries).encode(), None)
    with open(path, "wb") as f:
        f.write(nonce + ct)


def authy_prefs(path, key, tokens):
    from xml.sax.saxutils import escape
    value = escape(json.dumps(tokens), {'"': "&quot;"})
    with open(path, "w") as f:
        f.write("<?xml version='1.0' encoding='utf-8' standalone='yes' ?>\n<map>\n")
        f.write('    <boolean name="com.authy.storage.tokens.authenticator.migrated" value="true" />\n')
        f.write('    <string name="%s">%s</string>\n</map>\n' % (key, value))


def authy_encrypt(secret_b32, salt, iterations=None, iv=None):
    """Authy's backup encryption: PBKDF2-HMAC-SHA1(password, salt, iterations
    (1000 if the token does not say), 32) and AES-256-CBC, PKCS#7, IV zero
    unless unique_iv gives one."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import modes
    key = hashlib.pbkdf2_hmac("sha1", PASSWORD, salt.encode(), iterations or 1000, 32)
    padder = padding.PKCS7(128).padder()
    plain = padder.update(secret_b32.encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv or bytes(16))).encryptor()
    return base64.b64encode(enc.update(plain) + enc.finalize()).decode()


AUTHY_TOKENS = [
    {"accountType": "github", "digits": 6, "name": "GitHub: alice@example.com", "originalName": "GitHub:alice@example.com",
     "originalIssuer": "GitHub", "salt": "pZhtdmkQtBDJwqzjKbzNAQHp", "timestamp": 1735689600, "upload_state": "uploaded",
     "encryptedSecret": None},
    {"accountType": "authenticator", "digits": 8, "name": "Example Bank", "originalName": "bob", "originalIssuer": "Example Bank",
     "salt": "oOOIv0CL4FKDTDexm7EEWYHr", "key_derivation_iterations": 100000,
     "unique_iv": fixed("authy iv", 16).hex(), "encryptedSecret": None},
]

PROTON_ENTRIES = [
    {"id": "0a3c9a44-1f55-4f0f-9a0e-000000000001",
     "content": {"uri": "otpauth://totp/GitHub:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=SHA1&digits=6&period=30",
                 "entry_type": "Totp", "name": "alice@example.com"}, "note": None},
    {"id": "0a3c9a44-1f55-4f0f-9a0e-000000000002",
     "content": {"uri": "steam://MFRGGZDFMZTWQ2LK", "entry_type": "Steam", "name": "gaben"}, "note": "games"},
]

ENTE_TEXT = (
    "otpauth://totp/GitHub:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=GitHub&algorithm=sha1&digits=6&period=30"
    "&codeDisplay=%7B%22pinned%22%3Afalse%2C%22trashed%22%3Afalse%2C%22tags%22%3A%5B%5D%7D\n"
    "otpauth://hotp/Bank:bob?secret=GEZDGNBVGY3TQOJQ&issuer=Bank&algorithm=sha256&digits=8&counter=5\n"
    "otpauth://steam/Steam:gaben?secret=MFRGGZDFMZTWQ2LK&issuer=Steam&digits=5&period=30\n"
)

ANDOTP_ENTRIES = [
    {"secret": "JBSWY3DPEHPK3PXP", "issuer": "GitHub", "label": "alice@example.com", "digits": 6,
     "type": "TOTP", "algorithm": "SHA1", "thumbnail": "Default", "last_used": 0, "used_frequency": 0,
     "period": 30, "tags": ["Work"]},
    {"secret": "GEZDGNBVGY3TQOJQ", "issuer": "Bank", "label": "bob", "digits": 8, "type": "HOTP",
     "algorithm": "SHA256", "thumbnail": "Default", "last_used": 0, "used_frequency": 0, "counter": 5, "tags": []},
]

if __name__ == "__main__":
    import sys
    if len(sys.argv) == 4 and sys.argv[1] == "--decrypt-2fas":  # used by Nidan's export tests
        json.dump(twofas_decrypt(sys.argv[2], sys.argv[3].encode()), sys.stdout)
        sys.exit(0)
    aegis("aegis_encrypted.json", AEGIS_CONTENT, 1 << 15)  # Aegis's own cost
    aegis("aegis_encrypted_fast.json", AEGIS_CONTENT, 1 << 10)
    twofas("2fas_encrypted.2fas", TWOFAS_SERVICES)
    twofas("2fas_schema2_encrypted.2fas", TWOFAS_SERVICES_V2, schema=2, reference=TWOFAS_REFERENCE)
    proton("proton_encrypted.json", PROTON_ENTRIES)
    with open("freeotp_backup.xml", "wb") as f:  # FreeOTP's own cost
        f.write(java_serialized_string_map(freeotp_backup_pairs(FREEOTP_TOKENS, 100000)))
    with open("freeotp_backup_fast.xml", "wb") as f:
        f.write(java_serialized_string_map(freeotp_backup_pairs(FREEOTP_TOKENS, 1000)))
    freeotp_prefs_xml("freeotp_backup_prefs.xml", freeotp_backup_pairs(FREEOTP_TOKENS, 1000))
    authpro_encrypted("authpro_encrypted.authpro", AUTHPRO_BACKUP)
    authpro_legacy("authpro_legacy.authpro", AUTHPRO_BACKUP)
    ente("ente_encrypted.txt", ENTE_TEXT)
    andotp_new("andotp_encrypted.json.aes", ANDOTP_ENTRIES)
    andotp_old("andotp_encrypted_old.json.aes", ANDOTP_ENTRIES)
    AUTHY_TOKENS[0]["encryptedSecret"] = authy_encrypt("JBSWY3DPEHPK3PXP", AUTHY_TOKENS[0]["salt"])
    AUTHY_TOKENS[1]["encryptedSecret"] = authy_encrypt("GEZDGNBVGY3TQOJQ", AUTHY_TOKENS[1]["salt"], 100000, fixed("authy iv", 16))
    authy_prefs("authy_encrypted.xml", "com.authy.storage.tokens.authenticator.key", AUTHY_TOKENS)
    authy_prefs("authy_plain.xml", "com.authy.storage.tokens.authenticator.key", [
        {"accountType": "dropbox", "digits": 6, "name": "Dropbox", "originalName": "carol@example.com",
         "decryptedSecret": "kRsX g5Ct mVrX eZlU", "timestamp": 1735689600}])
