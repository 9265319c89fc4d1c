#!/bin/sh
# SPDX-License-Identifier: ISC
# t-valgrind.sh: the integration cases under valgrind's memcheck: no
# invalid read or write, no use of an uninitialised value, no definite or
# indirect leak, and no descriptor left open at exit, for a success, a
# refusal, a timeout, a name that does not resolve, Unix path errors, JSON
# output, several targets, --count and usage errors.  The timeout and the
# name look-ups run in a network namespace of the test's own (skipped
# without root).  Skipped without valgrind (REQUIRE_VALGRIND=1 makes that a
# failure, as in CI) and for a --enable-sanitizers build (ASan and valgrind
# do not mix).
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup

if ! command -v valgrind >/dev/null 2>&1; then
	[ "${REQUIRE_VALGRIND:-0}" = 1 ] &&
		{ echo "Bail out! valgrind is required (REQUIRE_VALGRIND=1)"; exit 99; }
	skip_all "valgrind is not installed (apt-get install valgrind)"
fi
if LC_ALL=C grep -q __asan_init "$ISOCK"; then
	skip_all "an ASan build (--enable-sanitizers): valgrind cannot run it"
fi
plan 18

# vg_run CMD...: CMD under memcheck, in the namespace $vg_ns when it is
# set; sets rc, out, err; the report goes to $tmp/vg.  glibc's own clean-up
# at exit (__libc_freeres) is not run: it frees getaddrinfo_a's requests
# while the resolver's helper thread may still hold them, and memcheck then
# blames glibc's memory (uninitialised reads in free_res, a resolv.conf
# copy "definitely lost"); the tool's own memory is checked all the same.
vg_ns=
vg_run() {
	# shellcheck disable=SC2086
	run ${vg_ns:+ip netns exec $vg_ns} valgrind -q --tool=memcheck --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--run-libc-freeres=no --track-fds=yes --log-file="$tmp/vg" "$@"
}
# The descriptors a program finds open here (the test driver may leave
# some): what valgrind reports for true(1), as the base to compare with.
run valgrind -q --track-fds=yes --log-file="$tmp/vg" true
fd_base=$(sed -n 's/.*FILE DESCRIPTORS: \([0-9]*\) open.*/\1/p' "$tmp/vg" | head -n 1)
[ -n "$fd_base" ] || fd_base=3

# vg_case NAME RC CMD...: CMD exits RC, and memcheck has nothing to say but
# the descriptor count, which is the base one ($vg_extra more).
vg_extra=0
vg_case() {
	vc_name=$1 vc_rc=$2; shift 2
	vg_run "$@"
	want_rc "$vc_rc"
	vc_fds=$(sed -n 's/.*FILE DESCRIPTORS: \([0-9]*\) open.*/\1/p' "$tmp/vg" | head -n 1)
	[ "${vc_fds:-?}" = $((fd_base + vg_extra)) ] ||
		tap_note "descriptors open at exit: ${vc_fds:-?}, expected $((fd_base + vg_extra))"
	grep -E '==[0-9]+== (Invalid|Conditional|Use of|Syscall param|Mismatched|Source and destination)' "$tmp/vg" >/dev/null &&
		tap_note "memcheck errors: $(grep -E '==[0-9]+== [A-Z]' "$tmp/vg" | head -n 5)"
	grep -E 'are (definitely|indirectly) lost' "$tmp/vg" >/dev/null &&
		tap_note "leaks: $(grep -E 'are (definitely|indirectly) lost' "$tmp/vg" | head -n 4)"
	verdict "$vc_name"
}

start_listener open -t 120 || { echo "Bail out! $listener_err"; exit 99; }
start_listener closed -B -t 120 || { echo "Bail out! $listener_err"; exit 99; }
mkdir "$tmp/d" && : >"$tmp/d/file"

vg_case "success" 0 "$ISOCK" 127.0.0.1 "$open"
vg_case "refusal, with the diagnosis" 1 "$ISOCK" 127.0.0.1 "$closed"
vg_case "-v on a refusal" 1 "$ISOCK" -v 127.0.0.1 "$closed"
vg_case "Unix path that does not exist" 6 "$ISOCK" -U "$tmp/d/none"
vg_case "Unix path through a regular file (ENOTDIR)" 6 "$ISOCK" -U "$tmp/d/file/x"
vg_case "Unix path of a regular file (ECONNREFUSED)" 1 "$ISOCK" -U "$tmp/d/file"
vg_case "--json, several targets" 1 "$ISOCK" --json "127.0.0.1:$open,$closed" \
	"unix:$tmp/d/none" "[::1]:$open" localhost:"$open"
vg_case "several targets in text" 1 "$ISOCK" -P 2 "127.0.0.1:$open,$closed,$open"
vg_case "--count 3" 0 "$ISOCK" --count 3 -i 0 127.0.0.1 "$open"
vg_case "several targets: ranges and failures said once, in colour" 1 \
	"$ISOCK" --color=always "127.0.0.1:$closed,$open,$closed" "unix:$tmp/d/none" \
	"[::1]:$closed"
vg_case "--count: each failure diagnosed once" 1 "$ISOCK" -c 2 -i 0 \
	"127.0.0.1:$closed,$open" "unix:$tmp/d/none"
vg_case "UDP --probe to a closed port" 1 "$ISOCK" -u --probe 127.0.0.1 "$closed"
vg_case "usage error with hostile text" 2 "$ISOCK" "$(printf 'a\033[31m\377')" 80
vg_case "--explain and --list-errors" 0 "$ISOCK" --explain ECONNREFUSED
printf '127.0.0.1 %s\n127.0.0.1:%s\n' "$open" "$closed" >"$tmp/list"
vg_case "--targets from standard input, --json" 1 "$ISOCK" --targets - -j <"$tmp/list"

# 14-16: a timeout and names, in a namespace: SYNs to 4445 dropped, a name
# server that never answers, /etc/hosts with localhost only.
if ns_setup vg && ns_drop 4445; then
	vg_ns=$ns
	vg_case "timeout on a dropped SYN" 3 "$ISOCK" -w 0.5 127.0.0.1 4445
	# The abandoned look-up keeps its socket to the name server in
	# glibc's helper thread until the process exits: one descriptor more.
	vg_extra=1
	vg_case "name look-up abandoned at the deadline" 3 \
		"$ISOCK" -w 0.5 nonexistent.invalid 80
	vg_extra=0
	vg_case "Happy Eyeballs by name, then refused" 1 "$ISOCK" -w 1 localhost 4446
	vg_ns=
else
	skip "timeout on a dropped SYN" "$ns_why"
	skip "name look-up abandoned at the deadline" "$ns_why"
	skip "Happy Eyeballs by name, then refused" "$ns_why"
fi
