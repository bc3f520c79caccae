#!/usr/bin/env bash
# The database commands end to end on SQLite: audit note/sign-head/verify/
# list/export, tampering seen by `eseal audit verify`, backup, wipe, restore.
set -u
BIN=${ESEAL_BIN:?}
T=$(mktemp -d /tmp/eseal-audit-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }
check() { if "$@"; then ok; else bad "$*"; fi; }

DB="sqlite:$T/svc.db"
"$BIN" key gen --out "$T/audit.key" --pubout "$T/audit.pub" --insecure-plain >/dev/null || bad "key gen"
"$BIN" key gen --out "$T/other.key" --pubout "$T/other.pub" --insecure-plain >/dev/null || bad "key gen"
for i in 1 2 3 4 5; do
  "$BIN" audit note --db "$DB" --actor "op$((i % 2))" --action maintenance.step --object "host:$i" \
    --details "{\"step\":$i,\"note\":\"a, \\\"b\\\"\"}" >/dev/null || bad "note $i"
done
check "$BIN" audit sign-head --db "$DB" --key "$T/audit.key" >/dev/null
ESEAL_DB="$DB" "$BIN" audit note --actor op9 --action maintenance.end >/dev/null || bad "note via ESEAL_DB"
out=$("$BIN" audit verify --db "$DB" --key "$T/audit.pub")
check [ $? -eq 0 ]
check grep -q "6 entries, 1 signed tree heads verified" <<<"$out"
check grep -q "newest 1 entries" <<<"$out"
j=$("$BIN" audit verify --db "$DB" --key "$T/audit.pub" --json)
check [ "$(jq -r .intact <<<"$j")" = true ]
check [ "$(jq -r .entries <<<"$j")" = 6 ]
# The wrong key is caught.
"$BIN" audit verify --db "$DB" --key "$T/other.pub" >/dev/null
check [ $? -eq 1 ]

# list and export
check [ "$("$BIN" audit list --db "$DB" --actor op1 --json | wc -l)" = 3 ]
check [ "$("$BIN" audit list --db "$DB" --action 'maintenance.*' --after 1 --limit 2 --json | jq -r .seq | tr '\n' ,)" = "2,3," ]
"$BIN" audit export --db "$DB" --format csv --out "$T/log.csv" || bad "export csv"
check [ "$(head -1 "$T/log.csv" | tr -d '\r')" = "seq,time,actor,role,action,object,request_id,details" ]
check grep -qF '"{""note"":""a, \""b\"""",""step"":1}"' "$T/log.csv"
"$BIN" audit export --db "$DB" --format json --out "$T/log.jsonl" || bad "export json"
check [ "$(wc -l <"$T/log.jsonl")" = 6 ]
check [ "$(head -1 "$T/log.jsonl" | jq -r .details.step)" = 1 ]
"$BIN" audit export --db "$DB" --format xml >/dev/null 2>&1
check [ $? -eq 3 ]

# backup, wipe, restore
"$BIN" backup --db "$DB" --out "$T/backup.db" >/dev/null || bad "backup"
check [ -s "$T/backup.db" ]
rm -f "$T"/svc.db*
"$BIN" restore --db "$DB" --in "$T/backup.db" >/dev/null || bad "restore"
check "$BIN" audit verify --db "$DB" --key "$T/audit.pub" >/dev/null
"$BIN" restore --db "$DB" --in "$T/backup.db" >/dev/null 2>&1
check [ $? -eq 6 ]
check "$BIN" restore --db "$DB" --in "$T/backup.db" --force >/dev/null
"$BIN" restore --db "sqlite:$T/other.db" --in "$T/log.csv" >/dev/null 2>&1
check [ $? -eq 4 ]

# tampering
sqlite3 "$T/svc.db" "UPDATE audit_entries SET entry = replace(entry, 'op1', 'op7'), actor = 'op7' WHERE seq = 0" 2>/dev/null ||
  python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"UPDATE audit_entries SET entry = replace(entry, 'op1', 'op7'), actor = 'op7' WHERE seq = 0\"); c.commit()" "$T/svc.db"
out=$("$BIN" audit verify --db "$DB" --key "$T/audit.pub")
check [ $? -eq 1 ]
check grep -q "TAMPERED" <<<"$out"
check grep -q "entry 0 was changed" <<<"$out"

# usage errors
"$BIN" audit verify >/dev/null 2>&1
check [ $? -eq 3 ]
"$BIN" backup --db "$DB" >/dev/null 2>&1
check [ $? -eq 3 ]
"$BIN" audit frobnicate >/dev/null 2>&1
check [ $? -eq 3 ]
# Reading a database that is not there creates nothing.
"$BIN" audit list --db "sqlite:$T/none.db" >/dev/null 2>&1
check [ $? -eq 4 ]
check [ ! -e "$T/none.db" ]
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
