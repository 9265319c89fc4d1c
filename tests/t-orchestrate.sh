#!/bin/sh
# SPDX-License-Identifier: ISC
# tests/t-orchestrate.sh: what containers, CI and orchestrators rely on
# (issue 14): "-- COMMAND" runs the command in place of the tool after a
# success, and never after a failure; --invert waits for a port to close;
# --wait 0 waits without limit; a wait says how it ended, on a log too,
# with one line per change of the failure's class; -q leaves --json on;
# --exit-codes binary gives 0 or 1 only.
set -u
. "${SRCDIR:-.}/tests/tap.sh"
tap_setup
plan 19

# keep: the problems noted so far survive the next run (which clears them).
kept=
keep() { kept="$kept$tap_why"; }
kept_verdict() { tap_why="$kept$tap_why"; kept=; verdict "$1"; }

start_listener open -n 1000 -t 120 || { echo "Bail out! $listener_err"; exit 99; }
start_listener closed -B -t 120 || { echo "Bail out! $listener_err"; exit 99; }

# ---- -- COMMAND -------------------------------------------------------------

# 1: the command's status is the exit status.
run "$ISOCK" -q 127.0.0.1 "$open" -- sh -c 'exit 42'
want_rc 42
verdict "-- sh -c 'exit 42' after a success exits 42"

# 2: after a failure the command does not run; the status is the failure's.
run "$ISOCK" -q 127.0.0.1 "$closed" -- sh -c ': >"$1"' sh "$tmp/marker"
want_rc 1
[ ! -e "$tmp/marker" ] || tap_note "the command ran after a refused connect"
verdict "-- COMMAND does not run after a failure"

# 3: the command replaces the tool: the same process.
"$ISOCK" -q 127.0.0.1 "$open" -- sh -c 'echo $$' >"$tmp/pid" 2>&1 &
pid=$!
wait "$pid"
rc=$? out=$(cat "$tmp/pid") err=
want_rc 0
[ "$out" = "$pid" ] || tap_note "the command's PID is '$out', the tool's $pid"
verdict "-- COMMAND keeps the tool's PID"

# 4: the report (on stderr: stdout is the command's) comes first, then the
# command's output, through one pipe.
run sh -c '"$1" 127.0.0.1 "$2" -- echo "the command" 2>&1 | cat' sh "$ISOCK" "$open"
want_rc 0
first=$(printf '%s\n' "$out" | head -n 1)
last=$(printf '%s\n' "$out" | tail -n 1)
case $first in *"connected to 127.0.0.1 port $open"*) ;;
*) tap_note "first line: $first" ;; esac
[ "$last" = "the command" ] || tap_note "last line: $last"
verdict "-- COMMAND: the report is flushed before the command runs"

# 5: the command gets the signal dispositions and mask the caller gave.
run grep -E '^Sig(Ign|Blk)' /proc/self/status
mine=$out
run "$ISOCK" -q 127.0.0.1 "$open" -- grep -E '^Sig(Ign|Blk)' /proc/self/status
want_rc 0
[ "$out" = "$mine" ] || tap_note "the command's signals: $out; without the tool: $mine"
verdict "-- COMMAND gets the caller's signal dispositions and mask"

# 6: a command that cannot be found exits 127, one not executable 126.
run "$ISOCK" -q 127.0.0.1 "$open" -- "$tmp/no such command"
want_rc 127
want_err "isock-connect: cannot run '.*no such command': "
: >"$tmp/plain"
chmod 644 "$tmp/plain"
keep
run "$ISOCK" -q 127.0.0.1 "$open" -- "$tmp/plain"
want_rc 126
want_err "isock-connect: cannot run '.*plain': "
kept_verdict "-- COMMAND: 127 when not found, 126 when not runnable"

# 7: "--" with nothing after it is a usage error.
run "$ISOCK" 127.0.0.1 "$open" --
want_rc 2
want_err "a COMMAND"
verdict "-- without a command is a usage error"

# ---- --invert ---------------------------------------------------------------

# 8: refused is success, connected is the failure "accepting".
run "$ISOCK" --invert 127.0.0.1 "$closed"
want_rc 0
keep
run "$ISOCK" --invert 127.0.0.1 "$open"
want_rc 11
want_err "still accepting"
kept_verdict "--invert: refused exits 0, connected exits 11 (accepting)"

# 9: --invert --wait: until the port closes.
start_listener brief -n 1000 -t 1 || { echo "Bail out! $listener_err"; exit 99; }
run "$ISOCK" --invert --wait 10 127.0.0.1 "$brief"
want_rc 0
want_out "not accepting: .*ECONNREFUSED.*; down after [0-9.]+ s, [0-9]+ attempts"
verdict "--invert --wait: waits until the port stops accepting"

# 10: -- COMMAND after --invert's success.
run "$ISOCK" -q --invert 127.0.0.1 "$closed" -- sh -c 'exit 7'
want_rc 7
verdict "--invert -- COMMAND runs the command when nothing accepts"

# ---- --wait 0 ---------------------------------------------------------------

# 11: no limit: a listener that comes 0.5 s later is found.
late=$(( (open % 20000) + 31000 ))
(sleep 0.5; exec "$LISTEN" -p "$late" -n 1 -t 10) >/dev/null 2>&1 &
tap_pids="$tap_pids $!"
run "$ISOCK" --wait 0 127.0.0.1 "$late"
want_rc 0
want_out "up after [0-9.]+ s, [0-9]+ attempts"
verdict "--wait 0 waits without limit"

