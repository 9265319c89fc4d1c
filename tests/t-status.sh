#!/bin/sh
# SPDX-License-Identifier: ISC
# t-status.sh: the exit status follows from the errno and the single route
# look-up, never from a budget or the build (issue 19).  In a network
# namespace of the test's own, each failure of the table (refused, time-out,
# no route, unreachable, prohibit, blackhole) gives the same status with
# -q and with the full report, from the libmnl build and from the static
# musl build (make static; those cases skip with the reason when it is not
# built or musl-gcc is missing).
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 12

static=$(dirname "$ISOCK")/isock-connect-static
st_why=
if ! command -v musl-gcc >/dev/null 2>&1; then
	st_why="musl-gcc is not installed: no static build"
elif [ ! -x "$static" ]; then
	st_why="$static is not built: run make static"
fi
if ! ns_setup status; then
	for c in 1 2 3 4 5 6 7 8 9 10 11 12; do skip "case $c" "$ns_why"; done
	exit 0
fi
if ! ns_drop 7001; then
	for c in 1 2 3 4 5 6 7 8 9 10 11 12; do skip "case $c" "$ns_why"; done
	exit 0
fi
nsx ip route add unreachable 198.51.100.0/24
nsx ip route add prohibit 198.51.101.0/24
nsx ip route add blackhole 198.51.102.0/24

# table NAME ERRNO STATUS HOST PORT: the libmnl build and the static one,
# -q and the full report: each exits STATUS (and says ERRNO).
table() {
	tb_name=$1 tb_errno=$2 tb_want=$3; shift 3
	for tb_build in libmnl static; do
		tb_bin=$ISOCK
		if [ $tb_build = static ]; then
			tb_bin=$static
			if [ -n "$st_why" ]; then
				skip "$tb_name: exit $tb_want from the static build" \
				    "$st_why"
				continue
			fi
		fi
		run ip netns exec "$ns" "$tb_bin" -q -w 0.5 "$@"
		tb_q=$rc
		run ip netns exec "$ns" "$tb_bin" -w 0.5 "$@"
		want_rc "$tb_want"
		want_err "$tb_errno"
		[ "$tb_q" = "$tb_want" ] || tap_note "with -q: exit $tb_q"
		verdict "$tb_name ($tb_errno): exit $tb_want from the $tb_build build"
	done
}

table "nothing listens" ECONNREFUSED 1 127.0.0.1 9
table "a dropped SYN" ETIMEDOUT 3 127.0.0.1 7001
table "no route" ENETUNREACH 4 203.0.113.7 80
table "an unreachable route" EHOSTUNREACH 4 198.51.100.7 80
table "a prohibit route" EACCES 5 198.51.101.7 80
table "a blackhole route" EINVAL 4 198.51.102.7 80
