#!/bin/sh
# v3.db: made by Debian's sqlcipher 3.4.1 (SQLCipher 3 defaults), not by
# Nidan's code. Salts and IVs are random, so rerunning changes the file but
# not what it holds.
#   sh gen.sh   # needs sqlcipher (Debian: sqlcipher)
set -eu
cd "$(dirname "$0")"
rm -f v3.db
sql="CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO t(v) SELECT 'row ' || i || ' JBSWY3DPEHPK3PXP' FROM n;"
sqlcipher v3.db "PRAGMA key = 'correct horse battery staple'; $sql" >/dev/null
