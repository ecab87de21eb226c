#!/usr/bin/env python3
"""Generate the encrypted import vectors in this directory.

An implementation independent of Nidan's Go code, written from the published
formats: Aegis docs/vault.md (scrypt password slot wrapping a master key,
AES-256-GCM with nonce and tag stored apart) and 2FAS's .2fas backups
("ciphertext+tag:salt:iv", PBKDF2-HMAC-SHA256 10 000 iterations, AES-256-GCM).
Salts, nonces and keys are fixed so the output is reproducible:

    python3 gen_vectors.py   # needs the 'cryptography' package

The expected accounts are in the matching .golden files.
"""
import base64
import hashlib
import json

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

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


def twofas(path, services):
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
        "schemaVersion": 4,
        "appVersionCode": 5000009,
        "appVersionName": "5.1.0",
        "appOrigin": "android",
        "servicesEncrypted": seal("services", json.dumps(services).encode()),
        "reference": seal("reference", b"nidan test reference text, any known plaintext works"),
    }
    with open(path, "w") as f:
        json.dump(backup, f)
        f.write("\n")


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

if __name__ == "__main__":
    aegis("aegis_encrypted.json", AEGIS_CONTENT, 1 << 15)  # Aegis's own cost
    aegis("aegis_encrypted_fast.json", AEGIS_CONTENT, 1 << 10)
    twofas("2fas_encrypted.2fas", TWOFAS_SERVICES)
