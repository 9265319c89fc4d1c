#!/bin/sh
# SPDX-License-Identifier: ISC
# t-rtget.sh: the route look-up of src/rtget.c on the loop (issue 19): in a
# network namespace of the test's own with a blackhole, an unreachable and
# a prohibit route, rtget_start() answers through the loop what the
# kernel's RTM_GETROUTE answers (EINVAL, EHOSTUNREACH, EACCES; 0 for
# 127.0.0.1), never from inside itself, the same as rtget_errno(), also
# for two addresses of one route asked at once.  Runs tests/rtget-ask.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup
plan 5

ask=$(dirname "$LISTEN")/rtget-ask
[ -x "$ask" ] || skip_all "$ask is not built"
ns_setup rtget || skip_all "$ns_why"
nsx ip route add blackhole 198.51.100.0/24
nsx ip route add unreachable 198.51.101.0/24
nsx ip route add prohibit 198.51.102.0/24

# answer NAME ADDRESS ERRNO: ADDRESS's line says async=ERRNO sync=ERRNO.
answer() {
	printf '%s\n' "$out" | grep -qx "$2 async=$3 sync=$3" ||
		tap_note "$2: expected async=$3 sync=$3"
}

run ip netns exec "$ns" "$ask" 127.0.0.1 198.51.100.7 198.51.100.8 198.51.101.7 \
    198.51.102.7
want_rc 0
answer local 127.0.0.1 0
verdict "127.0.0.1: 0 through the loop"

want_rc 0
answer blackhole 198.51.100.7 22
verdict "a blackhole route: EINVAL through the loop"

want_rc 0
answer blackhole 198.51.100.8 22
verdict "two addresses of the blackhole at once: EINVAL each"

want_rc 0
answer unreachable 198.51.101.7 113
answer prohibit 198.51.102.7 13
verdict "unreachable and prohibit routes: EHOSTUNREACH and EACCES"

# The same address twice at once: one answer each, never early.
run ip netns exec "$ns" "$ask" 198.51.100.9 198.51.100.9
want_rc 0
[ "$(printf '%s\n' "$out" | grep -cx '198.51.100.9 async=22 sync=22')" = 2 ] ||
	tap_note "expected two lines 198.51.100.9 async=22 sync=22"
verdict "one address asked twice at once: EINVAL for each"