# 12: Ctrl-C ends a wait without limit with 130 (SIGINT set to its default:
# a background job of a script starts with it ignored; a watchdog bounds it).
env --default-signal "$ISOCK" --wait 0 127.0.0.1 "$closed" \
	>"$tmp/w0.out" 2>"$tmp/w0.err" &
pid=$!
(sleep 10; kill -9 "$pid") 2>/dev/null &
dog=$!
wait_tool "$pid"
sleep 0.3
kill -INT "$pid"
wait "$pid"
rc=$? out=$(cat "$tmp/w0.out") err=$(cat "$tmp/w0.err")
kill "$dog" 2>/dev/null
want_rc 130
verdict "--wait 0 ends on SIGINT with 130"

# ---- wait outcomes on a log -------------------------------------------------

# 13: a wait that gives up says so: time, attempts, the last error; the
# waiting line is printed once, not once per attempt.
run "$ISOCK" --wait 0.5 127.0.0.1 "$closed"
want_rc 1
want_err "^isock-connect: 127.0.0.1 port $closed \\(tcp\\): gave up after 0\\.[5-9][0-9] s, [0-9]+ attempts: connection refused"
n=$(printf '%s\n' "$err" | grep -c 'waiting')
[ "$n" = 1 ] || tap_note "$n 'waiting' lines, expected 1"
verdict "--wait on a log: one 'waiting' line, then 'gave up after T s, N attempts'"

# 14: a change of the failure's class during the wait is one line more.
# The listener's socket is renamed over the plain file: no gap between.
sock=$tmp/app.sock
start_listener ready -U "$tmp/real.sock" -n 1 -t 20 ||
	{ echo "Bail out! $listener_err"; exit 99; }
(sleep 0.3; : >"$sock"; sleep 0.3; mv -f "$tmp/real.sock" "$sock") \
	>/dev/null 2>&1 &
tap_pids="$tap_pids $!"
run "$ISOCK" --wait 10 "unix:$sock"
want_rc 0
lines=$(printf '%s\n' "$err" | grep -c 'waiting')
printf '%s\n' "$err" | grep -q 'waiting: .*ENOENT' || tap_note "no ENOENT line"
printf '%s\n' "$err" | grep -q 'waiting: .*ECONNREFUSED' || tap_note "no ECONNREFUSED line"
[ "$lines" = 2 ] || tap_note "$lines 'waiting' lines, expected 2"
want_out "up after [0-9.]+ s, [0-9]+ attempts"
verdict "--wait on a log: one line per change of class (not found, refused)"

# 15: on a terminal the line that ends the wait replaces the progress line.
if have_pty; then
	run script -qec "'$ISOCK' --color never --wait 0.3 127.0.0.1 $closed" /dev/null
	want_rc 1
	want_out "gave up after 0\\.[3-9][0-9] s, [0-9]+ attempts: connection refused"
	printf '%s' "$out" | grep -Eq 'attempts?, last: [A-Z]+isock-connect' &&
		tap_note "the last line is glued to the progress line"
	verdict "--wait on a terminal: the outcome on a line of its own"
else
	skip "--wait on a terminal: the outcome on a line of its own" \
	    "$pty_why"
fi

# ---- -q and --json ----------------------------------------------------------

# 16: -q silences the text, not JSON Lines.
run "$ISOCK" -q --json 127.0.0.1 "$open" 127.0.0.1 "$closed"
want_rc 1
want_out '"kind":"result"'
want_out '"kind":"summary"'
want_no_err
verdict "-q --json still writes JSON Lines, and no text"

# ---- --exit-codes binary ----------------------------------------------------

# 17: every failure is 1; success 0.
bad=
for args in "127.0.0.1 $closed" "unix:$tmp/none" "--invert 127.0.0.1 $open"; do
	# shellcheck disable=SC2086
	"$ISOCK" -q --exit-codes binary $args
	st=$?
	[ "$st" = 1 ] || bad="$bad [$args: $st]"
done
"$ISOCK" -q --exit-codes binary 127.0.0.1 "$open" || bad="$bad [open: $?]"
rc=0 out= err=
[ -z "$bad" ] || tap_note "statuses:$bad"
verdict "--exit-codes binary: 0 or 1 for refused, not found, accepting"

# 18: usage errors are 1 too, wherever the option stands.
run "$ISOCK" --bogus --exit-codes binary 127.0.0.1 "$open"
want_rc 1
want_err "unknown option '--bogus'"
keep
run "$ISOCK" --exit-codes binary 127.0.0.1 99999
want_rc 1
keep
run "$ISOCK" --exit-codes nonsense 127.0.0.1 "$open"
want_rc 2
kept_verdict "--exit-codes binary: a usage error is 1, a bad mode 2"

# 19: what does not go together is a usage error, said before anything runs.
run "$ISOCK" --invert -c 2 127.0.0.1 "$open"
want_rc 2
want_err "--invert and --count do not go together"
keep
run "$ISOCK" --list-errors 127.0.0.1 -- sh -c 'exit 0'
want_rc 2
want_err "-- COMMAND runs after a run of targets"
keep
run "$ISOCK" -- 127.0.0.1 "$open" -- sh -c 'exit 5'
want_rc 5
kept_verdict "usage: --invert with -c, -- after --list-errors; a first -- ends the options"
