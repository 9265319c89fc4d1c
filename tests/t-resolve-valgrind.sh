#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-resolve-valgrind.sh: the thread resolver's suite
# (tests/check_resolve) under valgrind's memcheck, in one process
# (CK_FORK=no): no memory error, no definite or indirect leak, and none of
# its pipes left open, abandoned look-ups included.  Skipped without
# valgrind (REQUIRE_VALGRIND=1 makes that a failure, as in CI), without the
# unit suites, and for a --enable-sanitizers build.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup

suite=$(dirname "$ISOCK")/../tests/check_resolve
if ! command -v valgrind >/dev/null 2>&1; then
	[ "${REQUIRE_VALGRIND:-0}" = 1 ] &&
		{ echo "Bail out! valgrind is required (REQUIRE_VALGRIND=1)"; exit 99; }
	skip_all "valgrind is not installed (apt-get install valgrind)"
fi
[ -z "${UNIT_TESTS_WHY:-}" ] ||
	skip_all "the Check unit suites are disabled: $UNIT_TESTS_WHY"
[ -x "$suite" ] || skip_all "the unit suites are not built (no Check)"
if LC_ALL=C grep -q __asan_init "$suite"; then
	skip_all "an ASan build (--enable-sanitizers): valgrind cannot run it"
fi
plan 3

export CK_FORK=no
run valgrind -q --tool=memcheck --leak-check=full \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --track-fds=yes --log-file="$tmp/vg" "$suite"
expect "the suite passes under memcheck" 0 "Failures: 0, Errors: 0"
if grep -E '==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched)|are (definitely|indirectly) lost' "$tmp/vg" >/dev/null; then
	fail "no memory error and no leak" "$(grep -E '==[0-9]+== [A-Z0-9]' "$tmp/vg" | head -n 20)"
else
	pass "no memory error and no leak"
fi
# A pipe of a request still open at exit is reported with its creator,
# in a block that starts "Open file descriptor" and ends with a bare line.
awk '/Open file descriptor/ { on = 1; block = "" }
	on { block = block $0 "\n" }
	on && /^==[0-9]+== *$/ { if (block ~ /resolve_start/) printf "%s", block; on = 0 }' \
    "$tmp/vg" >"$tmp/fds"
if [ -s "$tmp/fds" ]; then
	fail "no request descriptor open at exit" "$(head -n 20 "$tmp/fds")"
else
	pass "no request descriptor open at exit"
fi
