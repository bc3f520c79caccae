#!/bin/bash
# sm2.sh - our own SM2 next to `openssl speed sm2` and `openssl speed
# ecdsap256`, measured in the same run, one core each; optionally the long
# differential run against OpenSSL (in the background, logged) and the
# dudect-style timing test. Measures only; never changes the tree.
#
# usage: bench/sm2.sh [BUILD_DIR] [--seconds N] [--diff N] [--wait] [--dudect N]
#   BUILD_DIR  where bench_sm2 and bench_sm2_dudect were built
#              (default $ESEAL_BUILD, else ./build); build it with
#              -DCMAKE_BUILD_TYPE=Release or RelWithDebInfo for real figures
#   --diff N   N differential cases against OpenSSL (1000000 for the full
#              run, about 10-15 min on one core), a third of them through
#              eseal_key_sign/verify; in the background, log path printed
#   --wait     run the differential cases in the foreground and wait
#   --dudect N timing test with N samples per secret class pair
set -euo pipefail

build=${ESEAL_BUILD:-build}
seconds=3
diff_n=0
dudect_n=0
wait_diff=0
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds=$2; shift 2 ;;
	--diff) diff_n=$2; shift 2 ;;
	--dudect) dudect_n=$2; shift 2 ;;
	--wait) wait_diff=1; shift ;;
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	-*) echo "sm2.sh: unknown option $1" >&2; exit 3 ;;
	*) build=$1; shift ;;
	esac
done
case "$seconds" in
''|*[!0-9]*|0) echo "sm2.sh: --seconds needs a whole number >= 1 (openssl speed takes no fractions)" >&2; exit 3 ;;
esac
bench=$build/bench_sm2
if [ ! -x "$bench" ]; then
	echo "sm2.sh: $bench not found; build the tree first" >&2
	exit 4
fi
command -v openssl >/dev/null || { echo "sm2.sh: openssl command not found" >&2; exit 4; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $(openssl version)"

ours=$("$bench" --seconds "$seconds")
echo "$ours"
our_sign=$(sed -n 's/^sm2 sign\/s: //p' <<<"$ours")
our_verify=$(sed -n 's/^sm2 verify\/s: //p' <<<"$ours")
our_verify_tab=$(sed -n 's/^eseal sm2 verify (key object with table) *\([0-9]*\) .*/\1/p' <<<"$ours")
lib_sign=$(sed -n 's/^sm2 library sign\/s: //p' <<<"$ours")
lib_verify=$(sed -n 's/^sm2 library verify\/s: //p' <<<"$ours")

# openssl speed prints "... sign/s verify/s" as the last two fields (CPU user time).
ossl_line() {
	local out
	out=$(openssl speed -seconds "$seconds" "$1" 2>/dev/null | grep -E "$2" | tail -1) || true
	[ -n "$out" ] || { echo "sm2.sh: 'openssl speed $1' printed no result line" >&2; exit 4; }
	echo "$out"
}
sm2_line=$(ossl_line sm2 'SM2')
p256_line=$(ossl_line ecdsap256 'nistp256')
read -r os_sign os_verify < <(awk '{print $(NF-1), $NF}' <<<"$sm2_line")
read -r p_sign p_verify < <(awk '{print $(NF-1), $NF}' <<<"$p256_line")

echo
printf "%-40s %12s %12s\n" "" "sign/s" "verify/s"
printf "%-40s %12s %12s\n" "eseal own SM2 (one core)" "$our_sign" "$our_verify"
printf "%-40s %12s %12s\n" "eseal own SM2, per-key table" "-" "$our_verify_tab"
printf "%-40s %12s %12s\n" "eseal_key_sign/verify (library API)" "$lib_sign" "$lib_verify"
printf "%-40s %12s %12s\n" "openssl speed sm2" "$os_sign" "$os_verify"
printf "%-40s %12s %12s\n" "openssl speed ecdsap256" "$p_sign" "$p_verify"
awk -v s="$our_sign" -v v="$our_verify" -v t="$our_verify_tab" -v os="$os_sign" -v ov="$os_verify" \
	-v ls="$lib_sign" -v lv="$lib_verify" -v ps="$p_sign" -v pv="$p_verify" 'BEGIN {
	printf "%-40s %11.1fx %11.1fx  (with key table %.1fx)\n", "eseal / openssl sm2", s/os, v/ov, t/ov
	printf "%-40s %11.1fx %11.1fx\n", "eseal library API / openssl sm2", ls/os, lv/ov
	printf "%-40s %11.1fx %11.1fx\n", "eseal / openssl ecdsap256", s/ps, v/pv
	printf "%-40s %11.2fx %11.2fx\n", "openssl sm2 / openssl ecdsap256", os/ps, ov/pv
}'

if [ -x "$build/eseal" ]; then
	echo
	echo "== eseal speed sm2 --seconds $seconds"
	"$build/eseal" speed sm2 --seconds "$seconds" || true
fi

if [ "$dudect_n" -gt 0 ]; then
	echo
	echo "== dudect-style timing test"
	"$build/bench_sm2_dudect" --samples "$dudect_n" --selfcheck
fi

if [ "$diff_n" -gt 0 ]; then
	echo
	if [ "$wait_diff" = 1 ]; then
		echo "== differential run of $diff_n cases"
		start=$(date +%s)
		"$bench" --diff "$diff_n"
		echo "== differential run took $(( $(date +%s) - start )) s"
	else
		log=$(mktemp /tmp/eseal-sm2-diff-XXXXXX.log)
		nohup "$bench" --diff "$diff_n" >"$log" 2>&1 &
		echo "== differential run of $diff_n cases started (pid $!); log: $log"
		echo "   it ends with 'differential: $diff_n cases, 0 disagreements' or exits 1"
	fi
fi
