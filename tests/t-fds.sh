#!/bin/sh
# SPDX-License-Identifier: ISC
# t-fds.sh: descriptors.  Every socket is closed on every path, so
# thousands of probes run under a limit of 32 descriptors; --parallel keeps
# within RLIMIT_NOFILE and adapts to descriptors already open; EMFILE,
# met while other sockets are in flight, holds the next attempt back until
# one closes (alone, it is the attempt's outcome, explained); a socket
# never takes the place of a closed standard descriptor.  Loopback only.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 7

start_listener open -b 1024 -t 120 || { echo "Bail out! $listener_err"; exit 99; }
start_listener closed -B -t 120 || { echo "Bail out! $listener_err"; exit 99; }

# limited N CMD...: CMD run with a soft limit of N descriptors; with SPARE
# set, the descriptors from 3 up leave only SPARE of the N free, open on
# /dev/null (the run inherits them, as from a careless parent).  bash, for
# redirections of descriptors above 9.
limited() {
	lim_n=$1; shift
	run bash -c '
		ulimit -S -n "$1" || exit 99
		if [ -n "${SPARE:-}" ]; then
			for ((fd = 3; fd < $1 - SPARE; fd++)); do
				eval "exec $fd</dev/null" || exit 99
			done
		fi
		shift; exec "$@"' bash "$lim_n" "$@"
}
command -v bash >/dev/null 2>&1 || skip_all "bash is not installed"

# 1: 3000 probes of an open and of a refused port, 32 descriptors.
limited 32 "$ISOCK" --count 3000 --interval 0 "127.0.0.1:$open" "127.0.0.1:$closed"
want_rc 1
want_out "port $open \\(tcp\\): 3000 probes, 3000 connected, 0 failed"
want_out "port $closed \\(tcp\\): 3000 probes, 0 connected, 3000 failed"
want_not_err "EMFILE"
verdict "--count 3000 --interval 0 under ulimit -n 32: every probe runs"

# 2: -P 1000 on 500 targets with 64 descriptors: the limit wins, no EMFILE.
ports=$open i=1
while [ $i -lt 500 ]; do ports="$ports,$closed"; i=$((i + 1)); done
limited 64 "$ISOCK" -P 1000 "127.0.0.1:$ports"
want_rc 1
want_out "500 targets: 1 connected, 499 refused; exit status 1"
want_not_err "EMFILE"
verdict "-P 1000 on 500 targets under ulimit -n 64: no EMFILE"

# 3: the same with 40 of the 64 descriptors inherited open: -P adapts to
# what is left instead of failing targets with EMFILE.
SPARE=20 limited 64 "$ISOCK" -P 1000 "127.0.0.1:$ports"
want_rc 1
want_out "500 targets: 1 connected, 499 refused; exit status 1"
want_not_err "EMFILE"
verdict "-P 1000 with 40 of 64 descriptors taken: adapts, no EMFILE"

# 4-5: one descriptor free (the dynamic loader needs one as well, so no
# run can start with none): the targets run one at a time; EMFILE, met
# while another socket is in flight, only holds the next one back.
SPARE=1 limited 64 "$ISOCK" -v -P 100 "127.0.0.1:$open,$closed,$closed" \
	"unix:$tmp/none"
want_rc 1
want_out "4 targets: 1 connected, 2 refused, 1 not found; exit status 1"
want_err "EMFILE with 1 sockets in flight: waiting for one to close"
want_not_err "socket\\(\\) failed"
verdict "one descriptor free: targets wait for it, none fails with EMFILE"

SPARE=1 limited 64 "$ISOCK" --json -P 100 "127.0.0.1:$open,$open,$open"
want_rc 0
[ "$(printf '%s\n' "$out" | grep -c '"outcome":"connected"')" = 3 ] ||
	tap_note "not 3 results connected"
want_not_err .
verdict "one descriptor free, --json: every target connected"

# 6-7: standard descriptors closed by the caller: no socket takes their
# place (the report would go to a peer).  strace shows the descriptors.
if command -v strace >/dev/null 2>&1; then
	for shape in "-u --probe -w 0.3 -P 2 127.0.0.1:$closed,$open,$closed" \
	    "-j 127.0.0.1:$open,$closed"; do
		# LeakSanitizer cannot run under ptrace: off for this run.
		# shellcheck disable=SC2086
		strace -f -qq -e trace=socket -o "$tmp/strace" \
			env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
			"$ISOCK" $shape <&- >&- 2>&-
		rc=$? out= err=
		grep -E 'socket\(.*= [0-2]$' "$tmp/strace" >"$tmp/bad" &&
			tap_note "a socket took a standard descriptor: $(cat "$tmp/bad")"
		grep -q 'socket(AF_INET' "$tmp/strace" ||
			tap_note "no socket was opened at all"
		[ "$rc" -ge 1 ] && [ "$rc" -le 10 ] || tap_note "exit status $rc"
		verdict "stdin, stdout, stderr closed: no socket on 0, 1 or 2 ($shape)"
	done
else
	skip "stdin, stdout, stderr closed (-u --probe)" "strace is not installed"
	skip "stdin, stdout, stderr closed (-j)" "strace is not installed"
fi
