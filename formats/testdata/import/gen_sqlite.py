#!/usr/bin/env python3
"""Build the Google Authenticator and Microsoft Authenticator database
and Authenticator Pro / Stratum database fixtures with Python's own sqlite3, from the apps' schemas as
docs/formats.md describes them (not from Nidan's reader):

    python3 gen_sqlite.py

The expected accounts are in the matching .golden files.
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

# Authenticator Pro / Stratum's authenticator.db3, as sqlite-net creates it.
AUTHPRO_SCHEMA = """
CREATE TABLE "authenticator" ("type" integer, "icon" varchar, "issuer" varchar(32), "username" varchar(40),
    "secret" varchar primary key not null, "pin" varchar, "algorithm" integer, "digits" integer,
    "period" integer, "counter" integer, "ranking" integer, "copyCount" integer);
CREATE TABLE "category" ("id" varchar primary key not null, "name" varchar(32), "ranking" integer);
CREATE TABLE "authenticatorcategory" ("categoryId" varchar, "authenticatorSecret" varchar, "ranking" integer);
CREATE TABLE "customicon" ("id" varchar primary key not null, "data" varchar);
"""
AUTHPRO_ROWS = """
INSERT INTO authenticator VALUES
    (1, NULL, 'Bank', 'bob', 'GEZDGNBVGY3TQOJQ', NULL, 1, 8, 30, 5, 2, 0),
    (2, 'github', 'GitHub', 'alice@example.com', 'JBSWY3DPEHPK3PXP', NULL, 0, 6, 30, 0, 0, 7),
    (4, 'steam', 'Steam', 'gaben', 'MFRGGZDFMZTWQ2LK', NULL, 0, 5, 30, 0, 1, 0),
    (2, NULL, 'Work', NULL, 'KRSXG5CTMVRXEZLU', NULL, 2, 7, 60, 0, 3, 0);
INSERT INTO category VALUES ('c0ffee00', 'Personal', 0);
INSERT INTO authenticatorcategory VALUES ('c0ffee00', 'JBSWY3DPEHPK3PXP', 0), ('c0ffee00', 'MFRGGZDFMZTWQ2LK', 1);
"""
# A Yandex entry and a bad secret beside a good one: each fails alone.
AUTHPRO_BAD_ROWS = """
INSERT INTO authenticator VALUES
    (5, NULL, 'Yandex', 'ivan', 'ORSXG5BRGIZTINJWG44DSMBR', '1234', 0, 8, 30, 0, 0, 0),
    (2, NULL, 'Broken', 'x', 'not base32!', NULL, 0, 6, 30, 0, 1, 0),
    (2, NULL, 'Fine', 'y', 'JBSWY3DPEHPK3PXP', NULL, 0, 6, 30, 0, 2, 0);
"""

if __name__ == "__main__":
    build("authpro_db.db3", AUTHPRO_SCHEMA, AUTHPRO_ROWS)
    build("authpro_db_bad.db3", AUTHPRO_SCHEMA, AUTHPRO_BAD_ROWS)
    build("google_db.sqlite", GOOGLE_SCHEMA, GOOGLE_ROWS)
    build("microsoft_db.sqlite", MICROSOFT_SCHEMA, MICROSOFT_ROWS)
