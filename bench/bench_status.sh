#!/bin/bash
# bench_status.sh - status answers per second from `eseal serve`
# (GET /api/v1/status/{esid}: a signed DER answer read from the SQLite
# store, signed once and cached until the seal changes), next to nginx
# serving a static file of exactly the same size, on the same machine in
# the same run, both measured with `wrk -t2 -c64 -d10s`.
# Needs: wrk, nginx, sqlite3, curl (scripts/deps.sh installs them).
# Usage: bench/bench_status.sh [path/to/eseal] [seconds]
set -u
B=${1:-${ESEAL_BIN:-$(dirname "$0")/../build/eseal}}
DUR=${2:-10}
for t in wrk nginx sqlite3 curl; do
	command -v $t >/dev/null 2>&1 || { echo "bench_status: $t is not installed (run scripts/deps.sh)"; exit 77; }
done
T=$(mktemp -d /tmp/eseal-bench-status-XXXXXX)
EPID= NPID=
cleanup() {
	[ -n "$EPID" ] && kill -TERM "$EPID" 2>/dev/null && wait "$EPID" 2>/dev/null
	[ -n "$NPID" ] && kill -QUIT "$NPID" 2>/dev/null && wait "$NPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# eseal serve with 2 worker threads (one per core)
"$B" serve --data "$T/data" --listen 127.0.0.1:0 --threads 2 >"$T/serve.out" 2>"$T/serve.err" &
EPID=$!
URL=
for _ in $(seq 1 100); do
	URL=$(sed -n 's|^listening on \(http://[^ ]*\)$|\1|p' "$T/serve.out")
	[ -n "$URL" ] && break
	sleep 0.1
done
[ -n "$URL" ] || { echo "bench_status: eseal serve did not start"; cat "$T/serve.err"; exit 1; }

# one valid seal in the store
ESID=33010000000001
NOW=$(date +%s)
sqlite3 "$T/data/eseal.db" >/dev/null <<SQL
PRAGMA busy_timeout = 5000;
INSERT INTO organisations (name, credit_code, created_at) VALUES ('bench', 'bench', $NOW);
INSERT INTO seals (org_id, esid, name, type, status, valid_start, valid_end, created_at, updated_at)
  VALUES ((SELECT id FROM organisations WHERE credit_code = 'bench'), '$ESID', 'bench seal', 1, 'valid',
          $NOW, $((NOW + 31536000)), $NOW, $NOW);
SQL
# the signed DER answer (cached per seal by the server until the seal changes)
curl -s -o "$T/answer.der" "${URL}api/v1/status/$ESID"
SIZE=$(stat -c %s "$T/answer.der")
"$B" status show "$T/answer.der" --trust "$T/data/ca/ca.pem" --json | grep -q '"status": "good"' ||
	{ echo "bench_status: unexpected answer: $("$B" status show "$T/answer.der" 2>&1)"; exit 1; }

# nginx: 2 workers, a static file of the same size, no logging
mkdir -p "$T/www" "$T/nginx/logs"
cp "$T/answer.der" "$T/www/status.der"
PORT=$((20000 + RANDOM % 20000))
cat >"$T/nginx/nginx.conf" <<CONF
user root;
worker_processes 2;
pid $T/nginx/nginx.pid;
error_log $T/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	types { application/eseal-status der; }
	server {
		listen 127.0.0.1:$PORT;
		root $T/www;
		location / { }
	}
}
CONF
nginx -p "$T/nginx" -c "$T/nginx/nginx.conf" -g 'daemon off;' 2>"$T/nginx.err" &
NPID=$!
for _ in $(seq 1 50); do
	curl -s -o /dev/null "http://127.0.0.1:$PORT/status.der" && break
	sleep 0.1
done
NSIZE=$(curl -s "http://127.0.0.1:$PORT/status.der" | wc -c)
[ "$NSIZE" = "$SIZE" ] || { echo "bench_status: nginx is not serving the file"; cat "$T/nginx.err"; exit 1; }

rps() { wrk -t2 -c64 -d"${DUR}s" "$1" | tee -a "$T/wrk.log" | sed -n 's/^Requests\/sec: *//p'; }
E=$(rps "${URL}api/v1/status/$ESID")
N=$(rps "http://127.0.0.1:$PORT/status.der")
echo "machine: $(nproc) cores, $(uname -sr)"
echo "body size: $SIZE bytes"
echo "eseal serve  GET /api/v1/status/$ESID: $E requests/s"
echo "nginx static file of the same size:     $N requests/s"
awk -v e="$E" -v n="$N" 'BEGIN { if (n > 0) printf "eseal / nginx: %.2f\n", e / n }'
grep -E 'Latency|Non-2xx|Socket errors' "$T/wrk.log"
