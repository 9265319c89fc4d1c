#!/bin/sh
# SPDX-License-Identifier: ISC
# t-progress.sh: a run of several targets that lasts more than a second
# shows one status line on a terminal's stderr, rewritten in place and
# removed before the summary (issue 16); never on a pipe or a file; --wait
# keeps its own line.  In a namespace (isock-pg-PID) where TCP ports
# 1010-1012 are dropped; the terminal is a pty made by script(1).
set -u
. "${SRCDIR:-.}/tests/tap.sh"
. "${SRCDIR:-.}/tests/ns.sh"
tap_setup

have_pty || skip_all "$pty_why"
ns_setup pg || skip_all "$ns_why"
for p in 1010 1011 1012; do ns_drop $p || skip_all "$ns_why"; done
plan 4
esc=$(printf '\033')
cr=$(printf '\r')

# 1: on a terminal: the line appears, counts what is done, and is erased
# before the groups that follow it (no line a target on a terminal).
out=$(timeout -k 2 30 script -qfec "ip netns exec $ns '$ISOCK' --color=never -w 1.5 127.0.0.1:1009-1012" /dev/null </dev/null)
rc=$? tap_why=
want_rc 1
printf '%s\n' "$out" | grep -q "1/4 done: 1 refused; 1\\.[0-9] s elapsed" ||
	tap_note "no status line '1/4 done: 1 refused; 1.N s elapsed'"
# What follows the last status line is the erase, then the results.
tail=${out##*elapsed}
case $tail in
"$cr$esc[K127.0.0.1 (tcp): 1009 refused ("*) ;;
*) tap_note "the status line is not erased before the results: $(printf '%s' "$tail" | head -n 1 | od -c | head -n 2)" ;;
esac
n=$(printf '%s\n' "$out" | grep -c '3 timed out; exit status 1')
[ "$n" = 1 ] || tap_note "no summary after the status line"
verdict "a terminal: one status line, rewritten, erased before the results"

# 2: a pipe: no status line.
run sh -c 'ip netns exec "$1" "$2" -w 1.5 127.0.0.1:1009-1012 2>&1 | cat' sh "$ns" "$ISOCK"
want_rc 0
case $out in *elapsed*|*"$esc"*) tap_note "a status line on a pipe" ;; esac
verdict "a pipe: no status line"

# 3: a file: none either.
ip netns exec "$ns" "$ISOCK" -w 1.2 127.0.0.1:1009-1011 >"$tmp/out" 2>"$tmp/err"
rc=$? tap_why=
want_rc 1
grep -q elapsed "$tmp/out" "$tmp/err" && tap_note "a status line in a file"
verdict "a file: no status line"

# 4: --wait keeps its own line, not the status line.
out=$(timeout -k 2 30 script -qfec "ip netns exec $ns '$ISOCK' --wait 1.5 -w 0.5 127.0.0.1:1010,1011" /dev/null </dev/null)
rc=$? tap_why=
want_rc 3
case $out in *" done"*) tap_note "the status line under --wait" ;; esac
case $out in *"127.0.0.1:101"[01]": "*" s of 1.5 s, "*) ;; *) tap_note "no --wait line" ;; esac
verdict "--wait: its own line only"
