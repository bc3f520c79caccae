# lib_pg.sh - sourced by the service tests: the database each server uses.
#
# Plain runs keep `eseal serve`'s default SQLite file DIR/eseal.db. With
# ESEAL_TEST_DB=pg (set by tests/test_service_pg.sh) every svc_db call
# makes a new, empty schema in $ESEAL_TEST_PG_URL, so no two servers ever
# share one. Schemas made here are dropped by svc_cleanup. Never falls back
# to SQLite silently: a PostgreSQL run that cannot get a schema fails.
SVC_SRC=${ESEAL_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
SVC_SCHEMAS=()

svc_is_pg() { [ "${ESEAL_TEST_DB:-sqlite}" = pg ]; }

# svc_db VAR DIR: VAR becomes the database URL for a server with data
# directory DIR (an absolute sqlite: URL, or a fresh PostgreSQL schema).
svc_db() {
	local u
	if svc_is_pg; then
		u=$(bash "$SVC_SRC/scripts/pg.sh" schema) || { echo "svc_db: no PostgreSQL schema" >&2; return 1; }
		SVC_SCHEMAS+=("$u")
	else
		case "$2" in /*) u="sqlite:$2/eseal.db" ;; *) u="sqlite:$PWD/$2/eseal.db" ;; esac
	fi
	printf -v "$1" '%s' "$u"
}

# svc_db_args ARRAY URL: ARRAY becomes the `eseal serve` options for URL
# (none for SQLite, so the default location stays covered).
svc_db_args() {
	local -n _svc_a=$1
	_svc_a=()
	if svc_is_pg; then _svc_a=(--db "$2"); fi
	return 0
}

# svc_sql URL SQL: runs SQL on the server's database, prints rows (| separated).
svc_sql() {
	case "$1" in
	sqlite:*) sqlite3 -cmd '.timeout 5000' "${1#sqlite:}" "$2" ;;
	*) psql "$1" -qAt -v ON_ERROR_STOP=1 -c "$2" ;;
	esac
}

# svc_sql_tool: the client svc_sql needs for this backend.
svc_sql_tool() { if svc_is_pg; then echo psql; else echo sqlite3; fi; }

svc_cleanup() {
	local u
	for u in "${SVC_SCHEMAS[@]}"; do
		bash "$SVC_SRC/scripts/pg.sh" drop "$u" >/dev/null 2>&1
	done
	SVC_SCHEMAS=()
}
