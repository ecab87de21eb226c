#!/usr/bin/env python3
"""Generate Google Authenticator export fixtures (otpauth-migration://).

Hand-encoded protobuf MigrationPayload, independent of Nidan's decoder:
  payload: 1 otp_parameters (repeated), 2 version, 3 batch_size, 4 batch_index, 5 batch_id
  otp:     1 secret, 2 name, 3 issuer, 4 algorithm (1 SHA1, 2 SHA256, 3 SHA512, 4 MD5),
           5 digits (1 six, 2 eight), 6 type (1 HOTP, 2 TOTP), 7 counter
"""
import base64
import urllib.parse


def varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def field_varint(num, v):
    return varint(num << 3) + varint(v)


def field_bytes(num, b):
    return varint(num << 3 | 2) + varint(len(b)) + b


def otp(secret, name, issuer, alg=1, digits=1, typ=2, counter=0):
    return (field_bytes(1, secret) + field_bytes(2, name.encode()) + field_bytes(3, issuer.encode())
            + field_varint(4, alg) + field_varint(5, digits) + field_varint(6, typ) + field_varint(7, counter))


def uri(otps, size, index, batch_id=424242):
    p = b"".join(field_bytes(1, o) for o in otps)
    p += field_varint(2, 1) + field_varint(3, size) + field_varint(4, index) + field_varint(5, batch_id)
    return "otpauth-migration://offline?data=" + urllib.parse.quote(base64.b64encode(p).decode(), safe="")


PART1 = [otp(b"Hello!\xde\xad\xbe\xef", "alice@example.com", "GitHub"),
         otp(b"12345678901234567890", "Bank:bob", "Bank", alg=2, digits=2, typ=1, counter=9)]
PART2 = [otp(b"abcdefghij", "carol", "", alg=3)]

if __name__ == "__main__":
    with open("google.txt", "w") as f:
        f.write(uri(PART1, 2, 0) + "\n" + uri(PART2, 2, 1) + "\n")
    with open("google_incomplete.txt", "w") as f:
        f.write(uri(PART2, 3, 1) + "\n")
