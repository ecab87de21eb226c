#!/usr/bin/env python3
"""Build the Google Authenticator and Microsoft Authenticator database
fixtures with Python's own sqlite3, from the apps' schemas as
docs/formats.md describes them (not from Nidan's reader):

    python3 gen_sqlite.py

The expected accounts are in google_db.golden and microsoft_db.golden.
"""
import os
import sqlite3


def build(path, schema, rows_sql):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.executescript(rows_sql)
    db.commit()
    db.execute("VACUUM")
    db.close()


GOOGLE_SCHEMA = """
CREATE TABLE android_metadata (locale TEXT);
CREATE TABLE accounts (_id INTEGER PRIMARY KEY, email TEXT NOT NULL, secret TEXT NOT NULL,
    counter INTEGER DEFAULT 0, type INTEGER, provider INTEGER DEFAULT 0, issuer TEXT DEFAULT NULL,
    original_name TEXT DEFAULT NULL);
"""
GOOGLE_ROWS = """
INSERT INTO android_metadata VALUES ('en_US');
INSERT INTO accounts (email, secret, counter, type, issuer, original_name) VALUES
    ('GitHub:alice@example.com', 'jbsw y3dp ehpk 3pxp', 0, 0, 'GitHub', 'GitHub:alice@example.com'),
    ('bob', 'GEZDGNBVGY3TQOJQ', 5, 1, 'Bank', 'bob'),
    ('carol@example.com', 'KRSXG5CTMVRXEZLU', 0, 0, NULL, NULL),
    ('broken', 'not base32!', 0, 0, 'Nope', NULL);
"""

MICROSOFT_SCHEMA = """
CREATE TABLE android_metadata (locale TEXT);
CREATE TABLE accounts (_id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, username TEXT,
    paws_url TEXT, oath_secret_key TEXT, oath_enabled INTEGER, cid TEXT, account_type INTEGER,
    ux_position INTEGER, encrypted_oath_secret_key TEXT);
"""
MICROSOFT_ROWS = """
INSERT INTO accounts (name, username, oath_secret_key, oath_enabled, account_type, ux_position) VALUES
    ('GitHub', 'alice@example.com', 'JBSWY3DPEHPK3PXP', 1, 0, 0),
    ('Microsoft', 'dave@outlook.com', 'MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=', 1, 1, 1),
    ('Contoso', 'erin@contoso.com', NULL, 0, 2, 2);
"""

if __name__ == "__main__":
    build("google_db.sqlite", GOOGLE_SCHEMA, GOOGLE_ROWS)
    build("microsoft_db.sqlite", MICROSOFT_SCHEMA, MICROSOFT_ROWS)
