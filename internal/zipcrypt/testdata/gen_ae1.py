#!/usr/bin/env python3
"""Write ae1.zip: one deflated entry, small.json, under WinZip AES-256 in
its AE-1 form (CRC kept), which 7-Zip does not write. Built from WinZip's
"AES Encryption Information" document with Python's hashlib, zlib and
cryptography, independently of Nidan's Go code; `7zz t -p... ae1.zip`
checks it with a real archiver. The salt is fixed, so the file is
reproducible:

    python3 gen_ae1.py
"""
import hashlib
import hmac
import struct
import zlib

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PASSWORD = b"correct horse battery staple"
NAME = b"small.json"

data = open("small.json", "rb").read()
comp = zlib.compressobj(9, zlib.DEFLATED, -15)
deflated = comp.compress(data) + comp.flush()

salt = hashlib.sha256(b"ae1 salt").digest()[:16]
dk = hashlib.pbkdf2_hmac("sha1", PASSWORD, salt, 1000, 2 * 32 + 2)
enc_key, mac_key, verifier = dk[:32], dk[32:64], dk[64:]

# AES-CTR with a 128-bit little-endian counter starting at 1
ecb = Cipher(algorithms.AES(enc_key), modes.ECB()).encryptor()
ct = bytearray()
for i in range(0, len(deflated), 16):
    stream = ecb.update((i // 16 + 1).to_bytes(16, "little"))
    ct += bytes(a ^ b for a, b in zip(deflated[i:i + 16], stream))
mac = hmac.new(mac_key, bytes(ct), hashlib.sha1).digest()[:10]
body = salt + verifier + bytes(ct) + mac

crc = zlib.crc32(data)
extra = struct.pack("<HHH2sBH", 0x9901, 7, 1, b"AE", 3, 8)  # AE-1, AES-256, deflate
dos_time, dos_date = 0x6000, 0x5B81  # 12:00, 2025-12-01
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 51, 1, 99, dos_time, dos_date,
                    crc, len(body), len(data), len(NAME), len(extra)) + NAME + extra
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 51, 51, 1, 99, dos_time, dos_date,
                      crc, len(body), len(data), len(NAME), len(extra), 0, 0, 0, 0, 0) + NAME + extra
end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(body), 0)
with open("ae1.zip", "wb") as f:
    f.write(local + body + central + end)
