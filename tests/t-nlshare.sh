#!/bin/sh
# SPDX-License-Identifier: ISC
# t-nlshare.sh: diagnoses that share netlink replies (src/nl.c), under
# valgrind's memcheck.  1: the unit tests of tests/check_nl (a follower
# whose lead is closed, wakes that close and free other contexts, two
# loops) in one process: no invalid read or write.  2: a diagnosis whose
# ruleset holds a set (its elements asked with a request built by nftnl),
# in a namespace of the test's own: no decision on an uninitialised byte
# when requests are compared to share their replies.  Skipped without
# valgrind, for an ASan build, and (2) without root or nft.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup

command -v valgrind >/dev/null 2>&1 ||
	skip_all "valgrind is not installed (apt-get install valgrind)"
if LC_ALL=C grep -q __asan_init "$ISOCK"; then
	skip_all "an ASan build (--enable-sanitizers): valgrind cannot run it"
fi
plan 2

# vg_check NAME RC CMD...: CMD under memcheck (in the namespace $vg_ns
# when it is set) exits RC, and memcheck has no error to report.
vg_ns=
vg_check() {
	vc_name=$1 vc_rc=$2; shift 2
	# shellcheck disable=SC2086
	run ${vg_ns:+ip netns exec $vg_ns} valgrind -q --tool=memcheck \
		--error-exitcode=99 --run-libc-freeres=no --log-file="$tmp/vg" "$@"
	want_rc "$vc_rc"
	vc_what='Invalid|Conditional|Use of|Syscall param|Source and destination'
	grep -E "==[0-9]+== ($vc_what)" "$tmp/vg" >/dev/null &&
		tap_note "memcheck errors: $(grep -E '==[0-9]+== [A-Z]' "$tmp/vg" |
			head -n 8)"
	verdict "$vc_name"
}

check_nl=${LISTEN%/*}/check_nl
if [ -x "$check_nl" ]; then
	CK_FORK=no vg_check "check_nl: sharing replies, under memcheck" 0 \
		"$check_nl"
else
	skip "check_nl: sharing replies, under memcheck" \
		"no unit tests built (configure --enable-unit-tests)"
fi

if ! ns_setup nlshare; then
	skip "a ruleset with a set: requests compared whole" "$ns_why"
elif ! command -v nft >/dev/null 2>&1; then
	skip "a ruleset with a set: requests compared whole" "nft is not installed"
else
	# A set and a rule that reads it (for a port the case does not use).
	nsx nft -f - <<'NFT'
table inet isock_nlshare {
	set s { type ipv4_addr; elements = { 10.1.2.3 } }
	chain output {
		type filter hook output priority 0;
		ip daddr @s tcp dport 9 drop
	}
}
NFT
	vg_ns=$ns
	vg_check "a ruleset with a set: requests compared whole" 1 \
		"$ISOCK" -w 0.3 127.0.0.1:7001
	vg_ns=
fi
